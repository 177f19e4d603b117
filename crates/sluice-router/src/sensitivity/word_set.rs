//! Fixed word lists looked up by word, case-insensitively. The lists are written as text (one
//! string of whitespace-separated words, easy to read and extend); scanning such a string for
//! every candidate word made the name detector quadratic, so each list becomes a hash set once.

use std::collections::HashSet;

pub(crate) struct WordSet(HashSet<String>);

/// Longest word looked up without allocating (longer ones are lower-cased on the heap).
const STACK_WORD: usize = 48;

impl WordSet {
    pub(crate) fn new(words: &str) -> Self {
        Self(words.split_whitespace().map(str::to_lowercase).collect())
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        if word.is_empty() {
            return false;
        }
        if word.is_ascii() && word.len() <= STACK_WORD {
            let mut buf = [0u8; STACK_WORD];
            let lower = &mut buf[..word.len()];
            lower.copy_from_slice(word.as_bytes());
            lower.make_ascii_lowercase();
            // ASCII in, ASCII out: always valid UTF-8.
            return std::str::from_utf8(lower).is_ok_and(|w| self.0.contains(w));
        }
        self.0.contains(&word.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::WordSet;

    #[test]
    fn lookups_ignore_case_and_whitespace_layout() {
        let set = WordSet::new("curve  doctrine\nEffect");
        assert!(set.contains("Curve") && set.contains("DOCTRINE") && set.contains("effect"));
        assert!(!set.contains("") && !set.contains("curves") && !set.contains(&"x".repeat(100)));
        assert!(WordSet::new("müller").contains("Müller"));
    }
}
