//! One error type for the crate, so every failure reaches the user as a sentence.

use std::fmt;

/// Everything that can go wrong in Digitus, from a malformed sensor message to a full disk.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A message or file did not have the expected shape; the text says what was wrong.
    BadInput(String),
    /// A detection rule file is invalid (caught by tests before release).
    BadRule(String),
    /// The browser refused to store more data.
    QuotaExceeded,
    /// The storage layer failed for another reason.
    Storage(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadInput(why) => write!(f, "bad input: {why}"),
            Error::BadRule(why) => write!(f, "bad detection rule: {why}"),
            Error::QuotaExceeded => write!(f, "storage is full: the browser refused to store more data"),
            Error::Storage(why) => write!(f, "storage error: {why}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::BadInput(e.to_string())
    }
}
