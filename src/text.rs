//! Word-level text matching for labels in any language: lower-cased tokens, with camelCase and
//! kebab-case identifiers split, so that "likeBtn", "like-button" and "Like" all contain the word "like".

use std::hash::{BuildHasherDefault, Hasher};

/// Splits text into lower-case word tokens. Apostrophes stay inside words ("j'aime", "don't").
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    push_tokens(text, &mut out);
    out
}

/// [`tokens`], appended to `out` (one allocation per token, none for the list when it has room).
pub fn push_tokens(text: &str, out: &mut Vec<String>) {
    // A finished word loses its trailing apostrophes in place ("students'" → "students").
    fn finish(word: &mut String, out: &mut Vec<String>) {
        let kept = word.trim_end_matches('\'').len();
        word.truncate(kept);
        out.push(std::mem::take(word));
    }
    let mut word = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        let c = if c == '\u{2019}' || c == '\u{2018}' { '\'' } else { c };
        // ASCII (class names, ids, most labels): the same steps as below with byte tests, which skip the
        // Unicode tables (a click's words are read on every click).
        if c.is_ascii() {
            let b = c as u8;
            if b.is_ascii_alphanumeric() || (b == b'\'' && !word.is_empty()) || (b == b'+' && word.is_empty()) {
                if b.is_ascii_uppercase() && prev_lower && !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                prev_lower = b.is_ascii_lowercase();
                word.push(char::from(b.to_ascii_lowercase()));
            } else {
                prev_lower = false;
                if !word.is_empty() {
                    finish(&mut word, out);
                }
            }
            continue;
        }
        if is_emoji_modifier(c) {
            continue;
        }
        if is_emoji_char(c) {
            // An emoji is a word of its own ("👍12" → "👍", "12"): reactions are labelled by them.
            prev_lower = false;
            if !word.is_empty() {
                finish(&mut word, out);
            }
            out.push(c.to_string());
            continue;
        }
        if c.is_alphanumeric() || (c == '\'' && !word.is_empty()) || (c == '+' && word.is_empty()) {
            // camelCase boundary: "likeBtn" → "like", "btn"
            if c.is_uppercase() && prev_lower && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = c.is_lowercase();
            word.extend(c.to_lowercase());
        } else {
            prev_lower = false;
            if !word.is_empty() {
                finish(&mut word, out);
            }
        }
    }
    if !word.is_empty() {
        finish(&mut word, out);
    }
}

/// Pictographs people react with: emoji, hearts, stars, thumbs (Unicode blocks, not the full emoji list).
pub fn is_emoji_char(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1F3FA | 0x1F400..=0x1FAFF | 0x2600..=0x27BF | 0x2B50 | 0x2B55 | 0x1F004..=0x1F2FF)
}

/// Variation selectors, joiners and skin tones: parts of an emoji that are not words.
fn is_emoji_modifier(c: char) -> bool {
    matches!(c as u32, 0xFE0E | 0xFE0F | 0x200D | 0x1F3FB..=0x1F3FF)
}

/// A phrase pre-split into tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase(pub Vec<String>);

impl Phrase {
    pub fn new(text: &str) -> Phrase {
        Phrase(tokens(text))
    }

    /// Whether the phrase occurs as a run of whole tokens.
    pub fn occurs_in(&self, haystack: &[String]) -> bool {
        !self.0.is_empty() && haystack.windows(self.0.len()).any(|w| w == self.0.as_slice())
    }
}

/// Many phrases, indexed by their first word, so that finding which ones occur costs a lookup per word
/// of the haystack rather than a scan per phrase. Each phrase carries a tag (its kind's rank).
#[derive(Debug, Clone, Default)]
pub struct PhraseSet {
    by_first: std::collections::HashMap<String, Vec<(usize, Vec<String>)>, BuildHasherDefault<Fnv1a>>,
}

/// FNV-1a for the phrase index: its keys are the bundled lexicon's words, which no page chooses, so the
/// standard library's keyed SipHash (against crafted keys) buys nothing here, and it was a third of a lookup.
#[derive(Debug, Clone, Copy)]
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Fnv1a {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl PhraseSet {
    pub fn new(tagged: impl IntoIterator<Item = (usize, Phrase)>) -> PhraseSet {
        let mut set = PhraseSet::default();
        for (tag, phrase) in tagged {
            if let Some((first, rest)) = phrase.0.split_first() {
                set.by_first.entry(first.clone()).or_default().push((tag, rest.to_vec()));
            }
        }
        set
    }

    /// The smallest tag among the phrases that occur in `haystack` as runs of whole tokens.
    pub fn first_match(&self, haystack: &[String]) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, word) in haystack.iter().enumerate() {
            let Some(candidates) = self.by_first.get(word.as_str()) else { continue };
            for (tag, rest) in candidates {
                if best.is_some_and(|b| b <= *tag) {
                    continue;
                }
                if haystack.len() > i + rest.len() && haystack[i + 1..=i + rest.len()] == rest[..] {
                    best = Some(*tag);
                }
            }
        }
        best
    }

    /// Whether any phrase occurs in `haystack`.
    pub fn occurs_in(&self, haystack: &[String]) -> bool {
        self.first_match(haystack).is_some()
    }
}

