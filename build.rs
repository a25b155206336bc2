//! Build-time data for the core:
//! * the detection rule files (`data/rules/sites/*.json`), compiled in sorted by name, so that adding a rule
//!   file needs no Rust change;
//! * the same rule files, the generic lexicon (`data/rules/generic.json`) and the CAPTCHA providers
//!   (`data/captcha.json`) baked into Rust values (`bundled_*_baked.rs`), so the shipped module builds them
//!   from static strings instead of carrying a JSON parser per data type (see `src/data.rs`, "Baked data");
//! * the Public Suffix List (`data/psl/public_suffix_list.dat`) turned into a compact, sorted, front-coded
//!   list of rules written right to left (see `src/psl.rs` for the format), with its VERSION line.
use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = env::var("OUT_DIR").unwrap();
    bundle_rule_files(root, Path::new(&out_dir));
    bake::all(root, Path::new(&out_dir));
    compile_public_suffix_list(root, Path::new(&out_dir));
}

/// The site rule files (`data/rules/sites/*.json`), in name order.
fn site_rule_files(root: &Path) -> Vec<std::path::PathBuf> {
    let dir = root.join("data/rules/sites");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("data/rules/sites exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn bundle_rule_files(root: &Path, out_dir: &Path) {
    let mut out = String::from("&[\n");
    for path in &site_rule_files(root) {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    out.push_str("]\n");
    fs::write(out_dir.join("bundled_rules.rs"), out).unwrap();
}

/// Writes `psl_rules.bin` (front-coded rules, see `src/psl.rs`) and `psl_version.txt`.
fn compile_public_suffix_list(root: &Path, out_dir: &Path) {
    let path = root.join("data/psl/public_suffix_list.dat");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).expect("data/psl/public_suffix_list.dat (scripts/update-psl.sh)");
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("// VERSION: "))
        .expect("the list has a VERSION line")
        .trim()
        .to_string();
    let mut keys = Vec::new();
    for line in text.lines() {
        // A rule is the first whitespace-separated word of a line; comments start with "//".
        let Some(rule) = line.split_whitespace().next() else { continue };
        if rule.starts_with("//") {
            continue;
        }
        let rule = rule.to_lowercase();
        keys.push(right_to_left(&rule));
        // Browsers hand over hosts in ASCII (punycode): keep both spellings of internationalised rules.
        if !rule.is_ascii() {
            let ascii: Vec<String> = rule
                .trim_start_matches('!')
                .split('.')
                .map(|l| if l.is_ascii() { l.to_string() } else { format!("xn--{}", punycode(l)) })
                .collect();
            let bang = if rule.starts_with('!') { "!" } else { "" };
            keys.push(right_to_left(&format!("{bang}{}", ascii.join("."))));
        }
    }
    keys.sort();
    keys.dedup();
    assert!(keys.len() > 5_000, "the Public Suffix List looks truncated ({} rules)", keys.len());
    let mut blob = Vec::new();
    let mut previous: &[u8] = b"";
    for key in &keys {
        let key = key.as_bytes();
        let shared = key.iter().zip(previous).take(255).take_while(|(a, b)| a == b).count();
        blob.push(shared as u8);
        blob.extend_from_slice(&key[shared..]);
        blob.push(b'\n');
        previous = key;
    }
    fs::write(out_dir.join("psl_rules.bin"), blob).unwrap();
    fs::write(out_dir.join("psl_version.txt"), version).unwrap();
}

/// `city.kawasaki.jp` → `jp.kawasaki.city`; an exception keeps its `!` in front: `!jp.kawasaki.city`.
fn right_to_left(rule: &str) -> String {
    let (bang, body) = match rule.strip_prefix('!') {
        Some(body) => ("!", body),
        None => ("", rule),
    };
    let labels: Vec<&str> = body.split('.').rev().collect();
    format!("{bang}{}", labels.join("."))
}

/// RFC 3492 Punycode of one label (without the `xn--` prefix).
fn punycode(label: &str) -> String {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    fn digit(d: u32) -> char {
        (if d < 26 { b'a' + d as u8 } else { b'0' + (d - 26) as u8 }) as char
    }
    fn adapt(delta: u32, points: u32, first: bool) -> u32 {
        let mut delta = if first { delta / 700 } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + 38)
    }
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while (handled as usize) < code_points.len() {
        let next = *code_points.iter().filter(|&&c| c >= n).min().unwrap();
        delta += (next - n) * (handled + 1);
        n = next;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias { TMIN } else if k >= bias + TMAX { TMAX } else { k - bias };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    out
}

