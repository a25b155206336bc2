//! The class server's one error type. Every refusal reaches the client as JSON `{error, code}` with an
//! HTTP status; pages match on `code`, never on the sentence.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Everything a request can be refused for, and the few ways the server itself can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such class (wrong code, expired or closed), or no such file.
    #[error("not found: {0}")]
    NotFound(String),
    /// A path that cannot be decoded or that tries to leave the served folders (`/%`, `/../x`).
    #[error("bad path: {0}")]
    BadPath(String),
    /// A body that is not the JSON this endpoint takes.
    #[error("malformed JSON: {0}")]
    BadJson(String),
    /// Well-formed JSON with a value out of range.
    #[error("bad input: {0}")]
    BadInput(String),
    /// A kind of labour the core does not know.
    #[error("unknown kind of labour: {0}")]
    UnknownKind(String),
    /// The body is larger than any request of this API needs.
    #[error("body too large: at most {0} bytes")]
    TooLarge(usize),
    /// A JSON endpoint called with another content type.
    #[error("send JSON (content-type: application/json)")]
    NotJson,
    /// A student or a client sending faster than any human (the per-student rate limit).
    #[error("too many requests: slow down")]
    RateLimited,
    /// A token that does not belong to this class (teacher token, student id).
    #[error("refused: {0}")]
    Forbidden(String),
    /// A cap is reached (classes on this server, students in a class).
    #[error("full: {0}")]
    Full(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Reading a served file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The stable machine-readable code (documented in docs/class-api.md).
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not_found",
            Error::BadPath(_) => "bad_path",
            Error::BadJson(_) => "bad_json",
            Error::BadInput(_) => "bad_input",
            Error::UnknownKind(_) => "unknown_kind",
            Error::TooLarge(_) => "too_large",
            Error::NotJson => "not_json",
            Error::RateLimited => "rate_limited",
            Error::Forbidden(_) => "forbidden",
            Error::Full(_) => "full",
            Error::MethodNotAllowed => "method_not_allowed",
            Error::Io(_) => "io",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadPath(_) | Error::BadJson(_) | Error::BadInput(_) | Error::UnknownKind(_) => StatusCode::BAD_REQUEST,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Full(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.to_string(), "code": self.code() });
        let mut response = (self.status(), axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if matches!(self, Error::RateLimited) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
