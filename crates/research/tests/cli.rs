//! The research tool as researchers run it: `digitus-research merge … --study … --out …` on good,
//! malformed and hostile packages; exit codes; what lands in the output folder.

use digitus_research::input::write_zip;
use digitus_research::synth;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const STUDY: &str = "../../research/sample-study.json";

fn study_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(STUDY)
}

fn study() -> digitus::research::Study {
    digitus_research::read_study(&study_path()).unwrap()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_digitus-research")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn merge(inputs: &[&Path], out: &Path) -> (i32, String, String) {
    let mut args = vec!["merge".to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--study".into(), study_path().display().to_string(), "--out".into(), out.display().to_string()]);
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A zip with exactly these members (name, bytes, stored or deflated).
fn raw_zip(path: &Path, members: &[(&str, Vec<u8>, bool)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes, deflate) in members {
        let method = if *deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        let options = zip::write::SimpleFileOptions::default().compression_method(method).large_file(bytes.len() > 1 << 30);
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

fn zip_files(path: &Path, files: &BTreeMap<String, String>) {
    write_zip(files, std::fs::File::create(path).unwrap()).unwrap();
}

fn refused(out: &Path) -> BTreeMap<String, String> {
    let mut reader = csv::Reader::from_path(out.join("refused.csv")).unwrap();
    reader.records().map(|r| r.unwrap()).map(|r| (Path::new(&r[0]).file_name().unwrap().to_string_lossy().into_owned(), r[1].to_string())).collect()
}

fn csv_rows(path: &Path) -> usize {
    csv::Reader::from_path(path).unwrap().records().count()
}

fn parquet_rows(dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "parquet") {
                let reader = parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&p).unwrap()).unwrap();
                use parquet::file::reader::FileReader;
                total += reader.metadata().file_metadata().num_rows() as usize;
            }
        }
    }
    total
}

#[test]
fn good_packages_merge_into_csv_parquet_and_a_descriptor() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = synth::write(&study(), &tmp.path().join("in"), 4, 300, 11).unwrap();
    // One more as an unzipped folder.
    let folder = tmp.path().join("in/folder-package");
    std::fs::create_dir_all(&folder).unwrap();
    for (name, text) in synth::package(&study(), 99, 300).unwrap() {
        std::fs::write(folder.join(name), text).unwrap();
    }
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = merge(&[&tmp.path().join("in")], &out);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("5 participants merged, 0 packages refused"), "{stdout}");
    assert_eq!(inputs.len(), 4);
    assert_eq!(csv_rows(&out.join("participants.csv")), 5);
    assert_eq!(refused(&out).len(), 0);
    let labour = csv_rows(&out.join("labour.csv"));
    assert!(labour > 0);
    assert_eq!(parquet_rows(&out.join("parquet/labour")), labour);
    assert_eq!(parquet_rows(&out.join("parquet/captcha_labels")), csv_rows(&out.join("captcha_labels.csv")));
    assert!(out.join("parquet/labour/kind=like/part-00000.parquet").exists(), "Hive-style partitions by kind");
    let descriptor: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(descriptor["digitus"]["participants"], 5);
    assert_eq!(descriptor["resources"][2]["path"], "participants.csv");
    // The summary's totals are the CSV's.
    let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mut reader = csv::Reader::from_path(out.join("labour.csv")).unwrap();
    let likes: i64 = reader.records().map(|r| r.unwrap()).filter(|r| &r[5] == "like").map(|r| r[6].parse::<i64>().unwrap()).sum();
    assert_eq!(summary["by_kind"]["like"]["count"], likes);
}