/// Whether a token is a number ("12", "1,234" is split into "1" "234", "3k" counts too).
pub fn is_number(token: &str) -> bool {
    let digits = token.trim_end_matches(['k', 'm']);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// The first number in a text (for rating values: "Rate 4", "4 étoiles", "4.5 stars").
pub fn first_number(text: &str) -> Option<f32> {
    let mut buf = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || (c == '.' && !buf.is_empty() && !buf.contains('.')) {
            buf.push(c);
        } else if !buf.is_empty() {
            break;
        }
    }
    buf.trim_end_matches('.').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `push_tokens` before its ASCII fast path: every character through the Unicode tests.
    fn tokens_char_by_char(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let finish = |word: &mut String, out: &mut Vec<String>| {
            let kept = word.trim_end_matches('\'').len();
            word.truncate(kept);
            out.push(std::mem::take(word));
        };
        let (mut word, mut prev_lower) = (String::new(), false);
        for c in text.chars() {
            let c = if c == '\u{2019}' || c == '\u{2018}' { '\'' } else { c };
            if is_emoji_modifier(c) {
                continue;
            }
            if is_emoji_char(c) {
                prev_lower = false;
                if !word.is_empty() {
                    finish(&mut word, &mut out);
                }
                out.push(c.to_string());
                continue;
            }
            if c.is_alphanumeric() || (c == '\'' && !word.is_empty()) || (c == '+' && word.is_empty()) {
                if c.is_uppercase() && prev_lower && !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                prev_lower = c.is_lowercase();
                word.extend(c.to_lowercase());
            } else {
                prev_lower = false;
                if !word.is_empty() {
                    finish(&mut word, &mut out);
                }
            }
        }
        if !word.is_empty() {
            finish(&mut word, &mut out);
        }
        out
    }

    /// The fast path changes no token: 200,000 strings drawn from pieces that exercise every branch
    /// (camelCase, apostrophes of both kinds, `+`, digits, accents, emoji and their modifiers, spaces and
    /// punctuation), ASCII and not mixed within a word.
    #[test]
    fn the_ascii_fast_path_tokenises_as_the_unicode_path() {
        let pieces = ["like", "Like", "likeBtn", "LIKE", "J\u{2019}aime", "students'", "'quoted'", "+1", "a+b", "42", "4,5", "Émile", "éA", "aÉ", "ß", "İ", "👍", "👍🏽", "❤\u{fe0f}", "\u{200d}", " ", "-", "_", ".", "\u{2018}", "x", "Z9", "ǅ"];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200_000 {
            let n = (next() % 6) as usize;
            let text: String = (0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect();
            assert_eq!(tokens(&text), tokens_char_by_char(&text), "{text:?}");
        }
    }

    #[test]
    fn splits_labels_and_identifiers() {
        assert_eq!(tokens("likeBtn"), ["like", "btn"]);
        assert_eq!(tokens("like-button_icon"), ["like", "button", "icon"]);
        assert_eq!(tokens("J’aime"), ["j'aime"]);
        assert_eq!(tokens("Don't recommend channel"), ["don't", "recommend", "channel"]);
        assert_eq!(tokens("Gefällt mir"), ["gefällt", "mir"]);
        assert_eq!(tokens("1,234 likes"), ["1", "234", "likes"]);
        assert_eq!(tokens("+1"), ["+1"]);
        assert_eq!(tokens("👍🏽12"), ["👍", "12"]);
        assert_eq!(tokens("❤️ Love"), ["❤", "love"]);
        assert_eq!(tokens("★★☆"), ["★", "★", "☆"]);
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let hay = tokens("Like this video along with 12 other people");
        assert!(Phrase::new("like").occurs_in(&hay));
        assert!(Phrase::new("other people").occurs_in(&hay));
        assert!(!Phrase::new("likes").occurs_in(&hay));
        assert!(!Phrase::new("unlike").occurs_in(&tokens("Like")));
        assert!(!Phrase::new("like").occurs_in(&tokens("unlike")));
    }

    #[test]
    fn phrase_sets_find_the_first_tag() {
        let set = PhraseSet::new([(2, Phrase::new("like")), (0, Phrase::new("remove like")), (1, Phrase::new("not interested"))]);
        assert_eq!(set.first_match(&tokens("Remove like")), Some(0));
        assert_eq!(set.first_match(&tokens("like")), Some(2));
        assert_eq!(set.first_match(&tokens("I am not interested, like")), Some(1));
        assert_eq!(set.first_match(&tokens("remove")), None);
        assert!(!set.occurs_in(&tokens("not")));
    }

    #[test]
    fn numbers() {
        assert_eq!(first_number("Rate 4 out of 5"), Some(4.0));
        assert_eq!(first_number("4.5 stars."), Some(4.5));
        assert_eq!(first_number("no number"), None);
        assert!(is_number("12") && is_number("3k") && !is_number("k") && !is_number("like"));
    }
}
