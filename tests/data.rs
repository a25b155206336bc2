//! Every data file under `data/` is checked the same way: it names its JSON Schema (`$schema`), validates
//! against it, loads with the core's one loader (`digitus::data`), and cites nothing outside the repository.

use std::path::{Path, PathBuf};

fn data_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            data_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") && !path.to_string_lossy().ends_with(".schema.json") {
            out.push(path);
        }
    }
}

/// Loads a bundled file with the loader the core uses for it.
fn load_with_core(path: &Path, text: &str) -> Result<(), digitus::Error> {
    let name = path.to_string_lossy();
    let rel = name.split("/data/").nth(1).unwrap_or(&name).to_string();
    match rel.as_str() {
        "captcha.json" => digitus::captcha::Rules::parse(text).map(drop),
        "valuation.json" => digitus::valuation::Valuation::parse(text).map(drop),
        "rules/generic.json" => digitus::generic::Generic::parse(text).map(drop),
        "platforms.json" => digitus::research::platforms::Platforms::parse(text).map(drop),
        r if r.starts_with("rules/sites/") => digitus::rules::load_file(&rel, text, true).map(drop),
        other => panic!("data/{other} has no loader: add it to tests/data.rs and to the core"),
    }
}

#[test]
fn every_data_file_validates_against_its_schema_and_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    data_files(&root.join("data"), &mut files);
    assert!(files.len() >= 20, "found only {} data files", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema_name = value["$schema"].as_str().unwrap_or_else(|| panic!("{} names no $schema", path.display()));
        let schema_path = path.parent().unwrap().join(schema_name);
        let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap_or_else(|e| {
            panic!("{}: schema {}: {e}", path.display(), schema_path.display())
        }))
        .unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path)).collect();
        assert!(errors.is_empty(), "{} does not follow {}:\n{}", path.display(), schema_name, errors.join("\n"));
        load_with_core(path, &text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn no_data_file_cites_a_path_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    data_files(&root.join("data"), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for outside in ["/work/", "../shared", "/home/", "/tmp/", "file://"] {
            assert!(!text.contains(outside), "{} cites {outside}…, outside the repository", path.display());
        }
    }
}

#[test]
fn the_loader_refuses_a_file_of_another_format_with_the_reason() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/captcha.json")).unwrap();
    let newer = text.replacen("\"format\": 1", "\"format\": 9", 1);
    let e = digitus::captcha::Rules::parse(&newer).unwrap_err();
    assert_eq!(e.code(), "bad_data");
    assert!(e.to_string().contains("format 9 is not 1"), "{e}");
}