#[test]
fn malformed_tampered_foreign_duplicate_and_hostile_packages_are_refused_one_by_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let good = synth::package(&study(), 5, 200).unwrap();
    zip_files(&dir.join("a-good.zip"), &good);
    std::fs::copy(dir.join("a-good.zip"), dir.join("b-copy.zip")).unwrap();
    let with = |name: &str, change: &dyn Fn(&mut BTreeMap<String, String>)| {
        let mut files = synth::package(&study(), 1000 + name.len() as u64, 200).unwrap();
        change(&mut files);
        zip_files(&dir.join(name), &files);
    };
    let replace_row = |files: &mut BTreeMap<String, String>, column: usize, value: &str| {
        let text = files["labour.csv"].clone();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
        cells[column] = value.to_string();
        lines[1] = cells.join(",");
        files.insert("labour.csv".into(), lines.join("\n") + "\n");
    };
    with("count-not-integer.zip", &|f| replace_row(f, 6, "1.5"));
    with("day-not-a-date.zip", &|f| replace_row(f, 2, "2026-02-30"));
    with("unlisted-platform.zip", &|f| replace_row(f, 3, "smallblog.example"));
    with("other-participant.zip", &|f| replace_row(f, 1, "0123456789abcdef0123456789abcdef"));
    with("descriptor-edited.zip", &|f| {
        let d = f["datapackage.json"].replace("\"minimum\": 0", "\"minimum\": -5");
        let d = if d == f["datapackage.json"] { d.replace("Units of labour", "Units") } else { d };
        f.insert("datapackage.json".into(), d);
    });
    with("descriptor-array.zip", &|f| {
        f.insert("datapackage.json".into(), "[]".into());
    });
    with("duplicate-row.zip", &|f| {
        let text = f["labour.csv"].clone();
        let second = text.lines().nth(1).unwrap().to_string();
        f.insert("labour.csv".into(), format!("{text}{second}\n"));
    });
    with("days-tampered.zip", &|f| {
        let p = f["participant.csv"].clone();
        let mut lines: Vec<&str> = p.lines().collect();
        let fixed = lines[1].rsplit_once(',').unwrap().0.to_string() + ",999";
        lines[1] = &fixed;
        f.insert("participant.csv".into(), lines.join("\n") + "\n");
    });
    let mut foreign_study = study();
    foreign_study.id = "another-study".into();
    zip_files(&dir.join("foreign.zip"), &synth::package(&foreign_study, 77, 100).unwrap());
    let members = |skip: &str| -> Vec<(String, Vec<u8>)> {
        good.iter().filter(|(n, _)| n.as_str() != skip).map(|(n, t)| (n.clone(), t.clone().into_bytes())).collect()
    };
    let hostile = |name: &str, extra: Vec<(&str, Vec<u8>, bool)>, skip: &str| {
        let base = members(skip);
        let mut all: Vec<(&str, Vec<u8>, bool)> = base.iter().map(|(n, b)| (n.as_str(), b.clone(), true)).collect();
        all.extend(extra);
        raw_zip(&dir.join(name), &all);
    };
    hostile("traversal.zip", vec![("../labour.csv", b"x".to_vec(), true)], "labour.csv");
    hostile("absolute.zip", vec![("/etc/labour.csv", b"x".to_vec(), true)], "labour.csv");
    hostile("subfolder.zip", vec![("data/labour.csv", b"x".to_vec(), true)], "labour.csv");
    hostile("extra-member.zip", vec![("run.sh", b"rm -rf /".to_vec(), true)], "participant.csv");
    hostile("bomb.zip", vec![("labour.csv", vec![b'0'; 12 << 20], true)], "labour.csv");
    hostile("oversized.zip", vec![("labour.csv", (0..17u32 << 20).map(|i| b"0123456789,abcdef\n"[(i % 18) as usize]).collect(), false)], "labour.csv");
    hostile("missing-member.zip", vec![], "captcha_labels.csv");
    hostile("not-utf8.zip", vec![("labour.csv", vec![0xff, 0xfe, 0x00, 0x41], true)], "labour.csv");
    std::fs::write(dir.join("not-a-zip.zip"), "this is not a zip").unwrap();
    std::fs::write(dir.join("empty.zip"), "").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("a-good.zip"), dir.join("symlink.zip")).unwrap();

    let out = tmp.path().join("out");
    let (code, stdout, stderr) = merge(&[&dir], &out);
    assert_eq!(code, 3, "some refused: exit 3\n{stdout}\n{stderr}");
    let refused = refused(&out);
    let expect = [
        ("b-copy.zip", "duplicate"),
        ("count-not-integer.zip", "\"1.5\" is not an integer"),
        ("day-not-a-date.zip", "is not a date"),
        ("unlisted-platform.zip", "not an allowed value"),
        ("other-participant.zip", "is not the package's"),
        ("descriptor-edited.zip", "tampered"),
        ("descriptor-array.zip", "not a Digitus study export"),
        ("duplicate-row.zip", "appears twice"),
        ("days-tampered.zip", "tampered"),
        ("foreign.zip", "foreign: from study \"another-study\""),
        ("traversal.zip", "path traversal"),
        ("absolute.zip", "absolute name"),
        ("subfolder.zip", "not at the zip's root"),
        ("extra-member.zip", "unexpected member \"run.sh\""),
        ("bomb.zip", "zip bomb"),
        ("oversized.zip", "over the 16 MiB limit"),
        ("missing-member.zip", "captcha_labels.csv is missing"),
        ("not-utf8.zip", "not UTF-8"),
        ("not-a-zip.zip", "not a readable zip"),
        ("empty.zip", "not a readable zip"),
        #[cfg(unix)]
        ("symlink.zip", "symbolic link"),
    ];
    for (file, why) in expect {
        let reason = refused.get(file).unwrap_or_else(|| panic!("{file} was not refused: {refused:?}"));
        assert!(reason.contains(why), "{file}: {reason:?} should say {why:?}");
    }
    assert_eq!(refused.len(), expect.len(), "{refused:?}");
    assert!(stdout.contains("1 participants merged"), "{stdout}");
    assert_eq!(csv_rows(&out.join("participants.csv")), 1);
}

#[test]
fn usage_errors_exit_with_two() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run(&["merge", "x.zip", "--out", "o"]).0, 2, "no --study");
    assert_eq!(run(&["frobnicate"]).0, 2);
    let bad = tmp.path().join("bad-study.json");
    std::fs::write(&bad, r#"{"format": "digitus-study", "version": 2}"#).unwrap();
    let (code, _, stderr) = run(&["merge", "x.zip", "--study", bad.to_str().unwrap(), "--out", tmp.path().join("o").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("version 2 is not supported"), "{stderr}");
    let zip = tmp.path().join("p.zip");
    zip_files(&zip, &synth::package(&study(), 1, 10).unwrap());
    let busy = tmp.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), "mine").unwrap();
    let (code, _, stderr) = merge(&[&zip], &busy);
    assert_eq!(code, 2, "a non-empty output folder is a usage error");
    assert!(stderr.contains("is not empty"), "{stderr}");
}
