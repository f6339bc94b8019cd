//! Answer paths: the chain of repeat instances then the question's name, `/`-separated
//! (`age`, `members[k3f9q2ab]/age`, `hh[a1b2c3d4]/members[e5f6a7b8]`), as the design says.
//! Groups that are not repeats do not appear; names are unique in a form.

/// The longest path an answer may carry (the `answer.path` field's limit).
pub const MAX_PATH: usize = 500;

/// How many characters an instance key has (`[a-z2-7]`, lowercase base 32).
pub const KEY_LEN: usize = 8;

/// Whether `path` is well-formed: `name([key]/name)*`, optionally ending in an instance
/// `name[key]`, at most 500 characters. A path received from another laptop must pass it.
pub fn check_path(path: &str) -> bool {
    if path.is_empty() || path.len() > MAX_PATH {
        return false;
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    segments.iter().enumerate().all(|(i, segment)| {
        match split_segment(segment) {
            Some((name, Some(key))) => check_name(name) && check_key(key),
            // Only the last segment may be a bare name: the ones before are instances.
            Some((name, None)) => i == last && check_name(name),
            None => false,
        }
    })
}

/// A segment `name` or `name[key]` as (name, key); None when the brackets are misplaced.
pub(crate) fn split_segment(segment: &str) -> Option<(&str, Option<&str>)> {
    match segment.find('[') {
        None => (!segment.contains(']')).then_some((segment, None)),
        Some(open) => {
            let inner = segment[open + 1..].strip_suffix(']')?;
            Some((&segment[..open], Some(inner)))
        }
    }
}

/// An XML-ish name as XLSForm allows: a letter or `_`, then letters, digits, `_`, `-`, `.`.
pub(crate) fn check_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// An instance key: 8 characters of `[a-z2-7]`.
pub(crate) fn check_key(key: &str) -> bool {
    key.len() == KEY_LEN && key.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn paths_of_the_design_pass_and_others_do_not() {
        for good in [
            "age",
            "members[k3f7q2ab]/age",
            "hh[a2b2c3d4]/members[e5f6a7b7]/age",
            "members[k3f7q2ab]",
            "hh[a2b2c3d4]/members[e5f6a7b7]",
            "q_1.x-y",
        ] {
            assert!(check_path(good), "{good}");
        }
        for bad in [
            "",
            "1age",
            "members/age",
            "members[K3F9Q2AB]/age",
            "members[k3f9q2a]/age",
            "members[k3f9q2ab]/",
            "/age",
            "a[bcdefghi]x",
            "age]",
            "a b",
            "members[k3f9q2ab]age",
        ] {
            assert!(!check_path(bad), "{bad}");
        }
        assert!(!check_path(&"a".repeat(501)));
        assert!(check_path(&"a".repeat(500)));
    }
}
