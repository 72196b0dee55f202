//! A load test of `asylon serve` on loopback, beside the HTTP floor: a minimal axum
//! handler, on the same runtime settings, that answers a fixed decision without
//! evaluating. Bounded: a fixed number of connections, each case posted once.
//!
//! ```sh
//! ASYLON_LOAD_CASES=/tmp/peers/cases-100000.jsonl cargo bench --bench serve_load
//! ```
//!
//! The cases are a JSON Lines file of fact objects (the peers' `gen` writes one); without
//! one, the examples are posted over and over. Every answer is checked: a 200, and the
//! same bytes as `asylon batch` gives for the case (compared by hash, so that memory does
//! not hold 100 000 decisions). On Linux it also prints each server's CPU time per
//! request (from `/proc`): the service's beside the floor's is what answering costs
//! beyond HTTP, to compare with the library's price of a decision (`batch/full`).
//!
//! `ASYLON_LOAD_ROUNDS=N` runs the floor and the service N times each, alternately, and
//! prints each round's share and their median. The client's own CPU per request is
//! printed too: it shares the cores with the server.
//!
//! With `ASYLON_LOAD_FLOOR_ONLY=127.0.0.1:8081` it only serves the floor, for another load
//! generator: `benches/wrk-cases.lua` has `wrk` post the same cases to either server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 64;
const POLICY: &str = "policies/us-mexico-border";
const AS_OF: &str = "2024-06-17";

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    std::env::set_current_dir(root).expect("the package root");
    if let Ok(listen) = std::env::var("ASYLON_LOAD_FLOOR_ONLY") {
        // The floor alone, for another load generator (`benches/wrk-cases.lua`).
        let fixed = std::fs::read_to_string("target/serve-load-fixed.json")
            .expect("a fixed decision: run the bench once first");
        println!(
            "the floor: http://{}/fixed",
            floor(fixed.trim_end().to_string(), &listen)
        );
        loop {
            std::thread::park();
        }
    }
    let cases = cases();
    println!("{} cases, {CONNECTIONS} connections", cases.len());
    let expected = expected(&cases);
    let rounds: usize = std::env::var("ASYLON_LOAD_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .max(1);

    // The floor: the same HTTP stack answering a fixed decision.
    let fixed = std::fs::read_to_string("target/serve-load-fixed.json").unwrap_or_default();
    let floor = floor(fixed.trim_end().to_string(), "127.0.0.1:0");

    let mut server = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(["serve", POLICY, "--listen", "127.0.0.1:0", "--quiet"])
        .args(["--max-concurrent", "1024"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("asylon serve starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("the address");
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap_or("")
        .to_string();

    // Rounds alternate the two, so that a machine whose speed drifts (a shared virtual
    // machine's does, by a tenth within minutes) weighs on both alike.
    let mut shares = Vec::new();
    for round in 1..=rounds {
        if rounds > 1 {
            println!("round {round} of {rounds}");
        }
        let (before, own) = (floor_cpu(), process_cpu(std::process::id()));
        let (floor_stats, _) = run(&floor, "/fixed", &cases, None);
        report("floor (fixed decision, no evaluation)", &floor_stats);
        let server_cpu = floor_cpu().zip(before).map(|(a, b)| a - b);
        let all = process_cpu(std::process::id()).zip(own).map(|(a, b)| a - b);
        cpu_per_request("floor's server threads", server_cpu, floor_stats.count);
        let client = all.zip(server_cpu).map(|(a, s)| a - s);
        cpu_per_request("the client's threads", client, floor_stats.count);

        let (before, own) = (process_cpu(server.id()), process_cpu(std::process::id()));
        let (stats, wrong) = run(
            &addr,
            "/v1/policies/us-mexico-border/evaluate",
            &cases,
            Some(&expected),
        );
        let serve_cpu = process_cpu(server.id()).zip(before).map(|(a, b)| a - b);
        let client = process_cpu(std::process::id()).zip(own).map(|(a, b)| a - b);
        report("asylon serve (evaluate)", &stats);
        cpu_per_request("asylon serve's process", serve_cpu, stats.count);
        cpu_per_request("the client's threads", client, stats.count);
        let share = 100.0 * stats.rate / floor_stats.rate;
        println!(
            "throughput: {share:.0} % of the floor; answers different from asylon batch: {wrong}"
        );
        shares.push(share);
    }
    let _ = server.kill();
    let _ = server.wait();
    if rounds > 1 {
        shares.sort_by(f64::total_cmp);
        let listed: Vec<String> = shares.iter().map(|s| format!("{s:.0} %")).collect();
        println!(
            "shares of the floor, lowest first: {}; median {:.0} %",
            listed.join(", "),
            shares[shares.len() / 2]
        );
    }
}

/// The cases: `ASYLON_LOAD_CASES`, or the examples repeated to 20 000.
fn cases() -> Vec<String> {
    if let Ok(path) = std::env::var("ASYLON_LOAD_CASES") {
        let text = std::fs::read_to_string(&path).expect("the cases file reads");
        return text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(String::from)
            .collect();
    }
    let mut examples = Vec::new();
    for entry in std::fs::read_dir("examples").expect("examples").flatten() {
        if entry.path().extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(entry.path()).expect("an example reads");
            let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            examples.push(v.to_string());
        }
    }
    examples.iter().cycle().take(20_000).cloned().collect()
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// The hash of what `asylon batch` gives for each case; also keeps the first decision as
/// the floor's fixed answer.
fn expected(cases: &[String]) -> Vec<u64> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(["batch", POLICY, "-", "--as-of", AS_OF])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("asylon batch starts");
    let mut input = child.stdin.take().expect("piped");
    let text = cases.join("\n");
    let feeder = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let out = BufReader::new(child.stdout.take().expect("piped"));
    let mut hashes = Vec::with_capacity(cases.len());
    for line in out.lines() {
        let line = line.expect("a result line");
        // `{"line":N,"id":null,"result":DECISION}`
        let start = line.find("\"result\":").expect("a result") + 9;
        let decision = &line[start..line.len() - 1];
        if hashes.is_empty() {
            let _ = std::fs::write("target/serve-load-fixed.json", decision);
        }
        hashes.push(fnv(decision.as_bytes()));
    }
    let _ = feeder.join();
    let _ = child.wait();
    assert_eq!(hashes.len(), cases.len(), "batch answered every case");
    hashes
}

/// Starts the floor server on its own runtime, listening on `listen`; its address.
fn floor(fixed: String, listen: &str) -> String {
    let listen = listen.to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let fixed: Arc<str> = fixed.into();
            let app = axum::Router::new().route(
                "/fixed",
                axum::routing::post(move |body: axum::body::Bytes| {
                    let fixed = Arc::clone(&fixed);
                    async move {
                        drop(body);
                        (
                            [(axum::http::header::CONTENT_TYPE, "application/json")],
                            fixed.to_string(),
                        )
                    }
                }),
            );
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .expect("a port");
            let _ = tx.send(listener.local_addr().expect("an address").to_string());
            let _ = axum::serve(listener, app).await;
        });
    });
    rx.recv().expect("the floor starts")
}

