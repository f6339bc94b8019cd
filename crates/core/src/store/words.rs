//! Words a person reads out, writes down and types back: the BIP39 French list (2,048 words,
//! 11 bits each, no two alike in their first four letters). Typed words are matched without
//! case or accents, so a keyboard without « é » still works.

use bip39::Language;

/// The list, in BIP39's order. Its accented words are stored decomposed (NFKD: « e » then a
/// combining accent); [`composed`] gives them as a person writes them.
pub fn word_list() -> &'static [&'static str; 2048] {
    Language::French.word_list()
}

/// Words as shown: French accents composed (« é », not « e » and a combining accent), so they
/// display, copy and print as one letter everywhere.
pub fn composed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let base = out.pop();
        let together = base.and_then(|b| compose(b, c));
        match (base, together) {
            (_, Some(one)) => out.push(one),
            (Some(b), None) => {
                out.push(b);
                out.push(c);
            }
            (None, None) => out.push(c),
        }
    }
    out
}

fn compose(base: char, accent: char) -> Option<char> {
    let table: &[(char, char, char)] = &[
        ('a', '\u{300}', 'à'),
        ('a', '\u{302}', 'â'),
        ('e', '\u{301}', 'é'),
        ('e', '\u{300}', 'è'),
        ('e', '\u{302}', 'ê'),
        ('e', '\u{308}', 'ë'),
        ('i', '\u{302}', 'î'),
        ('i', '\u{308}', 'ï'),
        ('o', '\u{302}', 'ô'),
        ('u', '\u{300}', 'ù'),
        ('u', '\u{302}', 'û'),
        ('u', '\u{308}', 'ü'),
        ('c', '\u{327}', 'ç'),
    ];
    table
        .iter()
        .find(|(b, a, _)| *b == base && *a == accent)
        .map(|(_, _, one)| *one)
}

/// Text as compared: lower case, accents removed (composed or combining), a typographic
/// apostrophe as a plain one. Typed words are matched this way, and so are place names and
/// the sessions list's search (`read::places`).
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        // Combining accents (a word typed in decomposed form) go with the rest.
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'ñ' => 'n',
            '\u{2019}' => '\'',
            c => c,
        })
        .collect()
}

/// The index in the list of a typed word, or `None` when it is not one of them.
pub fn index_of(word: &str) -> Option<usize> {
    let wanted = fold(word.trim());
    word_list().iter().position(|w| fold(w) == wanted)
}

/// Splits what a person typed into words: spaces, hyphens, commas, dots and new lines all
/// separate them.
pub fn split(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | '.' | ';'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Typed words as the list's own spelling (with accents), or the first word not in the list.
pub fn canonical(text: &str) -> Result<Vec<&'static str>, String> {
    split(text)
        .into_iter()
        .map(|w| {
            index_of(w)
                .map(|i| word_list()[i])
                .ok_or_else(|| w.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_match_without_case_or_accents() {
        let list = word_list();
        let accented = list
            .iter()
            .position(|w| composed(w).contains('é'))
            .expect("a word with é");
        let plain = fold(list[accented]).to_uppercase();
        assert!(plain.is_ascii(), "{plain}");
        assert_eq!(index_of(&plain), Some(accented));
        assert_eq!(index_of(&composed(list[accented])), Some(accented));
        assert_eq!(index_of("pas-un-mot"), None);
        assert_eq!(
            canonical(&format!("  {} ,{}\n", list[3], plain)).unwrap(),
            vec![list[3], list[accented]]
        );
        assert_eq!(canonical("abaisser zzz").unwrap_err(), "zzz");
    }

    #[test]
    fn folded_words_stay_distinct_and_plain_letters() {
        let mut folded: Vec<String> = word_list().iter().map(|w| fold(w)).collect();
        assert!(folded
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase())));
        folded.sort();
        folded.dedup();
        assert_eq!(folded.len(), 2048);
    }
}
