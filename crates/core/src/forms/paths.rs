//! An answer's path in its response (docs/design/forms.md, "Paths"): the chain of repeat
//! instances, then the question's name, `/`-separated; groups that are not repeats do not
//! appear. `age`, `members[k3f9q2ab]/age`, `hh[a1b2c3d4]/members[e5f6a7b8]/age`; a path
//! ending in an instance (`members[k3f9q2ab]`) is that instance's own record (its order key).

/// The longest path an answer may have (the `answer.path` field's limit).
pub const MAX_PATH: usize = 500;

/// The length of a repeat instance's key: 8 lowercase base-32 characters (`[a-z2-7]{8}`) as
/// made (see [`is_instance_key`] for what is taken).
pub const INSTANCE_KEY_LEN: usize = 8;

/// Whether `path` is a well-formed answer path: `name([key]/name)*`, optionally ending in an
/// instance `name[key]`, at most [`MAX_PATH`] characters. Received paths pass here before
/// they are stored: anything else (`../x`, `a[ZZZ]/b`, an empty step) is refused.
pub fn check_path(path: &str) -> bool {
    if path.is_empty() || path.chars().count() > MAX_PATH {
        return false;
    }
    let steps: Vec<&str> = path.split('/').collect();
    let last = steps.len() - 1;
    steps
        .iter()
        .enumerate()
        .all(|(i, step)| match split_step(step) {
            Some((name, key)) => is_name(name) && (key.is_some() || i == last),
            None => false,
        })
}

/// A step as (name, instance key): `members[k3f9q2ab]` → ("members", Some("k3f9q2ab")),
/// `age` → ("age", None); None when the brackets are not a well-formed instance key.
fn split_step(step: &str) -> Option<(&str, Option<&str>)> {
    let Some(open) = step.find('[') else {
        return Some((step, None));
    };
    let key = step[open + 1..].strip_suffix(']')?;
    is_instance_key(key).then_some((&step[..open], Some(key)))
}

/// Whether `key` is a repeat instance's key: 8 lowercase letters or digits. Keys are made of
/// base 32's `a-z` and `2-7`; any digit is taken, as the design's own examples (`k3f9q2ab`,
/// `a1b2c3d4`) write them: refusing one would stop a study's sync for no harm done.
pub fn is_instance_key(key: &str) -> bool {
    key.len() == INSTANCE_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Whether `name` is a question's name as XLSForm allows it (an XML name without a prefix): a
/// letter or `_`, then letters, digits, `_`, `-` or `.`.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The instance key's length, as `forms::answers` names it.
pub const KEY_LEN: usize = INSTANCE_KEY_LEN;

/// A segment `name` or `name[key]` as (name, key), the key not checked; None when the
/// brackets are misplaced.
pub(crate) fn split_segment(segment: &str) -> Option<(&str, Option<&str>)> {
    match segment.find('[') {
        None => (!segment.contains(']')).then_some((segment, None)),
        Some(open) => {
            let inner = segment[open + 1..].strip_suffix(']')?;
            Some((&segment[..open], Some(inner)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_paths_pass() {
        for p in [
            "age",
            "_x",
            "nom_de_famille",
            "q1.2-b",
            "members[k3f9q2ab]/age",
            "members[k3f9q2ab]",
            "hh[a1b2c3d4]/members[e5f6a7b8]/age",
            "hh[a1b2c3d4]/members[e5f6a7b8]",
            "région",
            "choice_other",
        ] {
            assert!(check_path(p), "{p} should pass");
        }
    }

    #[test]
    fn malformed_paths_are_refused() {
        let long = "a".repeat(MAX_PATH + 1);
        let ten_thousand = format!("x[aaaaaaaa]/{}", "b".repeat(10_000));
        for p in [
            "",
            "../x",
            "./x",
            "/age",
            "age/",
            "a//b",
            "a[ZZZ]/b",
            "a[zzzzzzz]/b",
            "a[zzzzzzzzz]/b",
            "a[abcdefg-]/b",
            "a[abcdéfgh]/b",
            "a[ABCDEFGH]/b",
            "a/b",
            "a[abcdefgh]b/c",
            "a[abcdefgh",
            "a]abcdefgh[",
            "[abcdefgh]",
            "1age",
            "-age",
            "a b",
            "a\nb",
            "ns:age",
            long.as_str(),
            ten_thousand.as_str(),
        ] {
            assert!(!check_path(p), "{p:?} should be refused");
        }
        assert!(check_path(&"a".repeat(MAX_PATH)));
    }
}
