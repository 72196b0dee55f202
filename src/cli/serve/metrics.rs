//! `/metrics`: counters in the Prometheus text format — requests by route and status,
//! their latencies, decisions by outcome, reloads and errors. Counts only: no fact and
//! no case is ever kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::lock;
use super::state::{Loaded, Registry};
use std::time::Duration;

/// The upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

/// Every counter of the service.
#[derive(Default)]
pub struct Metrics {
    /// route → status → requests. Nested so that counting a request looks its route up
    /// by `&str`, allocating only the first time a route is seen.
    requests: Mutex<BTreeMap<String, BTreeMap<u16, u64>>>,
    /// Requests per latency bucket (the last one: slower than every bound).
    latency: [AtomicU64; BUCKETS.len() + 1],
    latency_micros: AtomicU64,
    latency_count: AtomicU64,
    decisions: AtomicU64,
    reloads: AtomicU64,
    failed_reloads: AtomicU64,
}

impl Metrics {
    /// Counts a request, by its route (the pattern, not the path).
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        {
            let mut requests = lock(&self.requests);
            let by_status = match requests.get_mut(route) {
                Some(by_status) => by_status,
                None => requests.entry(route.to_string()).or_default(),
            };
            *by_status.entry(status).or_default() += 1;
        }
        let secs = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|&b| secs <= b)
            .unwrap_or(BUCKETS.len());
        self.latency[bucket].fetch_add(1, Ordering::Relaxed);
        self.latency_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        self.latency_count.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a decision made by `loaded`, by the outcomes that hold (the policy's own
    /// counters: atomic adds, no lock).
    pub fn decision(&self, loaded: &Loaded, statuses: &[asylon::Status]) {
        self.decisions.fetch_add(1, Ordering::Relaxed);
        loaded.count(statuses);
    }

    /// Counts a reload, done or refused.
    pub fn reload(&self, ok: bool) {
        let counter = if ok {
            &self.reloads
        } else {
            &self.failed_reloads
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Everything, in the Prometheus text format (version 0.0.4); the outcomes of the
    /// policies in `registry`.
    pub fn render(&self, registry: &Registry) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP asylon_requests_total Requests answered, by route and status."
        );
        let _ = writeln!(out, "# TYPE asylon_requests_total counter");
        let mut errors = 0;
        for (route, by_status) in lock(&self.requests).iter() {
            for (status, n) in by_status {
                if *status >= 400 {
                    errors += n;
                }
                let _ = writeln!(
                    out,
                    "asylon_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP asylon_errors_total Requests answered with a 4xx or 5xx status."
        );
        let _ = writeln!(out, "# TYPE asylon_errors_total counter");
        let _ = writeln!(out, "asylon_errors_total {errors}");
        let _ = writeln!(
            out,
            "# HELP asylon_request_duration_seconds Time to answer a request."
        );
        let _ = writeln!(out, "# TYPE asylon_request_duration_seconds histogram");
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(&self.latency) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "asylon_request_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += self.latency[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "asylon_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let micros = self.latency_micros.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "asylon_request_duration_seconds_sum {}",
            micros as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "asylon_request_duration_seconds_count {}",
            self.latency_count.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP asylon_decisions_total Decisions made (evaluate)."
        );
        let _ = writeln!(out, "# TYPE asylon_decisions_total counter");
        let _ = writeln!(
            out,
            "asylon_decisions_total {}",
            self.decisions.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP asylon_outcomes_total Decisions in which an outcome holds, by policy and outcome.");
        let _ = writeln!(out, "# TYPE asylon_outcomes_total counter");
        for entry in registry.entries() {
            for (outcome, n) in entry.tally.counts() {
                let _ = writeln!(
                    out,
                    "asylon_outcomes_total{{policy=\"{}\",outcome=\"{}\"}} {n}",
                    escape(&entry.name),
                    escape(&outcome)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP asylon_reloads_total Policy reloads, by result."
        );
        let _ = writeln!(out, "# TYPE asylon_reloads_total counter");
        let _ = writeln!(
            out,
            "asylon_reloads_total{{result=\"ok\"}} {}",
            self.reloads.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "asylon_reloads_total{{result=\"failed\"}} {}",
            self.failed_reloads.load(Ordering::Relaxed)
        );
        out
    }
}

/// A label value with `\`, `"` and line ends escaped, as the format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_status_and_latency_bucket() {
        let m = Metrics::default();
        m.request(
            "/v1/policies/{name}/evaluate",
            200,
            Duration::from_micros(300),
        );
        m.request(
            "/v1/policies/{name}/evaluate",
            422,
            Duration::from_millis(3),
        );
        m.reload(false);
        let text = m.render(&Registry::default());
        assert!(text.contains(
            "asylon_requests_total{route=\"/v1/policies/{name}/evaluate\",status=\"200\"} 1"
        ));
        assert!(text.contains("asylon_errors_total 1"));
        assert!(text.contains("asylon_request_duration_seconds_bucket{le=\"0.0005\"} 1"));
        assert!(text.contains("asylon_request_duration_seconds_bucket{le=\"0.005\"} 2"));
        assert!(text.contains("asylon_request_duration_seconds_count 2"));
        assert!(text.contains("asylon_reloads_total{result=\"failed\"} 1"));
    }
}