/// The bundled data files as static Rust values of the mirror types in `crate::data::baked` (`&'static str`
/// for `String`, slices for `Vec` and maps), so that the shipped module holds them as data and one small
/// conversion per type makes the owned values. Field names and defaults follow the serde derives of
/// `RuleFile`, `GenericFile` and the CAPTCHA `RulesFile`; a test in `src/data.rs` compares every baked
/// value with the same file loaded from JSON.
mod bake {
    use serde_json::{Map, Value};
    use std::{fs, path::Path};

    pub fn all(root: &Path, out_dir: &Path) {
        let read = |rel: &str| -> Value {
            let path = root.join(rel);
            println!("cargo:rerun-if-changed={}", path.display());
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{rel}: {e}"))
        };
        let mut out = String::from("&[\n");
        for path in &super::site_rule_files(root) {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let file = read(&format!("data/rules/sites/{name}"));
            out.push_str(&format!("({name:?}, {}),\n", rule_file(&file)));
        }
        out.push_str("]\n");
        fs::write(out_dir.join("bundled_rules_baked.rs"), out).unwrap();
        fs::write(out_dir.join("generic_baked.rs"), generic_file(&read("data/rules/generic.json"))).unwrap();
        fs::write(out_dir.join("captcha_baked.rs"), captcha_file(&read("data/captcha.json"))).unwrap();
    }

