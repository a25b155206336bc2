//! # digitus-web: the browser glue
//!
//! A thin cdylib around the pure core (`digitus`), compiled for wasm32 only. It decides *how* (IndexedDB
//! through rexie, JavaScript values through serde-wasm-bindgen); the core decides *what*.
//!
//! ```text
//!  background.js ──handle_message(msg, sender)──▶ background ──▶ digitus::api::Core ──▶ idb::IdbStore
//!  options page  ──BackupExport / BackupImport──▶ transfer   ──▶ digitus::backup     ──▶ idb::IdbStore
//!  www/ lab page ──demo_message(msg, url)───────▶ demo       ──▶ digitus::api::Core ──▶ MemoryStore
//!  bench pages   ──bench_* (feature "bench")────▶ bench      (never in the shipped module)
//! ```
//!
//! No judgement lives here. Errors that cross to JavaScript carry the core's machine-readable `code`
//! beside the sentence (`{error, code}`), see [`error_reply`].
#![cfg(target_arch = "wasm32")]

pub mod background;
#[cfg(feature = "bench")]
pub mod bench;
pub mod demo;
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
