//! A small CSS selector subset, matched against the sensor's element chains instead of a live DOM.
//!
//! Rule authors copy selectors from the page inspector, so rules speak CSS: type, `#id`, `.class`,
//! attribute tests (`[a]`, `=`, `~=`, `^=`, `$=`, `*=`, with an ` i` flag), `:not(compound)`, the
//! descendant (` `) and child (`>`) combinators, and `,` lists. The chain is the element and its
//! ancestors, so a selector can only look upwards, which is all a click needs.

use crate::error::{Error, Result};
use crate::model::Element;

#[derive(Debug, Clone, PartialEq)]
enum AttrOp {
    Exists,
    Equals(String),
    Word(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    DashPrefix(String),
}

#[derive(Debug, Clone, PartialEq)]
struct AttrTest {
    name: String,
    op: AttrOp,
    ignore_case: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Compound {
    tag: Option<String>,
    ids: Vec<String>,
    classes: Vec<String>,
    attrs: Vec<AttrTest>,
    nots: Vec<Compound>,
    /// The attributes an element needs for this compound to match it, as bits of `Selector::names` (set
    /// for the `X` of `S X` alternatives only): a quick way to skip it on an element that lacks one.
    needs: u64,
    /// For each value this compound looks for in an attribute (set with `needs`): the attribute's bit and
    /// the ASCII letters of the value ([`letters_of`]). An element whose attribute lacks one of those
    /// letters cannot match, which the walk of `matches_from_any` checks before any substring search.
    letters: Vec<(usize, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Combinator {
    Descendant,
    Child,
}

/// One complex selector, stored right to left: the subject first, then (combinator, compound) pairs.
#[derive(Debug, Clone, PartialEq)]
struct Complex {
    subject: Compound,
    ancestors: Vec<(Combinator, Compound)>,
}

impl Complex {
    /// `X` when the selector is `S X` (an `S` anywhere inside an `X`).
    fn inside(&self) -> Option<&Compound> {
        match self.ancestors.as_slice() {
            [(Combinator::Descendant, x)] => Some(x),
            _ => None,
        }
    }
}

/// A parsed selector list.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    source: String,
    alternatives: Vec<Complex>,
    /// The attribute names the `X` of `S X` alternatives test (at most 64: the bits of `Compound::needs`).
    names: Vec<String>,
}

impl Selector {
    pub fn parse(source: &str) -> Result<Selector> {
        let mut parser = Parser { chars: source.chars().collect(), pos: 0, source };
        let mut alternatives = parser.list()?;
        let mut names: Vec<String> = Vec::new();
        for complex in &mut alternatives {
            if let [(Combinator::Descendant, x)] = complex.ancestors.as_mut_slice() {
                // Each name the compound tests, with the value it looks for in it (none for `[name]`).
                let wanted = x
                    .attrs
                    .iter()
                    .map(|a| (a.name.as_str(), a.op.value()))
                    .chain(x.ids.iter().map(|id| ("id", Some(id.as_str()))))
                    .chain(x.classes.iter().map(|class| ("class", Some(class.as_str()))));
                for (name, value) in wanted {
                    let bit = names.iter().position(|n| n == name).unwrap_or_else(|| {
                        names.push(name.to_string());
                        names.len() - 1
                    });
                    if bit < 64 {
                        x.needs |= 1 << bit;
                        if let Some(value) = value.map(letters_of).filter(|&l| l != 0) {
                            x.letters.push((bit, value));
                        }
                    }
                }
            }
        }
        names.truncate(64);
        Ok(Selector { source: source.to_string(), alternatives, names })
    }

    /// The bits of `names` that `el` has; the ASCII letters of each of those attributes' values go to
    /// `letters` (by bit).
    fn names_of(&self, el: &Element, letters: &mut [u32]) -> u64 {
        let mut bits = 0;
        for (key, value) in el.attrs.iter() {
            if let Some(bit) = self.names.iter().position(|n| n == key) {
                bits |= 1 << bit;
                letters[bit] = letters_of(value);
            }
        }
        bits
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether `chain[0]` matches, with `chain[1..]` as its ancestors (nearest first).
    pub fn matches(&self, chain: &[Element]) -> bool {
        let Some((subject, ancestors)) = chain.split_first() else { return false };
        self.alternatives
            .iter()
            .any(|c| c.subject.matches(subject) && match_ancestors(&c.ancestors, ancestors))
    }
}

impl Selector {
    /// Whether `chain[i..]` matches for some `i` in `0..=last` (an element or any of those under it, as
    /// `(0..=last).any(|i| self.matches(&chain[i..]))`). An alternative whose first combinator is a
    /// descendant one (`X *`) is tested from the lowest start only: what is above a lower start includes
    /// what is above a higher one.
    ///
    /// The `S X` alternatives (`[role=search] *`, `[class*=cookie i] *`: most of the generic `never` list)
    /// share one walk up the chain, reading each ancestor's attribute names once and testing only the `X`
    /// whose attributes it has.
    pub fn matches_from_any(&self, chain: &[Element], last: usize) -> bool {
        let starts = 0..=last.min(chain.len().saturating_sub(1));
        if chain.is_empty() {
            return false;
        }
        let lowest: Vec<usize> = self
            .alternatives
            .iter()
            .map(|c| if c.inside().is_some() { starts.clone().find(|&i| c.subject.matches(&chain[i])).unwrap_or(usize::MAX) } else { usize::MAX })
            .collect();
        if let Some(&from) = lowest.iter().min().filter(|&&from| from != usize::MAX) {
            // `names` holds at most 64 (the bits of `needs`): no allocation on the walk of every click.
            let mut letters = [0u32; 64];
            for (j, el) in chain.iter().enumerate().skip(from + 1) {
                let has = self.names_of(el, &mut letters);
                for (c, &start) in self.alternatives.iter().zip(&lowest) {
                    if let Some(x) = c.inside().filter(|_| start < j) {
                        // `letters` holds this element's values for every bit of `needs` once `has` covers it.
                        let may_match = x.needs & !has == 0 && x.letters.iter().all(|&(bit, wanted)| wanted & !letters[bit] == 0);
                        if may_match && x.matches(el) {
                            return true;
                        }
                    }
                }
            }
        }
        self.alternatives.iter().filter(|c| c.inside().is_none()).any(|c| match c.ancestors.first() {
            Some((Combinator::Descendant, _)) => starts
                .clone()
                .find(|&i| c.subject.matches(&chain[i]))
                .is_some_and(|i| match_ancestors(&c.ancestors, &chain[i + 1..])),
            _ => starts.clone().any(|i| c.subject.matches(&chain[i]) && match_ancestors(&c.ancestors, &chain[i + 1..])),
        })
    }
}

fn match_ancestors(parts: &[(Combinator, Compound)], chain: &[Element]) -> bool {
    let Some(((combinator, compound), rest)) = parts.split_first() else { return true };
    match combinator {
        Combinator::Child => {
            chain.first().is_some_and(|e| compound.matches(e)) && match_ancestors(rest, &chain[1..])
        }
        Combinator::Descendant => (0..chain.len())
            .any(|i| compound.matches(&chain[i]) && match_ancestors(rest, &chain[i + 1..])),
    }
}

impl Compound {
    fn matches(&self, el: &Element) -> bool {
        self.tag.as_ref().map_or(true, |t| t == "*" || *t == el.tag)
            && self.ids.iter().all(|id| el.id() == Some(id.as_str()))
            && self.classes.iter().all(|c| el.classes().any(|k| k == c))
            && self.attrs.iter().all(|a| a.matches(el))
            && !self.nots.iter().any(|n| n.matches(el))
    }

    fn is_empty(&self) -> bool {
        self.tag.is_none() && self.ids.is_empty() && self.classes.is_empty() && self.attrs.is_empty() && self.nots.is_empty()
    }
}

impl AttrTest {
    fn matches(&self, el: &Element) -> bool {
        let Some(raw) = el.attr(&self.name) else { return false };
        let Some(wanted) = self.op.value() else { return true };
        if !self.ignore_case {
            return self.op.test(raw, wanted, false);
        }
        // ` i` tests: the wanted value was lower-cased when parsed. An ASCII value (nearly all of them)
        // lower-cases byte by byte, so it is compared in place; any other is lower-cased first.
        if raw.is_ascii() {
            self.op.test(raw, wanted, true)
        } else {
            self.op.test(&raw.to_lowercase(), wanted, false)
        }
    }
}

impl AttrOp {
    /// The value looked for (`None` for `[name]`).
    fn value(&self) -> Option<&str> {
        match self {
            AttrOp::Exists => None,
            AttrOp::Equals(v) | AttrOp::Word(v) | AttrOp::Prefix(v) | AttrOp::Suffix(v) | AttrOp::Contains(v) | AttrOp::DashPrefix(v) => Some(v),
        }
    }

    /// The test on `value` against `wanted` (lower-case when `ascii_ci`), ASCII letters of `value` compared
    /// lower-cased when `ascii_ci`.
    fn test(&self, value: &str, wanted: &str, ascii_ci: bool) -> bool {
        let fold = |b: u8| if ascii_ci { b.to_ascii_lowercase() } else { b };
        let (value, v) = (value.as_bytes(), wanted.as_bytes());
        let same = |a: &[u8], b: &[u8]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| fold(*x) == fold(*y));
        let starts = || value.len() >= v.len() && same(&value[..v.len()], v);
        match self {
            AttrOp::Exists => true,
            AttrOp::Equals(_) => same(value, v),
            AttrOp::Word(_) => value.split(u8::is_ascii_whitespace).any(|w| !w.is_empty() && same(w, v)),
            AttrOp::Prefix(_) => !v.is_empty() && starts(),
            AttrOp::Suffix(_) => !v.is_empty() && value.len() >= v.len() && same(&value[value.len() - v.len()..], v),
            // Only where the first byte agrees is the rest compared, the candidates found by a tight scan
            // (`b | 0x20` also lets a few non-letters through; `same` decides): the generic `never` list tests
            // `[class*=cookie i]` and the like on every ancestor of every click.
            AttrOp::Contains(_) => {
                let Some(&first) = v.first() else { return false };
                let Some(last_start) = value.len().checked_sub(v.len()) else { return false };
                let case_bit = if ascii_ci { 0x20 } else { 0 };
                let first = first | case_bit;
                let mut from = 0;
                while let Some(at) = find_candidate(&value[from..=last_start], first, case_bit) {
                    let start = from + at;
                    if same(&value[start..start + v.len()], v) {
                        return true;
                    }
                    from = start + 1;
                }
                false
            }
            AttrOp::DashPrefix(_) => starts() && (value.len() == v.len() || value[v.len()] == b'-'),
        }
    }
}

/// The ASCII letters in `value`, case folded, as bits `a` = 0 … `z` = 25; every bit for a value with a
/// non-ASCII character (its lower case may hold ASCII letters, as the Kelvin sign's `k` does). A value that
/// holds another, in any case, holds all its letters: the bits are a test that can only rule a match out.
fn letters_of(value: &str) -> u32 {
    let bits = value.bytes().fold(0u32, |bits, b| bits | 1 << LETTER_BIT[usize::from(b)]);
    if bits & NOT_ASCII != 0 { u32::MAX } else { bits & ALPHABET }
}

const ALPHABET: u32 = (1 << 26) - 1;
const NOT_ASCII: u32 = 1 << 31;

/// Each byte's bit in [`letters_of`]: its letter's (either case), 26 for any other ASCII byte, 31 for a
/// byte of a non-ASCII character. A table: one load per byte, no branch.
const LETTER_BIT: [u8; 256] = {
    let mut table = [26u8; 256];
    let mut b = 0;
    while b < 256 {
        if b >= 0x80 {
            table[b] = 31;
        } else if (b as u8).is_ascii_alphabetic() {
            table[b] = (b as u8 | 0x20) - b'a';
        }
        b += 1;
    }
    table
};

/// Where the first byte that equals `first` once `case_bit` is set in it lies, eight bytes at a time: the
/// `*=` scans run on every ancestor of every click, and most values hold no candidate at all.
fn find_candidate(hay: &[u8], first: u8, case_bit: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let (mask, pattern) = (ONES * u64::from(case_bit), ONES * u64::from(first));
    let mut offset = 0;
    for chunk in hay.chunks_exact(8) {
        let x = (u64::from_le_bytes(chunk.try_into().expect("chunks of eight")) | mask) ^ pattern;
        // The has-a-zero-byte test (exact on whether there is one): a zero byte of `x` is a candidate.
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            break;
        }
        offset += 8;
    }
    hay[offset..].iter().position(|&b| b | case_bit == first).map(|at| offset + at)
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    source: &'a str,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> Error {
        Error::BadRule(format!("selector {:?}: {what} at character {}", self.source, self.pos + 1))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn list(&mut self) -> Result<Vec<Complex>> {
        let mut out = vec![self.complex()?];
        while self.peek() == Some(',') {
            self.pos += 1;
            out.push(self.complex()?);
        }
        if self.pos < self.chars.len() {
            return Err(self.error("unexpected character"));
        }
        Ok(out)
    }

    fn complex(&mut self) -> Result<Complex> {
        self.skip_spaces();
        let mut compounds = vec![self.compound()?];
        let mut combinators = Vec::new();
        loop {
            let spaced = self.skip_spaces();
            match self.peek() {
                Some('>') => {
                    self.pos += 1;
                    self.skip_spaces();
                    combinators.push(Combinator::Child);
                }
                Some(',') | None | Some(')') => break,
                _ if spaced => combinators.push(Combinator::Descendant),
                _ => return Err(self.error("unexpected character")),
            }
            compounds.push(self.compound()?);
        }
        let subject = compounds.pop().expect("unreachable: at least one compound was parsed");
        let ancestors = combinators.into_iter().rev().zip(compounds.into_iter().rev()).collect();
        Ok(Complex { subject, ancestors })
    }

    fn compound(&mut self) -> Result<Compound> {
        let mut c = Compound::default();
        if self.peek() == Some('*') {
            self.pos += 1;
            c.tag = Some("*".into());
        } else if self.peek().is_some_and(is_ident_char) {
            c.tag = Some(self.ident()?.to_ascii_lowercase());
        }
        loop {
            match self.peek() {
                Some('#') => {
                    self.pos += 1;
                    c.ids.push(self.ident()?);
                }
                Some('.') => {
                    self.pos += 1;
                    c.classes.push(self.ident()?);
                }
                Some('[') => {
                    self.pos += 1;
                    c.attrs.push(self.attr()?);
                }
                Some(':') => {
                    let rest: String = self.chars[self.pos..].iter().take(5).collect();
                    if rest != ":not(" {
                        return Err(self.error("only :not(...) is supported"));
                    }
                    self.pos += 5;
                    self.skip_spaces();
                    let inner = self.compound()?;
                    self.skip_spaces();
                    if self.peek() != Some(')') {
                        return Err(self.error("expected ) closing :not("));
                    }
                    self.pos += 1;
                    c.nots.push(inner);
                }
                _ => break,
            }
        }
        if c.is_empty() {
            return Err(self.error("expected a selector"));
        }
        Ok(c)
    }

    fn ident(&mut self) -> Result<String> {
        let start = self.pos;
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error("expected a name"));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn attr(&mut self) -> Result<AttrTest> {
        self.skip_spaces();
        let name = self.ident()?.to_ascii_lowercase();
        self.skip_spaces();
        let op_start = self.pos;
        while self.peek().is_some_and(|c| "~^$*|=".contains(c)) {
            self.pos += 1;
        }
        let op: String = self.chars[op_start..self.pos].iter().collect();
        if op.is_empty() {
            if self.peek() != Some(']') {
                return Err(self.error("expected ] or an operator"));
            }
            self.pos += 1;
            return Ok(AttrTest { name, op: AttrOp::Exists, ignore_case: false });
        }
        self.skip_spaces();
        let value = match self.peek() {
            Some(q @ ('"' | '\'')) => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|c| c != q) {
                    self.pos += 1;
                }
                if self.peek().is_none() {
                    return Err(self.error("unterminated string"));
                }
                let v: String = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                v
            }
            _ => self.ident()?,
        };
        self.skip_spaces();
        let mut ignore_case = false;
        if matches!(self.peek(), Some('i' | 'I')) {
            self.pos += 1;
            ignore_case = true;
            self.skip_spaces();
        }
        if self.peek() != Some(']') {
            return Err(self.error("expected ]"));
        }
        self.pos += 1;
        // ` i` tests compare lower case: the wanted value is lower-cased once, here.
        let value = if ignore_case { value.to_lowercase() } else { value };
        let op = match op.as_str() {
            "=" => AttrOp::Equals(value),
            "~=" => AttrOp::Word(value),
            "^=" => AttrOp::Prefix(value),
            "$=" => AttrOp::Suffix(value),
            "*=" => AttrOp::Contains(value),
            "|=" => AttrOp::DashPrefix(value),
            _ => return Err(self.error("unknown attribute operator")),
        };
        Ok(AttrTest { name, op, ignore_case })
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds an element from `tag#id.class[attr=value]`-like shorthand, for tests.
    pub fn el(tag: &str, attrs: &[(&str, &str)]) -> Element {
        Element {
            tag: tag.into(),
            attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            text: None,
            nth: 0,
        }
    }

