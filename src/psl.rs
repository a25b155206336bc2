//! The Public Suffix List as data, not code.
//!
//! `build.rs` turns `data/psl/public_suffix_list.dat` (refreshed by `scripts/update-psl.sh`; its version is
//! [`VERSION`]) into a sorted list of rules written right to left, each internationalised rule also in
//! punycode, front-coded (each line: one byte = bytes shared with the previous line, the rest, `\n`):
//!
//! ```text
//! uk              an ordinary rule          (uk)
//! uk.co           an ordinary rule          (co.uk)
//! jp.kawasaki.*   a wildcard rule           (*.kawasaki.jp)
//! !jp.kawasaki.city  an exception rule      (!city.kawasaki.jp)
//! ```
//!
//! About 37 KB gzipped in the module, against ≈ 450 KB for the `psl` crate's generated matcher. The list is
//! unpacked once, on first use, into one string, an index of line ends and a hash table of the rules (≈ 330 KB
//! of memory); a lookup is then a few hash probes (a binary search took 14 string
//! comparisons per question, three questions per label of the host). The answers are the `psl` crate's (a native test
//! compares both on the list's own test cases and every host of the fixtures), following the list's
//! algorithm: the longest matching rule wins, an exception rule beats every other rule, and a host no rule
//! matches has its last label for suffix (the implicit `*` rule; such a suffix is not "known").

use std::sync::OnceLock;

/// The list's `VERSION` line, e.g. `2026-10-22_08-36-41_UTC`.
pub const VERSION: &str = include_str!(concat!(env!("OUT_DIR"), "/psl_version.txt"));

static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/psl_rules.bin"));

/// The unpacked, sorted rules.
struct Rules {
    text: Vec<u8>,
    /// End of each rule in `text` (rules are contiguous, no separator).
    ends: Vec<u32>,
    /// Open addressing with linear probing, a power of two long, at most two thirds full: each slot is 0
    /// (empty) or a rule's number + 1 in the low 16 bits under 16 bits of its key's hash, so a probe
    /// compares the rule itself only when the hashes agree.
    slots: Vec<u32>,
    /// 32 − log2(slots.len()): the hash's top bits pick the first slot.
    shift: u32,
}

/// FNV-1a, then a Fibonacci multiplication so the top bits (the slot) depend on every byte.
fn hash(key: &[u8]) -> u32 {
    key.iter().fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)).wrapping_mul(0x9e37_79b9)
}

impl Rules {
    fn unpack(packed: &[u8]) -> Rules {
        let mut text = Vec::with_capacity(packed.len() * 2);
        let mut ends = Vec::with_capacity(packed.len() / 6);
        let mut previous_start = 0usize;
        let mut at = 0usize;
        while at < packed.len() {
            let shared = usize::from(packed[at]);
            let rest_end = at + 1 + packed[at + 1..].iter().position(|&b| b == b'\n').unwrap_or(packed.len() - at - 1);
            let start = text.len();
            text.extend_from_within(previous_start..previous_start + shared);
            text.extend_from_slice(&packed[at + 1..rest_end]);
            ends.push(text.len() as u32);
            previous_start = start;
            at = rest_end + 1;
        }
        Rules::with_slots(text, ends)
    }

    fn with_slots(text: Vec<u8>, ends: Vec<u32>) -> Rules {
        assert!(ends.len() < 0xffff, "rule numbers fit the slots' 16 bits");
        let size = (ends.len() * 3 / 2 + 1).next_power_of_two().max(2);
        let mut rules = Rules { text, ends, slots: vec![0; size], shift: 32 - size.trailing_zeros() };
        for i in 0..rules.ends.len() {
            let h = hash(rules.rule(i));
            let mut at = (h >> rules.shift) as usize;
            while rules.slots[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            rules.slots[at] = (h << 16) | (i as u32 + 1);
        }
        rules
    }

    fn rule(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Is `key` one of the rules?
    fn contains(&self, key: &[u8]) -> bool {
        let h = hash(key);
        let mask = self.slots.len() - 1;
        let mut at = (h >> self.shift) as usize;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return false;
            }
            if slot >> 16 == h & 0xffff && self.rule((slot & 0xffff) as usize - 1) == key {
                return true;
            }
            at = (at + 1) & mask;
        }
    }

