//! The core's one error type, so every failure reaches the user as a sentence and every caller (the
//! JavaScript pages, the research tool, the class server) can act on a stable machine-readable code.

/// Everything that can go wrong in the core, from a malformed sensor message to a full disk.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A message or file did not have the expected shape; the text says what was wrong.
    #[error("bad input: {0}")]
    BadInput(String),
    /// The sender may not ask this (a content script reading history, another extension).
    #[error("refused: {0}")]
    Forbidden(String),
    /// A data file (detection rules, CAPTCHA providers, valuation parameters…) is invalid.
    #[error("bad data file: {0}")]
    BadRule(String),
    /// The browser refused to store more data.
    #[error("storage is full: the browser refused to store more data")]
    QuotaExceeded,
    /// The storage layer failed for another reason.
    #[error("storage error: {0}")]
    Storage(String),
}

impl Error {
    /// A stable code for programs: JavaScript matches on it, never on the sentence.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadInput(_) => "bad_input",
            Error::Forbidden(_) => "forbidden",
            Error::BadRule(_) => "bad_data",
            Error::QuotaExceeded => "storage_full",
            Error::Storage(_) => "storage",
        }
    }

    /// Whether trying the same thing again later may succeed (a full or failing disk), as opposed to a
    /// refusal that will never change. Sensors keep retrying only these.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::QuotaExceeded | Error::Storage(_))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::BadInput(e.to_string())
    }
}
