//! Load benchmark (not a test): N students acting at human speed for S seconds against the real
//! `digitus-class` binary, with one or more boards on the live stream. Reports the server's CPU and
//! memory (from /proc) and the update latency to the board: from a student sending an act to the first
//! board update whose total includes it.
//!
//! `cargo bench -p digitus-class --bench board -- [--students 200] [--seconds 300] [--boards 1] [--gap-ms 4000]`
//! Each student waits a random 0.5×–1.5× `gap-ms` between acts (a like every 4 s is a brisk human pace).

use futures_util::StreamExt;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    students: usize,
    seconds: u64,
    boards: usize,
    gap_ms: u64,
}

fn args() -> Args {
    let mut a = Args { students: 200, seconds: 300, boards: 1, gap_ms: 4000 };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let value = argv.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (argv[i].as_str(), value) {
            ("--students", Some(v)) => a.students = v as usize,
            ("--seconds", Some(v)) => a.seconds = v,
            ("--boards", Some(v)) => a.boards = v as usize,
            ("--gap-ms", Some(v)) => a.gap_ms = v,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

/// CPU seconds (user + system) and resident memory (current, peak; KiB) of a process.
fn usage(pid: u32) -> (f64, u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    // USER_HZ is 100 on Linux.
    (ticks / 100.0, kib("VmRSS:"), kib("VmHWM:"))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// A tiny deterministic generator (no rand crate for a benchmark).
fn next(seed: &mut u64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed % 1_000_000) as f64 / 1_000_000.0
}

#[tokio::main]
async fn main() {
    let a = args();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_digitus-class"))
        .args(["--host", "127.0.0.1", "--port", "0", "--max-students", "10000", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .spawn()
        .expect("digitus-class starts");
    let pid = child.id();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().trim_end_matches('/').to_string();
    let client = reqwest::Client::builder().pool_max_idle_per_host(a.students + 8).build().unwrap();
    let created: Value = client.post(format!("{base}/api/classes")).send().await.unwrap().json().await.unwrap();
    let code = created["code"].as_str().unwrap().to_string();
    let (cpu0, rss0, _) = usage(pid);

    // Send times of every act, in the order the server acknowledged them (the order the total grows).
    let sent: Arc<Mutex<Vec<Instant>>> = Arc::new(Mutex::new(Vec::new()));
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(Mutex::new(0usize));
    let updates = Arc::new(Mutex::new(0u64));
    let mut boards = Vec::new();
    for b in 0..a.boards {
        let url = format!("{base}/api/classes/{code}/live");
        let (sent, latencies, seen, updates) = (sent.clone(), latencies.clone(), seen.clone(), updates.clone());
        boards.push(tokio::spawn(async move {
            let res = reqwest::get(url).await.unwrap();
            let mut stream = res.bytes_stream();
            let mut buffer = String::new();
            while let Some(Ok(chunk)) = stream.next().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) else { continue };
                    let Ok(t) = serde_json::from_str::<Value>(data.trim()) else { continue };
                    let events = t["events"].as_i64().unwrap_or(0).max(0) as usize;
                    let now = Instant::now();
                    if b == 0 {
                        *updates.lock().unwrap() += 1;
                        let sent = sent.lock().unwrap();
                        let mut seen = seen.lock().unwrap();
                        let upto = events.min(sent.len());
                        let mut lat = latencies.lock().unwrap();
                        for t0 in &sent[(*seen).min(upto)..upto] {
                            lat.push(now.duration_since(*t0).as_secs_f64() * 1000.0);
                        }
                        *seen = (*seen).max(upto);
                    }
                }
            }
        }));
    }

    let started = Instant::now();
    let deadline = started + Duration::from_secs(a.seconds);
    let acts = Arc::new(Mutex::new((0u64, 0u64))); // (accepted, refused)
    let mut students = Vec::new();
    for s in 0..a.students {
        let client = client.clone();
        let url = format!("{base}/api/classes/{code}");
        let (sent, acts) = (sent.clone(), acts.clone());
        let gap = a.gap_ms as f64;
        students.push(tokio::spawn(async move {
            let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (s as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D);
            // Students arrive over the first 20 s, as a class does.
            tokio::time::sleep(Duration::from_millis((next(&mut seed) * 20_000.0) as u64)).await;
            let joined: Value = client.post(format!("{url}/students")).send().await.unwrap().json().await.unwrap();
            let student = joined["student"].as_str().unwrap().to_string();
            let kinds = ["like", "like", "like", "rating", "tag", "report", "feedback", "captcha"];
            loop {
                tokio::time::sleep(Duration::from_millis((gap * (0.5 + next(&mut seed))) as u64)).await;
                if Instant::now() >= deadline {
                    break;
                }
                let kind = kinds[(next(&mut seed) * kinds.len() as f64) as usize % kinds.len()];
                let t0 = Instant::now();
                let res = client
                    .post(format!("{url}/labour"))
                    .json(&json!({ "student": student, "kind": kind, "n": 1, "seconds": 2.6 }))
                    .send()
                    .await;
                let ok = matches!(&res, Ok(r) if r.status().is_success());
                if ok {
                    sent.lock().unwrap().push(t0);
                }
                let mut acts = acts.lock().unwrap();
                if ok { acts.0 += 1 } else { acts.1 += 1 }
            }
        }));
    }
    let mut peak_rss = 0;
    let mut cpu_samples = Vec::new();
    let mut last = (cpu0, Instant::now());
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let (cpu, rss, _) = usage(pid);
        peak_rss = peak_rss.max(rss);
        let now = Instant::now();
        cpu_samples.push((cpu - last.0) / now.duration_since(last.1).as_secs_f64() * 100.0);
        last = (cpu, now);
    }
    for s in students {
        let _ = s.await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await; // the last updates reach the board
    let wall = started.elapsed().as_secs_f64();
    let (cpu1, rss1, hwm) = usage(pid);
    let totals: Value = client.get(format!("{base}/api/classes/{code}/totals")).send().await.unwrap().json().await.unwrap();
    let (accepted, refused) = *acts.lock().unwrap();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(|x, y| x.partial_cmp(y).unwrap());
    cpu_samples.sort_by(|x, y| x.partial_cmp(y).unwrap());
    let _ = child.kill();
    let _ = child.wait();
    for b in boards {
        b.abort();
    }

    println!("| students | boards | seconds | acts accepted (refused) | acts/s | board total = acts | board updates/s | server CPU, mean (max 5-s window) | server RSS start → end (peak) | latency to the board p50 / p95 / p99 / max |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {:.0} | {} ({}) | {:.1} | {} | {:.1} | {:.2} % of a core ({:.2} %) | {:.1} → {:.1} MiB ({:.1} MiB) | {:.0} / {:.0} / {:.0} / {:.0} ms |",
        a.students,
        a.boards,
        wall,
        accepted,
        refused,
        accepted as f64 / wall,
        totals["events"] == json!(accepted),
        *updates.lock().unwrap() as f64 / wall,
        (cpu1 - cpu0) / wall * 100.0,
        cpu_samples.last().copied().unwrap_or(0.0),
        rss0 as f64 / 1024.0,
        rss1 as f64 / 1024.0,
        hwm.max(peak_rss) as f64 / 1024.0,
        percentile(&lat, 0.5),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN),
    );
}
