//! The real `digitus-class` binary on a real port: 30 students acting at once, the board's totals
//! checked exactly (API and live stream); every bad input refused without changing a total; bad paths,
//! security headers, and the published SHA-256 sums of the packages.

use futures_util::StreamExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    base: String,
    /// Kept open for the server's lifetime (it may print more).
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Starts the binary on a free port and reads the address it prints.
fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_digitus-class"))
        .args(["--host", "127.0.0.1", "--port", "0", "--root"])
        .arg(repo())
        .args(extra)
        .env_remove("PORT")
        .env_remove("HOST")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the digitus-class binary starts");
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().trim_end_matches('/').to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "unexpected first line {line:?}");
    Server { child, base, _stdout: stdout }
}

async fn post(client: &reqwest::Client, url: &str, body: Value) -> (u16, Value) {
    let res = client.post(url).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn create(client: &reqwest::Client, base: &str) -> (String, String) {
    let (status, body) = post(client, &format!("{base}/api/classes"), json!({})).await;
    assert_eq!(status, 201, "{body}");
    (body["code"].as_str().unwrap().to_string(), body["teacher"].as_str().unwrap().to_string())
}

async fn totals(client: &reqwest::Client, base: &str, code: &str) -> Value {
    client.get(format!("{base}/api/classes/{code}/totals")).send().await.unwrap().json().await.unwrap()
}

/// Reads the live stream until an event satisfies `done`; answers that event's data.
async fn stream_until(base: &str, code: &str, done: impl Fn(&str, &Value) -> bool) -> (String, Value) {
    let res = reqwest::get(format!("{base}/api/classes/{code}/live")).await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut bytes = res.bytes_stream();
    let mut buffer = String::new();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(20), bytes.next())
            .await
            .expect("the stream sends within 20 s")
            .expect("the stream stays open")
            .unwrap();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut name = "message".to_string();
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if data.is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(&data).unwrap();
            if done(&name, &value) {
                return (name, value);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_students_acting_at_once_give_the_exact_totals() {
    let server = start(&[]);
    let client = reqwest::Client::new();
    let (code, _) = create(&client, &server.base).await;
    // The board listens from the start, as in class.
    let expected_events = {
        // Student s: (s % 5) + 1 likes, one of them undone when s is even; s % 3 ratings; a report when
        // s % 4 == 0; two tags; a CAPTCHA with 3 bicycle labels when s % 6 == 0; 2.5 s per act.
        let mut n = 0;
        for s in 0..30 {
            n += (s % 5 + 1) - i64::from(s % 2 == 0) + s % 3 + i64::from(s % 4 == 0) + 2 + i64::from(s % 6 == 0);
        }
        n
    };
    let board = tokio::spawn({
        let base = server.base.clone();
        let code = code.clone();
        async move { stream_until(&base, &code, move |_, t| t["events"] == expected_events && t["students"] == 30).await }
    });
    let mut students = Vec::new();
    for s in 0..30i64 {
        let client = client.clone();
        let url = format!("{}/api/classes/{code}", server.base);
        students.push(tokio::spawn(async move {
            let (status, joined) = post(&client, &format!("{url}/students"), json!({})).await;
            assert_eq!(status, 201);
            let student = joined["student"].as_str().unwrap().to_string();
            let act = |kind: &str, n: i64, labels: Value| {
                let mut body = json!({ "student": student, "kind": kind, "n": n, "seconds": 2.5 * n as f64 });
                if labels != Value::Null {
                    body["labels"] = labels;
                }
                body
            };
            let mut acts = Vec::new();
            for _ in 0..(s % 5 + 1) {
                acts.push(act("like", 1, Value::Null));
            }
            if s % 2 == 0 {
                acts.push(act("like", -1, Value::Null));
            }
            for _ in 0..s % 3 {
                acts.push(act("rating", 1, Value::Null));
            }
            if s % 4 == 0 {
                acts.push(act("report", 1, Value::Null));
            }
            acts.push(act("tag", 2, Value::Null));
            if s % 6 == 0 {
                acts.push(act("captcha", 1, json!({ "bicycles": 3 })));
            }
            for body in acts {
                let (status, answer) = post(&client, &format!("{url}/labour"), body).await;
                assert_eq!(status, 200, "{answer}");
            }
        }));
    }
    for s in students {
        s.await.unwrap();
    }
    let t = totals(&client, &server.base, &code).await;
    let sum = |f: &dyn Fn(i64) -> i64| (0..30).map(f).sum::<i64>();
    assert_eq!(t["students"], 30);
    assert_eq!(t["kinds"]["like"], sum(&|s| s % 5 + 1 - i64::from(s % 2 == 0)));
    assert_eq!(t["kinds"]["rating"], sum(&|s| s % 3));
    assert_eq!(t["kinds"]["report"], sum(&|s| i64::from(s % 4 == 0)));
    assert_eq!(t["kinds"]["tag"], 60);
    assert_eq!(t["kinds"]["captcha"], 5);
    assert_eq!(t["kinds"]["feedback"], 0);
    assert_eq!(t["kinds"]["review"], 0);
    assert_eq!(t["events"], expected_events);
    assert_eq!(t["seconds"], expected_events as f64 * 2.5);
    assert_eq!(t["captcha_labels"], json!({ "bicycles": 15 }));
    // Valued by the core's engine: the same acts at a French micro-task's 0.20 € each, and three methods.
    let v = &t["valuations"];
    assert_eq!(v["events"], expected_events);
    let france = v["contrasts"].as_array().unwrap().iter().find(|c| c["id"] == "contrast.france_microtask").unwrap();
    assert!((france["value"].as_f64().unwrap() - expected_events as f64 * 0.2).abs() < 1e-9);
    assert_eq!(v["methods"].as_array().unwrap().len(), 3);
    assert!(v["methods"][1]["high"].as_f64().unwrap() > 0.0);
    // The board's live stream reached the same totals.
    let (name, live) = board.await.unwrap();
    assert_eq!(name, "totals");
    assert_eq!(live["kinds"], t["kinds"]);
    assert_eq!(live["events"], expected_events);
    assert!(live["timeline"].as_array().unwrap().last().unwrap()[1] == expected_events);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_no_total() {
    let server = start(&["--student-rate", "0", "--student-burst", "20", "--max-classes", "2", "--max-students", "2"]);
    let client = reqwest::Client::new();
    let base = &server.base;
    let (code, teacher) = create(&client, base).await;
    let (_, joined) = post(&client, &format!("{base}/api/classes/{code}/students"), json!({})).await;
    let student = joined["student"].as_str().unwrap().to_string();
    let labour = format!("{base}/api/classes/{code}/labour");
    let (status, _) = post(&client, &labour, json!({ "student": student, "kind": "like", "n": 3 })).await;
    assert_eq!(status, 200);
    let before = totals(&client, base, &code).await;

    let expect = |status: u16, code: &'static str| move |(s, body): (u16, Value)| {
        assert_eq!(s, status, "{body}");
        assert_eq!(body["code"], code, "{body}");
        assert!(body["error"].is_string());
    };
    // A wrong code, in every endpoint.
    expect(404, "not_found")(post(&client, &format!("{base}/api/classes/ZZZZZZ/students"), json!({})).await);
    expect(404, "not_found")(post(&client, &format!("{base}/api/classes/ZZZZZZ/labour"), json!({ "student": student, "kind": "like", "n": 1 })).await);
    let res = client.get(format!("{base}/api/classes/nonsense/totals")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    // Malformed JSON, wrong shapes, wrong content type.
    let raw = |body: String, ct: &'static str| {
        let client = client.clone();
        let labour = labour.clone();
        async move {
            let res = client.post(&labour).header("content-type", ct).body(body).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    expect(400, "bad_json")(raw("{\"student\": ".into(), "application/json").await);
    expect(400, "bad_json")(raw("[1,2,3]".into(), "application/json").await);
    expect(400, "bad_json")(raw(format!("{{\"student\":\"{student}\",\"kind\":\"like\",\"n\":1.5}}"), "application/json").await);
    expect(400, "bad_json")(raw(format!("{{\"student\":\"{student}\",\"kind\":\"like\",\"n\":1,\"x\":1}}"), "application/json").await);
    expect(415, "not_json")(raw("student=x".into(), "application/x-www-form-urlencoded").await);
    expect(400, "unknown_kind")(post(&client, &labour, json!({ "student": student, "kind": "poke", "n": 1 })).await);
    expect(400, "unknown_kind")(post(&client, &labour, json!({ "student": student, "kind": "__proto__", "n": 1 })).await);
    expect(400, "bad_input")(post(&client, &labour, json!({ "student": student, "kind": "like", "n": 1_000_000 })).await);
    expect(400, "bad_input")(post(&client, &labour, json!({ "student": student, "kind": "like", "n": 1, "seconds": 1e300 })).await);
    expect(400, "bad_input")(post(&client, &labour, json!({ "student": student, "kind": "captcha", "n": 1, "labels": { "rude words": 1 } })).await);
    expect(400, "bad_input")(post(&client, &labour, json!({ "student": student, "kind": "like", "n": 1, "labels": { "bicycles": 1 } })).await);
    expect(403, "forbidden")(post(&client, &labour, json!({ "student": "not-a-student", "kind": "like", "n": 1 })).await);
    // An oversized body. The server answers before reading it all and closes that connection, so the
    // request gets a client of its own (a pooled connection would be reused half-closed).
    let big = "x".repeat(100_000);
    let own = reqwest::Client::new();
    expect(413, "too_large")(post(&own, &labour, json!({ "student": student, "kind": "like", "n": 1, "pad": big })).await);
    // Bad paths: 400, and the server lives on.
    for path in ["/%", "/%zz", "/..%2f..%2fCargo.toml", "/api/classes/%/totals", "/a%00b"] {
        let res = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(res.status(), 400, "{path}");
        assert_eq!(res.json::<Value>().await.unwrap()["code"], "bad_path", "{path}");
    }
    assert_eq!(client.get(format!("{base}/Cargo.toml")).send().await.unwrap().status(), 404);
    assert_eq!(client.put(format!("{base}/api/classes")).send().await.unwrap().status(), 405);
    // The export needs the teacher's token.
    let export = format!("{base}/api/classes/{code}/export.csv");
    assert_eq!(client.get(&export).send().await.unwrap().status(), 403);
    assert_eq!(client.get(format!("{export}?teacher=0000")).send().await.unwrap().status(), 403);
    assert_eq!(client.get(&export).bearer_auth(&student).send().await.unwrap().status(), 403);

    // Nothing above changed a total.
    assert_eq!(totals(&client, base, &code).await, before);

    // A flood from one student: the first burst passes, the rest is 429 and counts nothing.
    let mut accepted = 0;
    let mut refused = 0;
    for _ in 0..40 {
        let (status, body) = post(&client, &labour, json!({ "student": student, "kind": "report", "n": 1 })).await;
        match status {
            200 => accepted += 1,
            429 => {
                assert_eq!(body["code"], "rate_limited");
                refused += 1
            }
            other => panic!("{other}: {body}"),
        }
    }
    // The burst is 20 units; 3 likes and the refused requests above spent none… except the likes.
    assert_eq!(accepted, 17);
    assert_eq!(refused, 23);
    assert_eq!(totals(&client, base, &code).await["kinds"]["report"], 17);

    // Caps: two students per class, two classes per server.
    post(&client, &format!("{base}/api/classes/{code}/students"), json!({})).await;
    expect(503, "full")(post(&client, &format!("{base}/api/classes/{code}/students"), json!({})).await);
    create(&client, base).await;
    expect(503, "full")(post(&client, &format!("{base}/api/classes"), json!({})).await);

    // The teacher exports, then closes: the stream says so, and the class is gone.
    let csv = client.get(format!("{export}?teacher={teacher}")).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("measure,value\n"), "{csv}");
    assert!(csv.contains("\nlike,3\n") && csv.contains("\nreport,17\n") && csv.contains("\nstudents,2\n"), "{csv}");
    let closing = tokio::spawn({
        let base = base.clone();
        let code = code.clone();
        async move { stream_until(&base, &code, |name, _| name == "closed").await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let res = client.delete(format!("{base}/api/classes/{code}")).send().await.unwrap();
    assert_eq!(res.status(), 403);
    let res = client.delete(format!("{base}/api/classes/{code}")).bearer_auth(&teacher).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (_, last) = closing.await.unwrap();
    assert_eq!(last["closed"], true);
    assert_eq!(client.get(format!("{base}/api/classes/{code}/totals")).send().await.unwrap().status(), 404);
    // A class freed a place.
    create(&client, base).await;
}

#[tokio::test]
async fn pages_carry_security_headers_and_packages_their_sums() {
    // A build output of our own: two packages to publish.
    let out = std::env::temp_dir().join(format!("digitus-class-test-{}", std::process::id()));
    std::fs::create_dir_all(out.join("dist/chromium")).unwrap();
    std::fs::write(out.join("dist/digitus-chromium.zip"), b"PK\x03\x04 chromium package bytes").unwrap();
    std::fs::write(out.join("dist/digitus-firefox.zip"), vec![7u8; 70_000]).unwrap();
    std::fs::write(out.join("dist/chromium/manifest.json"), b"{}").unwrap();
    let server = start(&["--out", out.to_str().unwrap()]);
    let client = reqwest::Client::new();
    let base = &server.base;

    for path in ["/", "/board", "/lab.css", "/app.js", "/%", "/api/classes/ZZZZZZ/totals", "/download/SHA256SUMS"] {
        let res = client.get(format!("{base}{path}")).send().await.unwrap();
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{path}: {csp}");
    }
    let page = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(page.text().await.unwrap().contains("lab-captcha"));
    let vocabulary: Value = client.get(format!("{base}/api/vocabulary")).send().await.unwrap().json().await.unwrap();
    let kinds: Vec<&str> = digitus::model::Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(vocabulary["kinds"], json!(kinds));
    let head = client.head(format!("{base}/lab.css")).send().await.unwrap();
    assert_eq!(head.status(), 200);

    let sums = client.get(format!("{base}/download/SHA256SUMS")).send().await.unwrap().text().await.unwrap();
    let lines: Vec<&str> = sums.lines().collect();
    assert_eq!(lines.len(), 2, "{sums}");
    for line in lines {
        let (hex, name) = line.split_once("  ").unwrap();
        let bytes = client.get(format!("{base}/download/{name}")).send().await.unwrap().bytes().await.unwrap();
        let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, digest, "{name}");
        assert_eq!(bytes.as_ref(), std::fs::read(out.join("dist").join(name)).unwrap().as_slice());
    }
    // Only the packages themselves are published, nothing else under dist/.
    assert_eq!(client.get(format!("{base}/download/chromium/manifest.json")).send().await.unwrap().status(), 404);
    std::fs::remove_dir_all(&out).unwrap();
}
