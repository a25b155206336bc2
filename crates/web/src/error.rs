//! The glue's one error type: the core's errors, plus what can go wrong at the JavaScript boundary.

/// Everything the glue can fail with. Each has a machine-readable [`code`](Error::code).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] digitus::Error),
    /// A JavaScript value did not have the shape a message or file needs.
    #[error("bad input: {0}")]
    FromJs(serde_wasm_bindgen::Error),
    /// An answer could not be turned into a JavaScript value (a bug).
    #[error("internal error: {0}")]
    ToJs(serde_wasm_bindgen::Error),
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Core(e.into())
    }
}

/// The store implements the core's `Store` trait, whose methods answer in the core's error type.
impl From<Error> for digitus::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Core(e) => e,
            Error::FromJs(e) => digitus::Error::Storage(format!("unreadable record: {e}")),
            Error::ToJs(e) => digitus::Error::Storage(format!("unwritable record: {e}")),
        }
    }
}

impl Error {
    /// The code JavaScript matches on (never the sentence).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Core(e) => e.code(),
            Error::FromJs(_) => "bad_input",
            Error::ToJs(_) => "internal",
        }
    }
}

/// Thrown to JavaScript as an `Error` whose `message` is the sentence and whose `code` is the code.
impl From<Error> for wasm_bindgen::JsValue {
    fn from(e: Error) -> Self {
        let thrown = js_sys::Error::new(&e.to_string());
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&thrown, &"code".into(), &e.code().into());
        thrown.into()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