struct Stats {
    count: usize,
    errors: usize,
    secs: f64,
    rate: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

/// Posts every case once over `CONNECTIONS` keep-alive connections.
fn run(addr: &str, path: &str, cases: &[String], expected: Option<&[u64]>) -> (Stats, usize) {
    let next = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let wrong = AtomicUsize::new(0);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CONNECTIONS)
            .map(|_| {
                scope.spawn(|| {
                    let mut stream = TcpStream::connect(addr).expect("connects");
                    stream.set_nodelay(true).expect("nodelay");
                    let mut reader = BufReader::new(stream.try_clone().expect("a clone"));
                    let mut took = Vec::new();
                    let mut body = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(case) = cases.get(i) else { break };
                        let payload = format!("{{\"facts\":{case},\"as_of\":\"{AS_OF}\"}}");
                        // Head and body in one write, as HTTP clients send a small request:
                        // two writes on a no-delay socket are two segments, and the server
                        // woke once for the head and again for the body.
                        let request = format!(
                            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
                            payload.len()
                        );
                        let t = Instant::now();
                        stream.write_all(request.as_bytes()).expect("sent");
                        let (status, len) = read_head(&mut reader);
                        body.resize(len, 0);
                        reader.read_exact(&mut body).expect("the body");
                        took.push(t.elapsed());
                        if status != 200 {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                        // Hashed on the floor too, so that both runs do the same client work.
                        let hash = fnv(&body);
                        if expected.is_some_and(|e| e[i] != hash) {
                            wrong.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    took
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a client finishes"))
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let stats = Stats {
        count: latencies.len(),
        errors: errors.into_inner(),
        secs,
        rate: latencies.len() as f64 / secs,
        p50: at(0.50),
        p99: at(0.99),
        max: latencies[latencies.len() - 1],
    };
    (stats, wrong.into_inner())
}

/// Reads a response head: the status and the body's length.
fn read_head(reader: &mut impl BufRead) -> (u16, usize) {
    let mut line = String::new();
    let mut status = 0;
    let mut len = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).expect("a head line");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
            status = rest[..3].parse().unwrap_or(0);
        } else if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
    }
    (status, len)
}

/// Clock ticks per second of `/proc`'s CPU times (`getconf CLK_TCK`: 100 on Linux).
const TICKS: f64 = 100.0;

/// User and system CPU seconds of the threads of `/proc/{task}`'s `stat` files.
fn cpu_of(stats: impl Iterator<Item = String>) -> f64 {
    let ticks: u64 = stats
        .filter_map(|stat| {
            // After the command's `(name)`: state is field 3, utime 14 and stime 15.
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .sum();
    ticks as f64 / TICKS
}

/// CPU seconds used so far by process `pid` (Linux; `None` elsewhere).
fn process_cpu(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(cpu_of(std::iter::once(stat)))
}

/// CPU seconds used so far by this process's runtime workers: the floor's server (the
/// client's threads are not tokio's).
fn floor_cpu() -> Option<f64> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let stats = tasks.flatten().filter_map(|t| {
        let comm = std::fs::read_to_string(t.path().join("comm")).ok()?;
        (comm.trim() == "tokio-rt-worker")
            .then(|| std::fs::read_to_string(t.path().join("stat")).ok())
            .flatten()
    });
    Some(cpu_of(stats))
}

/// The server's CPU time per request: what it costs beside the client on the same cores.
fn cpu_per_request(what: &str, secs: Option<f64>, requests: usize) {
    if let Some(secs) = secs {
        println!(
            "  {what}: {secs:.2} s of CPU, {:.1} µs per request",
            secs * 1e6 / requests.max(1) as f64
        );
    }
}

fn report(what: &str, s: &Stats) {
    println!(
        "{what}: {} requests, {} errors, {:.2} s, {:.0} req/s, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        s.count,
        s.errors,
        s.secs,
        s.rate,
        s.p50.as_secs_f64() * 1e3,
        s.p99.as_secs_f64() * 1e3,
        s.max.as_secs_f64() * 1e3
    );
}