    /// Labels of `host` (no trailing dot) in its public suffix, and whether a rule of the list said so.
    fn suffix_labels(&self, host: &str) -> (usize, bool) {
        // The host written right to left after a `!`, growing one label at a time: "!uk", "!uk.co",
        // "!uk.co.amazon", …: `keyed[1..=end]` is a rule's key, `keyed[..=end]` its exception's.
        let bytes = host.as_bytes();
        let mut keyed: Vec<u8> = Vec::with_capacity(host.len() + 3);
        keyed.push(b'!');
        let mut matched = 0;
        let mut labels = 0;
        let mut end = bytes.len();
        loop {
            // Labels from the right, as `rsplit('.')` gives them, by byte (cheaper than a char pattern).
            let start = bytes[..end].iter().rposition(|&b| b == b'.').map_or(0, |dot| dot + 1);
            labels += 1;
            let mut wildcard = false;
            if labels > 1 {
                // The wildcard rule of the labels so far ("uk.co" → "uk.co.*"), asked in the same buffer.
                let len = keyed.len();
                keyed.extend_from_slice(b".*");
                wildcard = self.contains(&keyed[1..]);
                keyed.truncate(len);
                keyed.push(b'.');
            }
            keyed.extend_from_slice(&bytes[start..end]);
            // The list writes an exception only under a wildcard rule (a test holds it to that), so
            // without one there is no exception to ask for.
            if wildcard && self.contains(&keyed) {
                // An exception: the suffix is the exception rule minus its leftmost label, and it prevails.
                return (labels - 1, true);
            }
            if wildcard || self.contains(&keyed[1..]) {
                matched = labels;
            }
            if start == 0 {
                break;
            }
            end = start - 1;
        }
        if matched == 0 { (1, false) } else { (matched, true) }
    }
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| Rules::unpack(PACKED))
}

/// A host's registrable domain (its public suffix plus one label), as the `psl` crate's `domain` finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Domain<'a> {
    /// The registrable domain, a tail of the host (`amazon.co.uk` of `www.amazon.co.uk`).
    pub name: &'a str,
    /// Its public suffix (`co.uk`).
    pub suffix: &'a str,
    /// Whether a rule of the list gave the suffix (false: the implicit `*` rule, an unknown top-level domain).
    pub known: bool,
}

/// The public suffix of `host` (lower case, as browsers give hosts) and whether a rule of the list gave it;
/// `None` for an empty host. A trailing dot (a fully qualified name) is kept on the suffix.
pub fn suffix(host: &str) -> Option<(&str, bool)> {
    let bare = host.strip_suffix('.').unwrap_or(host);
    if bare.is_empty() {
        return None;
    }
    let (labels, known) = rules().suffix_labels(bare);
    let start = tail_start(bare, labels);
    Some((&host[start..], known))
}

/// The registrable domain of `host`; `None` when the host is itself a public suffix. Like the `psl` crate,
/// the label left of the suffix is taken as it is (browsers never hand over empty labels).
pub fn domain(host: &str) -> Option<Domain<'_>> {
    let (suffix, known) = suffix(host)?;
    if host.len() < suffix.len() + 2 {
        return None;
    }
    let below_suffix = &host.as_bytes()[..host.len() - 1 - suffix.len()];
    let label_start = below_suffix.iter().rposition(|&b| b == b'.').map_or(0, |dot| dot + 1);
    Some(Domain { name: &host[label_start..], suffix, known })
}