    #[test]
    fn matching_from_any_start_is_matching_each_start() {
        let generic: serde_json::Value = serde_json::from_str(include_str!("../data/rules/generic.json")).unwrap();
        let mut selectors: Vec<Selector> = ["controls", "never"].iter().map(|k| Selector::parse(generic[k].as_str().unwrap()).unwrap()).collect();
        for source in ["div > button", "form button", "span *", "[role=dialog] > div *", "button:not([aria-hidden]) span", "* > *", "#a .b > [c] d"] {
            selectors.push(Selector::parse(source).unwrap());
        }
        let pieces = [
            el("span", &[]),
            el("button", &[("aria-label", "Like"), ("class", "b")]),
            el("div", &[("id", "CookieBanner"), ("c", "")]),
            el("div", &[("class", "consent-wrap b")]),
            el("form", &[("role", "search")]),
            el("d", &[]),
            el("div", &[("role", "dialog"), ("id", "a")]),
            el("input", &[("type", "search")]),
            // Letters of "cookie" without the word, the word in capitals, and a Kelvin sign that lower-cases
            // to the word's `k`: the letters' test may only rule out what the full test would.
            el("div", &[("class", "kiosk eco")]),
            el("div", &[("aria-modal", "true"), ("aria-label", "Manage COOKIE settings")]),
            el("div", &[("id", "coo\u{212A}ie-bar")]),
            el("body", &[]),
        ];
        // Every chain of up to four pieces (with repeats), every last start.
        let mut chains: Vec<Vec<Element>> = vec![vec![]];
        for _ in 0..4 {
            let longer: Vec<Vec<Element>> = chains.iter().flat_map(|c| pieces.iter().map(move |p| [c.clone(), vec![p.clone()]].concat())).collect();
            chains.extend(longer.into_iter().filter(|c| c.len() <= 4));
            chains.dedup();
        }
        let mut checked = 0;
        for selector in &selectors {
            for chain in chains.iter().filter(|c| !c.is_empty()) {
                for last in 0..chain.len() {
                    let each = (0..=last).any(|i| selector.matches(&chain[i..]));
                    assert_eq!(selector.matches_from_any(chain, last), each, "{} on {chain:?} up to {last}", selector.source());
                    checked += usize::from(each);
                }
            }
        }
        assert!(checked > 1000, "the chains match often enough to mean something: {checked}");
    }

