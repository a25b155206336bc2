//! # digitus-web: the browser glue
//!
//! A thin cdylib around the pure core (`digitus`), compiled for wasm32 only. It decides *how* (IndexedDB
//! through rexie, its bulk paths through `raw` and `bulk.js`, JavaScript values as JSON text read and
//! written by serde_json);
//! the core decides *what*.
//!
//! ```text
//!  background.js ──handle_message(msg, sender)──▶ background ──▶ Core::handle_recording ──▶ idb::IdbStore
//!  background.js ──handle_page_message(…)───────▶ page_api   ──▶ Core::handle_pages     ──▶ idb::IdbStore
//!  options page  ──BackupExport / BackupImport──▶ transfer   ──▶ digitus::backup     ──▶ idb::IdbStore
//!  www/ lab page ──demo_message(msg, url)───────▶ demo       ──▶ digitus::api::Core ──▶ MemoryStore
//!  bench pages   ──bench_* (feature "bench")────▶ bench      (never in the shipped module)
//! ```
//!
//! Two modules are shipped, built from this crate with different features, because the background wakes on
//! every page a person opens and should load only what it runs: `pkg/digitus` (feature "background":
//! the recording path: `handle_message` for sensor reports, settling, settings and deletions) and `pkg/pages`
//! (feature "pages": `handle_page_message` for every other page request, which the background loads only
//! when a page asks; backup import/export for the options page; `demo_message` for the classroom lab).
//! The default features build both, for tests and the bench module.
//!
//! No judgement lives here. Errors that cross to JavaScript carry the core's machine-readable `code`
//! beside the sentence (`{error, code}`), see [`error_reply`].
#![cfg(target_arch = "wasm32")]

#[cfg(feature = "background")]
pub mod background;
#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "pages")]
pub mod demo;
#[cfg(feature = "pages")]
pub mod page_api;
pub mod error;
pub mod idb;
pub mod raw;
pub mod transfer;

pub use error::{Error, Result};
use wasm_bindgen::JsValue;

/// Serialises for JavaScript as plain objects (maps become objects, absent options `null`), the shape the
/// message API documents and IndexedDB holds: `JSON.parse` of `serde_json`'s text. One serde backend
/// (`serde_json`, which the core's stored records and data need anyway) instead of a second one with its
/// own copy of every derive.
pub fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    let text = serde_json::to_string(value).map_err(Error::ToJs)?;
    js_sys::JSON::parse(&text).map_err(|e| Error::Js(format!("{e:?}")))
}

/// Reads a JavaScript value (a message, an IndexedDB row) as `T`: `serde_json` over `JSON.stringify`'s
/// text. `undefined` reads as `null` (an absent option). A lone surrogate (text cut inside an emoji) reads
/// as U+FFFD, as JavaScript strings handed to Rust always have.
pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T> {
    // `undefined` (and a function) stringify to `undefined`, not to text.
    let text = match js_sys::JSON::stringify(&value) {
        Ok(text) => text.as_string().map_or_else(|| "null".to_owned(), well_formed),
        Err(e) => return Err(Error::Js(format!("{e:?}"))),
    };
    serde_json::from_str(&text).map_err(Error::FromJs)
}

/// `JSON.stringify` writes a lone surrogate as an escape (`\ud800`), which serde_json refuses; every other
/// character it writes as itself or as a short escape. Those escapes become `\ufffd`.
fn well_formed(text: String) -> String {
    if !text.contains("\\ud") {
        return text;
    }
    let surrogate = |escape: &[u8]| escape.len() == 6 && escape[1] == b'u' && escape[2] == b'd' && matches!(escape[3], b'8'..=b'9' | b'a'..=b'f');
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest.as_bytes()[at..(at + 6).min(rest.len())];
        if surrogate(escape) {
            out.push_str("\\ufffd");
            rest = &rest[at + 6..];
        } else {
            // `\\` or any other escape: its second character is never a backslash that starts another.
            let step = (at + 2).min(rest.len());
            out.push_str(&rest[at..step]);
            rest = &rest[step..];
        }
    }
    out.push_str(rest);
    out
}

/// The answer JavaScript gets for a refused message: `{error: sentence, code}`.
pub fn error_reply(e: &Error) -> JsValue {
    to_js(&serde_json::json!({ "error": e.to_string(), "code": e.code() })).unwrap_or(JsValue::NULL)
}

/// What both modules' entry points do with a handled message: the answer, or `{error, code}` for anything
/// refused, with a warning in the worker's console (a refused message is a bug in a caller, or a probe).
#[inline(never)]
pub fn reply(handled: Result<JsValue>) -> JsValue {
    match handled {
        Ok(answer) => answer,
        Err(e) => {
            gloo::console::warn!(format!("Digitus refused a message: {e}"));
            error_reply(&e)
        }
    }
}

/// Reads a runtime message and its sender as both modules do: the sender authenticated first, then the
/// message decoded as `R` (each module decodes only its own request types).
pub fn read_message<R: serde::de::DeserializeOwned>(
    message: JsValue,
    sender: JsValue,
) -> Result<(digitus::api::Sender, digitus::api::SenderFrame, R)> {
    let (sender, frame) = from_js::<digitus::api::BrowserSender>(sender)?.authenticate()?;
    let request = from_js(message).map_err(|e| digitus::Error::BadInput(format!("message: {e}")))?;
    Ok((sender, frame, request))
}
