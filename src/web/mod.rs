//! Browser glue, compiled for wasm32 only: IndexedDB through rexie, and the background's message entry
//! point. No judgement here: everything is decided by the pure core.

pub mod background;
pub mod demo;
pub mod idb;
pub mod transfer;

use wasm_bindgen::JsValue;

/// Serialises for JavaScript as plain objects (maps become objects), the shape the message API documents.
pub fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, crate::Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| crate::Error::BadInput(e.to_string()))
}

pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, crate::Error> {
    serde_wasm_bindgen::from_value(value).map_err(|e| crate::Error::BadInput(e.to_string()))
}