    fn chain() -> Vec<Element> {
        vec![
            el("path", &[]),
            el("button", &[("class", "yt-spec-button-shape-next  tonal"), ("aria-pressed", "false"), ("aria-label", "like this video along with 12 other people")]),
            el("button-view-model", &[]),
            el("toggle-button-view-model", &[]),
            el("like-button-view-model", &[("class", "ytLikeButtonViewModelHost")]),
            el("div", &[("id", "segmented-like-button")]),
            el("body", &[]),
        ]
    }

    #[test]
    fn matches_compounds_and_combinators() {
        let c = chain();
        let at = |s: &str, i: usize| Selector::parse(s).unwrap().matches(&c[i..]);
        assert!(at("button", 1));
        assert!(!at("button", 0));
        assert!(at("#segmented-like-button button", 1));
        assert!(at("like-button-view-model > toggle-button-view-model > button-view-model > button", 1));
        assert!(!at("like-button-view-model > button", 1));
        assert!(at("button.tonal[aria-pressed=false]", 1));
        assert!(at("button[aria-label^='Like this' i]", 1));
        assert!(!at("button[aria-label^='Like this']", 1));
        assert!(at("button[aria-label*=\"other people\"]", 1));
        assert!(at("[class~=tonal]", 1));
        assert!(at("button:not([aria-pressed=true])", 1));
        assert!(!at("button:not(.tonal)", 1));
        assert!(at("a, div#nope, button", 1));
        assert!(at("*", 0));
    }

