//! Static files: the lab and the board (`www/`), the wasm core (`build/pkg/`), the sensors
//! (`extension/content/`), the shared style sheet, and the extension packages with their SHA-256 sums.
//!
//! ```text
//! raw path ──strict %-decoding──▶ segments (no "..", ".", "\", NUL, hidden) ──route──▶ file on disk
//!    "/%", "/%zz", "/..%2f"  ──▶ 400 bad_path          unknown or missing ──▶ 404 not_found
//! ```
//! Only whole files from the listed folders are served; nothing is listed or written.

use crate::error::{Error, Result};
use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where the server finds what it serves.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The checkout: `www/`, `extension/content/`, `extension/style.css`.
    pub root: PathBuf,
    /// The build output (`DIGITUS_OUT`, default the checkout): `build/pkg/`, `dist/`.
    pub out: PathBuf,
}

/// Strictly percent-decodes a URL path into its segments. Refuses what no page of ours asks for.
pub fn segments(raw_path: &str) -> Result<Vec<String>> {
    let bad = |why: &str| Error::BadPath(why.to_string());
    let bytes = raw_path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or_else(|| bad("a % must be followed by two hex digits"))?;
            let hex = std::str::from_utf8(hex).map_err(|_| bad("a % must be followed by two hex digits"))?;
            let byte = u8::from_str_radix(hex, 16).map_err(|_| bad("a % must be followed by two hex digits"))?;
            decoded.push(byte);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(decoded).map_err(|_| bad("the path is not UTF-8"))?;
    if !path.starts_with('/') {
        return Err(bad("the path must start with /"));
    }
    let mut out = Vec::new();
    let parts: Vec<&str> = path[1..].split('/').collect();
    for (k, part) in parts.iter().enumerate() {
        if part.is_empty() && k + 1 < parts.len() {
            return Err(bad("empty segment"));
        }
        if *part == "." || *part == ".." || part.contains(['\\', '\0']) || part.chars().any(char::is_control) {
            return Err(bad("no . or .. segments, backslashes or control characters"));
        }
        if !part.is_empty() {
            out.push(part.to_string());
        }
    }
    Ok(out)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "webmanifest" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "zip" => "application/zip",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl Sources {
    /// The file a request path names, if it is one we serve.
    fn locate(&self, segs: &[String]) -> Option<PathBuf> {
        // Hidden files (.git, .certs) are never served.
        if segs.iter().any(|s| s.starts_with('.')) {
            return None;
        }
        let join = |base: PathBuf, rest: &[String]| rest.iter().fold(base, |p, s| p.join(s));
        let first = segs.first().map(String::as_str);
        Some(match first {
            None => self.root.join("www/index.html"),
            Some("board") if segs.len() == 1 => self.root.join("www/board.html"),
            Some("pkg") if segs.len() > 1 => join(self.out.join("build/pkg"), &segs[1..]),
            Some("common.js") => self.root.join("extension/content/common.js"),
            Some("sensor.js") => self.root.join("extension/content/sensor.js"),
            Some("captcha.js") => self.root.join("extension/content/captcha.js"),
            Some("style.css") => self.root.join("extension/style.css"),
            Some("download") => match segs.get(1..) {
                Some([name]) if name.ends_with(".zip") => self.out.join("dist").join(name),
                _ => return None,
            },
            Some(_) => join(self.root.join("www"), segs),
        })
    }

    /// Serves one file (GET, or HEAD without the body).
    pub async fn serve(&self, raw_path: &str, head: bool) -> Result<Response<Body>> {
        let segs = segments(raw_path)?;
        if segs.len() == 2 && segs[0] == "download" && segs[1] == "SHA256SUMS" {
            let sums = self.checksums().await?;
            return Ok(respond("text/plain; charset=utf-8", sums.into_bytes(), head));
        }
        let missing = || Error::NotFound(format!("no file {raw_path}"));
        let path = self.locate(&segs).ok_or_else(missing)?;
        match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_file() => {}
            _ => return Err(missing()),
        }
        let bytes = tokio::fs::read(&path).await?;
        Ok(respond(content_type(&path), bytes, head))
    }

    /// `sha256sum`-compatible lines for every extension package in `dist/` (verify with `sha256sum -c`).
    pub async fn checksums(&self) -> Result<String> {
        let dist = self.out.join("dist");
        let mut names = Vec::new();
        if let Ok(mut dir) = tokio::fs::read_dir(&dist).await {
            while let Some(entry) = dir.next_entry().await? {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".zip") && !name.starts_with('.') && entry.file_type().await?.is_file() {
                    names.push(name);
                }
            }
        }
        names.sort();
        let mut out = String::new();
        for name in names {
            let bytes = tokio::fs::read(dist.join(&name)).await?;
            let digest = Sha256::digest(&bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            out.push_str(&format!("{hex}  {name}\n"));
        }
        Ok(out)
    }
}

fn respond(content_type: &'static str, bytes: Vec<u8>, head: bool) -> Response<Body> {
    let len = bytes.len();
    let mut response = Response::new(if head { Body::empty() } else { Body::from(bytes) });
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    // Always revalidated: a rebuilt lab or package is seen at once (the lab's service worker keeps
    // its own copy for offline use).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_strictly() {
        assert_eq!(segments("/").unwrap(), Vec::<String>::new());
        assert_eq!(segments("/pkg/digitus.js").unwrap(), ["pkg", "digitus.js"]);
        assert_eq!(segments("/a%20b").unwrap(), ["a b"]);
        for bad in ["/%", "/%2", "/%zz", "/..", "/a/../b", "/%2e%2e/x", "/a%5cb", "/a%00", "/%ff", "//x", "x"] {
            assert!(matches!(segments(bad), Err(Error::BadPath(_))), "{bad}");
        }
    }

    #[test]
    fn only_listed_folders_are_served() {
        let s = Sources { root: "/r".into(), out: "/o".into() };
        let at = |p: &str| s.locate(&segments(p).unwrap());
        assert_eq!(at("/"), Some("/r/www/index.html".into()));
        assert_eq!(at("/board"), Some("/r/www/board.html".into()));
        assert_eq!(at("/pkg/digitus_bg.wasm"), Some("/o/build/pkg/digitus_bg.wasm".into()));
        assert_eq!(at("/download/digitus-firefox.zip"), Some("/o/dist/digitus-firefox.zip".into()));
        assert_eq!(at("/download/chromium/manifest.json"), None);
        assert_eq!(at("/.git/config"), None);
        assert_eq!(at("/lab/.hidden"), None);
    }
}