    fn obj(v: &Value) -> &Map<String, Value> {
        v.as_object().expect("an object")
    }
    fn present<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
        o.get(key).filter(|v| !v.is_null())
    }
    fn s(v: &Value) -> String {
        format!("{:?}", v.as_str().expect("a string"))
    }
    fn opt(o: &Map<String, Value>, key: &str) -> String {
        present(o, key).map_or("None".into(), |v| format!("Some({})", s(v)))
    }
    fn strs(v: &Value) -> String {
        let items: Vec<String> = v.as_array().expect("a list").iter().map(s).collect();
        format!("&[{}]", items.join(", "))
    }
    fn strings(o: &Map<String, Value>, key: &str) -> String {
        present(o, key).map_or("&[]".into(), strs)
    }
    /// `{"en": ["a"], …}` → `&[("en", &["a"]), …]` (in the file's order; the conversion sorts as a map does).
    fn lists(o: &Map<String, Value>, key: &str) -> String {
        let Some(v) = present(o, key) else { return "&[]".into() };
        let items: Vec<String> = obj(v).iter().map(|(k, list)| format!("({k:?}, {})", strs(list))).collect();
        format!("&[{}]", items.join(", "))
    }
    fn pairs(o: &Map<String, Value>, key: &str) -> String {
        let Some(v) = present(o, key) else { return "&[]".into() };
        let items: Vec<String> = obj(v).iter().map(|(k, x)| format!("({k:?}, {})", s(x))).collect();
        format!("&[{}]", items.join(", "))
    }
    /// A serde `rename_all = "snake_case"` variant name back to its Rust name.
    fn variant(ty: &str, v: &Value) -> String {
        let name: String = v
            .as_str()
            .expect("a variant name")
            .split('_')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        format!("{ty}::{name}")
    }
    fn number(v: Option<&Value>) -> u64 {
        v.and_then(Value::as_u64).expect("a whole number")
    }
    fn boolean(o: &Map<String, Value>, key: &str) -> bool {
        present(o, key).is_some_and(|v| v.as_bool().expect("true or false"))
    }

    fn rule_file(v: &Value) -> String {
        let o = obj(v);
        let rules: Vec<String> = o["rules"].as_array().unwrap().iter().map(rule_spec).collect();
        format!(
            "baked::RuleFile {{ format: {}, sites: {}, rules: &[{}] }}",
            number(o.get("format")),
            strings(o, "sites"),
            rules.join(",\n")
        )
    }

    fn rule_spec(v: &Value) -> String {
        let o = obj(v);
        let actions = match present(o, "actions") {
            Some(list) => list.as_array().unwrap().iter().map(|a| variant("Action", a)).collect::<Vec<_>>().join(", "),
            None => "Action::Click, Action::Key".into(),
        };
        format!(
            "baked::Rule {{ id: {}, version: {}, kind: {}, target: {}, effect: {}, on: {}, item: {}, item_id_attr: {}, \
             words: {}, value: {}, amount: {}, actions: &[{actions}], needs_text: {} }}",
            s(&o["id"]),
            number(o.get("version")),
            variant("Kind", &o["kind"]),
            s(&o["target"]),
            present(o, "effect").map_or("RuleEffect::Add".into(), |e| variant("RuleEffect", e)),
            opt(o, "on"),
            opt(o, "item"),
            opt(o, "item_id_attr"),
            strings(o, "words"),
            present(o, "value").map_or("None".into(), |x| format!("Some({})", variant("ValueSource", x))),
            present(o, "amount").map_or("None".into(), |x| format!("Some({})", variant("AmountSource", x))),
            boolean(o, "needs_text"),
        )
    }

    fn generic_file(v: &Value) -> String {
        let o = obj(v);
        let kinds: Vec<String> = o["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                let k = obj(k);
                format!(
                    "baked::GenericKind {{ kind: {}, effect: {}, phrases: {}, needs_context: {}, context_phrases: {} }}",
                    variant("Kind", &k["kind"]),
                    opt(k, "effect"),
                    lists(k, "phrases"),
                    strings(k, "needs_context"),
                    strings(k, "context_phrases"),
                )
            })
            .collect();
        format!(
            "baked::Generic {{ format: {}, version: {}, controls: {}, never: {}, on_classes: {}, \
             counter_nouns: {}, people_nouns: {}, out_of: {}, rating_groups: {}, tag_pickers: {}, exclude: {}, kinds: &[{}] }}",
            number(o.get("format")),
            number(o.get("version")),
            s(&o["controls"]),
            s(&o["never"]),
            strings(o, "on_classes"),
            lists(o, "counter_nouns"),
            lists(o, "people_nouns"),
            lists(o, "out_of"),
            lists(o, "rating_groups"),
            lists(o, "tag_pickers"),
            lists(o, "exclude"),
            kinds.join(",\n"),
        )
    }

    fn captcha_file(v: &Value) -> String {
        let o = obj(v);
        let attr_test = |p: &Map<String, Value>, key: &str| match present(p, key) {
            Some(t) => {
                let t = obj(t);
                format!("Some(baked::AttrTest {{ class: {}, attr: {}, value: {} }})", opt(t, "class"), opt(t, "attr"), opt(t, "value"))
            }
            None => "None".into(),
        };
        let providers: Vec<String> = o["providers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let p = obj(p);
                let frames: Vec<String> = p["frames"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| format!("baked::Frame {{ hosts: {}, paths: {} }}", strings(obj(f), "hosts"), strings(obj(f), "paths")))
                    .collect();
                let watch = match present(p, "watch") {
                    Some(w) => {
                        let w = obj(w);
                        format!(
                            "Some(baked::Watch {{ checkbox: {}, challenge: {}, instructions: {}, object: {}, grid: {}, tile: {}, \
                             verify: {}, audio_button: {}, audio_challenge: {}, errors: {} }})",
                            opt(w, "checkbox"),
                            opt(w, "challenge"),
                            opt(w, "instructions"),
                            opt(w, "object"),
                            opt(w, "grid"),
                            opt(w, "tile"),
                            opt(w, "verify"),
                            opt(w, "audio_button"),
                            opt(w, "audio_challenge"),
                            pairs(w, "errors"),
                        )
                    }
                    None => "None".into(),
                };
                format!(
                    "baked::Provider {{ id: {}, frames: &[{}], fields: {}, any_click_interacts: {}, watch: {watch}, \
                     tile_selected: {}, tile_dynamic: {}, checked: {}, object_after: {} }}",
                    s(&p["id"]),
                    frames.join(", "),
                    strings(p, "fields"),
                    boolean(p, "any_click_interacts"),
                    attr_test(p, "tile_selected"),
                    attr_test(p, "tile_dynamic"),
                    attr_test(p, "checked"),
                    strings(p, "object_after"),
                )
            })
            .collect();
        format!(
            "baked::Captcha {{ format: {}, version: {}, providers: &[{}] }}",
            number(o.get("format")),
            number(o.get("version")),
            providers.join(",\n"),
        )
    }
}
