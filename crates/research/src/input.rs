//! Reading a participant's package from a zip or a folder, refusing hostile inputs before anything is
//! parsed: only the expected member names at the root (no path, no traversal, no absolute name, no
//! duplicate), only stored or deflated members, no encryption, no symlink, every member and the whole under
//! size limits that are enforced on the bytes actually read (a zip's declared sizes can lie), and a
//! compression ratio no honest CSV reaches (zip bombs).

use digitus::research::package::{Table, DESCRIPTOR};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Largest zip or member accepted: a year of hourly rows for every kind and platform is far below it.
pub const MAX_MEMBER: u64 = 16 * 1024 * 1024;
/// Largest total of a package's members once decompressed.
pub const MAX_TOTAL: u64 = 32 * 1024 * 1024;
/// Largest zip file read at all.
pub const MAX_ZIP: u64 = 32 * 1024 * 1024;
/// Decompressed/compressed ratio above which a member is treated as a bomb (CSV of counts compresses
/// about 5–15×; bombs reach 1000× and more).
pub const MAX_RATIO: u64 = 200;

/// Why a package was refused: a short sentence for `refused.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn refuse<T>(why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(why.into()))
}

/// The member names a package may hold.
pub fn expected_names() -> Vec<String> {
    let mut names = vec![DESCRIPTOR.to_string()];
    names.extend(Table::ALL.iter().map(|t| t.path()));
    names
}

/// A package's files, by name, as read (bytes; UTF-8 is checked by the validator).
pub type Files = BTreeMap<String, Vec<u8>>;

/// Reads a package from `path`: a zip, or a folder holding the files.
pub fn read(path: &Path) -> Result<Files, Refusal> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Refusal(format!("cannot read: {e}")))?;
    if meta.file_type().is_symlink() {
        return refuse("a symbolic link (give the file itself)");
    }
    if meta.is_dir() {
        read_folder(path)
    } else {
        if meta.len() > MAX_ZIP {
            return refuse(format!("the zip is larger than {} MiB", MAX_ZIP >> 20));
        }
        let bytes = std::fs::read(path).map_err(|e| Refusal(format!("cannot read: {e}")))?;
        read_zip(&bytes)
    }
}

fn read_folder(dir: &Path) -> Result<Files, Refusal> {
    let names = expected_names();
    let mut files = Files::new();
    let mut total = 0;
    for name in &names {
        let path = dir.join(name);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(_) => return refuse(format!("{name} is missing")),
        };
        if !meta.is_file() {
            return refuse(format!("{name} is not a regular file"));
        }
        if meta.len() > MAX_MEMBER {
            return refuse(format!("{name} is larger than {} MiB", MAX_MEMBER >> 20));
        }
        total += meta.len();
        if total > MAX_TOTAL {
            return refuse(format!("the files total more than {} MiB", MAX_TOTAL >> 20));
        }
        let bytes = std::fs::read(&path).map_err(|e| Refusal(format!("{name}: {e}")))?;
        files.insert(name.clone(), bytes);
    }
    Ok(files)
}

/// Reads a zip held in memory (also the fuzzed entry point).
pub fn read_zip(bytes: &[u8]) -> Result<Files, Refusal> {
    let names = expected_names();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| Refusal(format!("not a readable zip ({e})")))?;
    if archive.len() > names.len() {
        return refuse(format!("the zip holds {} members; a package has {}", archive.len(), names.len()));
    }
    let mut files = Files::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut member = archive.by_index(index).map_err(|e| Refusal(format!("member {index}: {e}")))?;
        let name = member.name().to_string();
        if name.starts_with('/') || name.starts_with('\\') || name.contains(':') {
            return refuse(format!("member {name:?} has an absolute name"));
        }
        if name.split(['/', '\\']).any(|part| part == "..") {
            return refuse(format!("member {name:?} climbs out of the package (path traversal)"));
        }
        if member.is_dir() || name.contains('/') || name.contains('\\') {
            return refuse(format!("member {name:?} is not at the zip's root"));
        }
        if member.is_symlink() {
            return refuse(format!("member {name:?} is a symbolic link"));
        }
        if !names.contains(&name) {
            return refuse(format!("unexpected member {name:?} (a package holds {})", names.join(", ")));
        }
        if files.contains_key(&name) {
            return refuse(format!("member {name:?} appears twice"));
        }
        if member.encrypted() {
            return refuse(format!("member {name:?} is encrypted"));
        }
        if !matches!(member.compression(), zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated) {
            return refuse(format!("member {name:?} uses {:?} compression (stored or deflate only)", member.compression()));
        }
        if member.size() > MAX_MEMBER {
            return refuse(format!("member {name:?} declares {} bytes, over the {} MiB limit", member.size(), MAX_MEMBER >> 20));
        }
        if member.size() > 1 << 20 && member.size() / member.compressed_size().max(1) > MAX_RATIO {
            return refuse(format!("member {name:?} expands {}× (a zip bomb)", member.size() / member.compressed_size().max(1)));
        }
        // The declared size may lie: read at most one byte past the limit and check what came.
        let mut bytes = Vec::new();
        (&mut member).take(MAX_MEMBER + 1).read_to_end(&mut bytes).map_err(|e| Refusal(format!("member {name:?}: {e}")))?;
        if bytes.len() as u64 > MAX_MEMBER {
            return refuse(format!("member {name:?} holds more than {} MiB", MAX_MEMBER >> 20));
        }
        if bytes.len() as u64 != member.size() {
            return refuse(format!("member {name:?} holds {} bytes but declares {}", bytes.len(), member.size()));
        }
        let compressed = member.compressed_size().max(1);
        if bytes.len() as u64 > 1 << 20 && bytes.len() as u64 / compressed > MAX_RATIO {
            return refuse(format!("member {name:?} expands {}× (a zip bomb)", bytes.len() as u64 / compressed));
        }
        total += bytes.len() as u64;
        if total > MAX_TOTAL {
            return refuse(format!("the members total more than {} MiB", MAX_TOTAL >> 20));
        }
        files.insert(name, bytes);
    }
    if let Some(missing) = names.iter().find(|n| !files.contains_key(*n)) {
        return refuse(format!("{missing} is missing"));
    }
    Ok(files)
}

/// Writes a package's files as a zip (deflate), as the extension's page does: for tests and synthetic data.
pub fn write_zip(files: &BTreeMap<String, String>, out: impl std::io::Write + std::io::Seek) -> crate::Result<()> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(out);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(text.as_bytes()).map_err(crate::Error::io(name))?;
    }
    zip.finish()?;
    Ok(())
}