    /// `*=` (with and without ` i`) answers as a plain substring search on the value (lower-cased for ` i`),
    /// at every length and position, with repeated first bytes, non-ASCII values and needles longer than
    /// the value.
    #[test]
    fn contains_answers_as_a_substring_search() {
        let values = ["", "c", "co", "cookie", "container level-3 flex", "a-long-class-name-with-a-cookie-near-the-end", "xxxxxxxxxxxxxxxxcoOKIE", "yyyyyyyC", "zzzzzzzzc", "Cookie-Banner", "cookie\rbanner", "ccookie", "cocookie", "xCOOKIE", "cooki", "ÉCookie", "gdpr_consent", "c c c cookiex", "consent", "CONSENTS", "@x", "a`x"];
        // `-` and `` ` `` are the bytes a case-blind first-byte scan (`b | 0x20`) could confuse with `\r` and `@`.
        let needles = ["c", "co", "cookie", "consent", "gdpr", "é", "cookie-banner", "kie", "ccc", "-banner", "`x"];
        let mut checked = 0;
        for value in values {
            for needle in needles {
                for ignore_case in [false, true] {
                    let source = format!("[x*=\"{needle}\"{}]", if ignore_case { " i" } else { "" });
                    let selector = Selector::parse(&source).unwrap();
                    let expected = if ignore_case { value.to_lowercase().contains(&needle.to_lowercase()) } else { value.contains(needle) };
                    assert_eq!(selector.matches(&[el("a", &[("x", value)])]), expected, "{source} on {value:?}");
                    checked += usize::from(expected);
                }
            }
        }
        assert!(checked > 20, "enough of the cases match: {checked}");
    }

    #[test]
    fn rejects_what_it_cannot_match() {
        for bad in ["", "button[", "a:hover", "a >", "[x=\"open]", "a ~ b", "a[x%=y]"] {
            let err = Selector::parse(bad).unwrap_err();
            assert!(matches!(err, Error::BadRule(_)), "{bad}: {err:?}");
        }
    }
}
