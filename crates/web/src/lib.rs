//! # digitus-web: the browser glue
//!
//! A thin cdylib around the pure core (`digitus`), compiled for wasm32 only. It decides *how* (IndexedDB
//! through rexie, its bulk paths through `raw` and `bulk.js`, JavaScript values through serde-wasm-bindgen);
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

/// Serialises for JavaScript as plain objects (maps become objects), the shape the message API documents.
pub fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(Error::ToJs)
}

pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T> {
    serde_wasm_bindgen::from_value(value).map_err(Error::FromJs)
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