/// Byte offset where the last `labels` labels of `host` start (0: the whole host).
fn tail_start(host: &str, labels: usize) -> usize {
    let mut dot = host.len();
    for _ in 0..labels {
        match host.as_bytes()[..dot].iter().rposition(|&b| b == b'.') {
            Some(at) => dot = at,
            None => return 0,
        }
    }
    if labels == 0 { host.len() } else { dot + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_unpacks_sorted_and_complete() {
        let rules = rules();
        assert!(rules.ends.len() > 10_000, "{} rules", rules.ends.len());
        for i in 1..rules.ends.len() {
            assert!(rules.rule(i - 1) < rules.rule(i), "rule {i} out of order");
        }
        assert!(VERSION.starts_with("20"), "{VERSION}");
    }

    #[test]
    fn the_hash_table_finds_every_rule_and_nothing_else() {
        let rules = rules();
        let all: Vec<&[u8]> = (0..rules.ends.len()).map(|i| rules.rule(i)).collect();
        let mut asked = 0;
        for rule in &all {
            assert!(rules.contains(rule), "{:?}", String::from_utf8_lossy(rule));
            // Its prefixes, and itself one label deeper or with a wildcard: mostly not rules.
            let mut near: Vec<Vec<u8>> = (1..rule.len()).map(|n| rule[..n].to_vec()).collect();
            near.extend([[*rule, b".a"].concat(), [*rule, b".*"].concat(), [b"!", *rule].concat(), [*rule, b"x"].concat()]);
            for key in near.iter().filter(|k| !k.is_empty()) {
                assert_eq!(rules.contains(key), all.binary_search(&key.as_slice()).is_ok(), "{:?}", String::from_utf8_lossy(key));
                asked += 1;
            }
        }
        assert!(rules.contains(b"com") && !rules.contains(b"com.example") && asked > 100_000, "{asked}");
    }

    /// `suffix_labels` asks for an exception only where the wildcard above it is a rule.
    #[test]
    fn every_exception_sits_under_a_wildcard_rule() {
        let rules = rules();
        let exceptions: Vec<&[u8]> = (0..rules.ends.len()).map(|i| rules.rule(i)).filter(|r| r.starts_with(b"!")).collect();
        assert!(exceptions.len() >= 5, "{} exception rules", exceptions.len());
        for exception in exceptions {
            let parent = &exception[1..exception.iter().rposition(|&b| b == b'.').expect("an exception has two labels")];
            assert!(rules.contains(&[parent, b".*"].concat()), "{:?}", String::from_utf8_lossy(exception));
        }
    }

    #[test]
    fn rules_wildcards_and_exceptions() {
        assert_eq!(domain("www.amazon.co.uk").map(|d| d.name), Some("amazon.co.uk"));
        assert_eq!(domain("co.uk"), None);
        assert_eq!(domain("alice.github.io").map(|d| d.name), Some("alice.github.io"));
        // *.kawasaki.jp and !city.kawasaki.jp
        assert_eq!(domain("a.b.kawasaki.jp").map(|d| d.name), Some("a.b.kawasaki.jp"));
        assert_eq!(domain("www.city.kawasaki.jp").map(|d| d.name), Some("city.kawasaki.jp"));
        // An unknown top-level domain: the implicit "*" rule, not known.
        assert_eq!(domain("a.b.example"), Some(Domain { name: "b.example", suffix: "example", known: false }));
        // Internationalised rules in both spellings (公司.cn).
        assert_eq!(domain("x.y.公司.cn").map(|d| d.name), Some("y.公司.cn"));
        assert_eq!(domain("x.y.xn--55qx5d.cn").map(|d| d.name), Some("y.xn--55qx5d.cn"));
        assert_eq!(suffix("example.com."), Some(("com.", true)));
        assert_eq!(domain(".com"), None);
        assert_eq!(domain("a..com").map(|d| d.name), Some(".com"));
        assert_eq!(suffix(""), None);
    }
}
