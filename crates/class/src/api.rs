//! The HTTP surface: the class API (JSON, documented in docs/class-api.md), the live stream, the CSV
//! export, the static files, and the security headers every answer carries.

use crate::classes::{Class, Labour, Registry, Totals, MAX_N, MAX_SECONDS};
use crate::error::{Error, Result};
use crate::files::Sources;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use digitus::model::Kind;
use digitus::research::package::csv_cell;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// A board's live stream sends at most one update per this interval (updates in between are merged).
pub const STREAM_INTERVAL: Duration = Duration::from_millis(250);

/// The policy every page of the lab and the board lives under: our own scripts and the wasm core only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    pub registry: Arc<Registry>,
    pub sources: Arc<Sources>,
}

/// The whole server as one router.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/api/vocabulary", get(vocabulary))
        .route("/api/classes", post(create_class))
        .route("/api/classes/{code}", get(class_totals).delete(close_class))
        .route("/api/classes/{code}/students", post(join_class))
        .route("/api/classes/{code}/labour", post(add_labour))
        .route("/api/classes/{code}/totals", get(class_totals))
        .route("/api/classes/{code}/live", get(live))
        .route("/api/classes/{code}/export.csv", get(export_csv))
        .fallback(static_file)
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(axum::middleware::from_fn(reject_bad_paths))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    response
}

/// Every path, API included, must decode strictly (`/%`, `/%zz`, `..`): a 400 before any route sees it.
async fn reject_bad_paths(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match crate::files::segments(request.uri().path()) {
        Ok(_) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

async fn static_file(State(app): State<App>, method: Method, uri: Uri) -> Result<Response> {
    if method != Method::GET && method != Method::HEAD {
        return Err(Error::MethodNotAllowed);
    }
    if uri.path().starts_with("/api/") {
        return Err(Error::NotFound(format!("no endpoint {}", uri.path())));
    }
    app.sources.serve(uri.path(), method == Method::HEAD).await
}

/// The class code of a route; a path that does not decode is a bad path, not a crash.
fn code_of(path: std::result::Result<Path<String>, PathRejection>) -> Result<String> {
    path.map(|Path(code)| code).map_err(|e| Error::BadPath(e.body_text()))
}

/// Reads a JSON body of at most `limit` bytes. An empty body reads as `{}` where `T` allows it.
async fn json_body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: Body, limit: usize) -> Result<T> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Error::TooLarge(limit));
    }
    let bytes: Bytes = axum::body::to_bytes(body, limit).await.map_err(|_| Error::TooLarge(limit))?;
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
    if !bytes.is_empty() {
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
        if !json {
            return Err(Error::NotJson);
        }
    }
    serde_json::from_slice(text).map_err(|e| Error::BadJson(e.to_string()))
}

/// The teacher token, from `Authorization: Bearer …` or `?teacher=…` (a download link cannot set headers).
fn teacher_token(headers: &HeaderMap, query: &TeacherQuery) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .or_else(|| query.teacher.clone())
}

fn check_teacher(class: &Class, headers: &HeaderMap, query: &TeacherQuery) -> Result<()> {
    match teacher_token(headers, query) {
        Some(t) if class.teacher_matches(&t) => Ok(()),
        Some(_) => Err(Error::Forbidden("this is not the teacher token of this class".into())),
        None => Err(Error::Forbidden("the teacher token is required".into())),
    }
}

