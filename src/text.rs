//! Word-level text matching for labels in any language: lower-cased tokens, with camelCase and
//! kebab-case identifiers split, so that "likeBtn", "like-button" and "Like" all contain the word "like".

use crate::fnv::Fnv1a;
use std::hash::BuildHasherDefault;

/// Splits text into lower-case word tokens. Apostrophes stay inside words ("j'aime", "don't").
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    push_tokens(text, &mut out);
    out
}

/// [`tokens`], appended to `out` (one allocation per token, none for the list when it has room).
#[inline]
pub fn push_tokens(text: &str, out: &mut Vec<String>) {
    push_tokens_by(text, out, true);
}

/// [`push_tokens`]; with `ascii_by_bytes`, ASCII characters (class names, ids, most labels) take byte tests
/// instead of the Unicode tables, with the same answers (a click's words are read on every click; a test
/// compares both ways).
fn push_tokens_by(text: &str, out: &mut Vec<String>, ascii_by_bytes: bool) {
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
        // No ASCII character is an emoji or a part of one.
        let ascii = ascii_by_bytes && c.is_ascii();
        if !ascii && is_emoji_modifier(c) {
            continue;
        }
        if !ascii && is_emoji_char(c) {
            // An emoji is a word of its own ("👍12" → "👍", "12"): reactions are labelled by them.
            prev_lower = false;
            if !word.is_empty() {
                finish(&mut word, out);
            }
            out.push(c.to_string());
            continue;
        }
        let alphanumeric = if ascii { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() };
        if alphanumeric || (c == '\'' && !word.is_empty()) || (c == '+' && word.is_empty()) {
            // camelCase boundary: "likeBtn" → "like", "btn"
            let upper = if ascii { c.is_ascii_uppercase() } else { c.is_uppercase() };
            if upper && prev_lower && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            if ascii {
                prev_lower = c.is_ascii_lowercase();
                word.push(c.to_ascii_lowercase());
            } else {
                prev_lower = c.is_lowercase();
                word.extend(c.to_lowercase());
            }
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
    by_first: ByFirstWord,
}

/// First word → (tag, the phrase's other words), hashed with FNV-1a: the keys are our lexicon's (`crate::fnv`).
type ByFirstWord = std::collections::HashMap<String, Vec<(usize, Vec<String>)>, BuildHasherDefault<Fnv1a>>;

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
            let mut by_tables = Vec::new();
            push_tokens_by(&text, &mut by_tables, false);
            assert_eq!(tokens(&text), by_tables, "{text:?}");
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