/// The class of a teacher's request (closing, exporting): the code in the path, then the teacher's token
/// from the `Authorization` header or the `teacher` query parameter.
fn teacher_class(
    app: &App,
    path: std::result::Result<Path<String>, PathRejection>,
    query: std::result::Result<Query<TeacherQuery>, QueryRejection>,
    headers: &HeaderMap,
) -> Result<Arc<Class>> {
    let class = app.registry.get(&code_of(path)?)?;
    let Query(query) = query.map_err(|e| Error::BadInput(e.body_text()))?;
    check_teacher(&class, headers, &query)?;
    Ok(class)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[derive(Deserialize, Default)]
struct TeacherQuery {
    teacher: Option<String>,
}

fn no_store<T: IntoResponse>(status: StatusCode, body: T) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What the board must not repeat on its own: the core's kinds of labour, in the core's order.
async fn vocabulary() -> Response {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    no_store(StatusCode::OK, Json(serde_json::json!({ "kinds": kinds })))
}

async fn create_class(State(app): State<App>, headers: HeaderMap, body: Body) -> Result<Response> {
    let Empty {} = json_body(&headers, body, app.registry.limits.max_body).await?;
    let (class, teacher) = app.registry.create()?;
    let totals = class.totals();
    Ok(no_store(
        StatusCode::CREATED,
        Json(serde_json::json!({ "code": class.code, "teacher": teacher, "expires": totals.expires })),
    ))
}

async fn close_class(
    State(app): State<App>,
    path: std::result::Result<Path<String>, PathRejection>,
    query: std::result::Result<Query<TeacherQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response> {
    let class = teacher_class(&app, path, query, &headers)?;
    app.registry.close(&class);
    Ok(no_store(StatusCode::OK, Json(serde_json::json!({ "closed": class.code }))))
}

async fn join_class(
    State(app): State<App>,
    path: std::result::Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let class = app.registry.get(&code_of(path)?)?;
    let Empty {} = json_body(&headers, body, app.registry.limits.max_body).await?;
    let student = class.join(&app.registry.limits)?;
    Ok(no_store(StatusCode::CREATED, Json(serde_json::json!({ "student": student, "code": class.code }))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LabourBody {
    student: String,
    kind: String,
    n: i64,
    #[serde(default)]
    seconds: f64,
    #[serde(default)]
    labels: BTreeMap<String, i64>,
}

/// What the class server does with outside input before any class sees it, for the fuzz harnesses
/// (`fuzz/fuzz_targets/class_request.rs` and the bounded run below): the first line of `data` as a request
/// path, the rest as a labour body. Panics when a property fails: an accepted path with a `..`, `.`, slash or
/// NUL segment; an accepted body outside the limits.
pub fn fuzz_request(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (path, body) = text.split_once('\n').unwrap_or((&text, ""));
    if let Ok(segments) = crate::files::segments(path) {
        assert!(segments.iter().all(|s| s != ".." && s != "." && !s.contains(['/', '\\', '\0'])), "{path}");
    }
    if let Ok(parsed) = serde_json::from_str::<LabourBody>(body) {
        if let Ok(labour) = parsed.validate() {
            assert!(labour.n.abs() <= MAX_N && labour.seconds.abs() <= MAX_SECONDS, "{body}");
            assert!(labour.labels.len() <= 16, "{body}");
        }
    }
}

impl LabourBody {
    fn validate(self) -> Result<Labour> {
        let kind = Kind::ALL.into_iter().find(|k| k.as_str() == self.kind).ok_or(Error::UnknownKind(self.kind))?;
        if !(-MAX_N..=MAX_N).contains(&self.n) {
            return Err(Error::BadInput(format!("n must be within ±{MAX_N}")));
        }
        if !self.seconds.is_finite() || self.seconds.abs() > MAX_SECONDS {
            return Err(Error::BadInput(format!("seconds must be a number within ±{MAX_SECONDS}")));
        }
        if !self.labels.is_empty() && kind != Kind::Captcha {
            return Err(Error::BadInput("labels go with kind \"captcha\" only".into()));
        }
        if self.labels.len() > 16 || self.labels.values().any(|n| !(-MAX_N..=MAX_N).contains(n)) {
            return Err(Error::BadInput(format!("at most 16 labels, each within ±{MAX_N}")));
        }
        if self.student.is_empty() || self.student.len() > 64 {
            return Err(Error::Forbidden("no such student in this class (join first)".into()));
        }
        Ok(Labour { student: self.student, kind, n: self.n, seconds: self.seconds, labels: self.labels })
    }
}

async fn add_labour(
    State(app): State<App>,
    path: std::result::Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let class = app.registry.get(&code_of(path)?)?;
    let body: LabourBody = json_body(&headers, body, app.registry.limits.max_body).await?;
    let labour = body.validate()?;
    let own = class.labour(&app.registry.limits, &labour, &app.registry.objects)?;
    Ok(no_store(StatusCode::OK, Json(serde_json::json!({ "kind": labour.kind.as_str(), "count": own }))))
}

async fn class_totals(State(app): State<App>, path: std::result::Result<Path<String>, PathRejection>) -> Result<Response> {
    let class = app.registry.get(&code_of(path)?)?;
    Ok(no_store(StatusCode::OK, Json(class.totals().with_valuations())))
}

/// Server-sent events: `totals` at once and after every change (at most every [`STREAM_INTERVAL`]),
/// then `closed` when the class ends.
async fn live(State(app): State<App>, path: std::result::Result<Path<String>, PathRejection>) -> Result<Response> {
    let class = app.registry.get(&code_of(path)?)?;
    let receiver = class.subscribe();
    drop(class); // the stream holds only the receiver: a closed class is freed at once
    let stream = futures_util::stream::unfold((receiver, true, false), |(mut receiver, first, ended)| async move {
        if ended {
            return None;
        }
        if !first {
            if receiver.changed().await.is_err() {
                return None;
            }
            tokio::time::sleep(STREAM_INTERVAL).await; // merge the burst of changes that follows
        }
        let totals: Arc<Totals> = receiver.borrow_and_update().clone();
        let name = if totals.closed { "closed" } else { "totals" };
        let data = serde_json::to_string(&totals.with_valuations()).unwrap_or_else(|_| "{}".into());
        Some((Ok::<_, Infallible>(Event::default().event(name).data(data)), (receiver, false, totals.closed)))
    });
    let mut response = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Escapes one CSV field (RFC 4180), and defuses spreadsheet formulas in text that came from pages.
fn csv_field(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        csv_cell(&format!("'{text}"))
    } else {
        csv_cell(text)
    }
}

async fn export_csv(
    State(app): State<App>,
    path: std::result::Result<Path<String>, PathRejection>,
    query: std::result::Result<Query<TeacherQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response> {
    let class = teacher_class(&app, path, query, &headers)?;
    let t = class.totals().with_valuations();
    let mut csv = String::from("measure,value\n");
    csv.push_str(&format!("students,{}\n", t.students));
    for (kind, n) in &t.kinds {
        csv.push_str(&format!("{kind},{n}\n"));
    }
    csv.push_str(&format!("events,{}\n", t.events));
    csv.push_str(&format!("seconds,{}\n", t.seconds));
    for (object, n) in &t.captcha_labels {
        csv.push_str(&format!("{},{n}\n", csv_field(&format!("captcha labels: {object}"))));
    }
    for (name, value) in crate::value::csv_rows(&t.valuations) {
        csv.push_str(&format!("{},{}\n", csv_field(&name), csv_field(&value)));
    }
    let mut response = no_store(StatusCode::OK, csv);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"digitus-class-{}.csv\"", class.code)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator, so the bounded fuzz runs below are the same on every run.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn fuzzed_paths_and_bodies_are_refused_or_accepted_never_a_panic() {
        let mut seed = 0x5EED_CAFE_u64;
        let alphabet: &[u8] = b"/%.\\\x00aZ09-_~?#:2e5cff";
        for _ in 0..20_000 {
            let len = (next(&mut seed) % 24) as usize;
            let raw: Vec<u8> = (0..len).map(|_| alphabet[(next(&mut seed) % alphabet.len() as u64) as usize]).collect();
            fuzz_request(format!("/{}\n", String::from_utf8_lossy(&raw)).as_bytes());
        }
        let pieces = [
            "{", "}", "\"student\":\"a\"", "\"kind\":\"like\"", "\"kind\":\"x\"", "\"n\":1", "\"n\":-1e99", "\"n\":1.5",
            "\"seconds\":1e400", "\"labels\":{\"bicycles\":1}", "\"labels\":[]", ",", ":", "null", "\"__proto__\":1",
        ];
        for _ in 0..20_000 {
            let n = 1 + (next(&mut seed) % 8) as usize;
            let body: String = (0..n).map(|_| pieces[(next(&mut seed) % pieces.len() as u64) as usize]).collect();
            fuzz_request(format!("/api/classes/ABCD/labour\n{body}").as_bytes());
        }
    }
}
