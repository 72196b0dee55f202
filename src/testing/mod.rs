//! Running the tests written in a policy, and measuring what they cover.
//!
//! Each test is evaluated like a case; coverage is read afterwards from the same
//! evaluation (every rule's and exception's value), so the ordinary evaluation path
//! carries no bookkeeping for it.

pub mod coverage;

use serde::Serialize;

use crate::checked::{CheckedPolicy, FactId, Ref, Subject, TestInfo};
use crate::eval::Evaluator;
use crate::facts::Facts;
use crate::message::render;
use crate::source::Span;
use crate::syntax::ast::Expected;

pub use coverage::{Coverage, CoverageItem};

/// The result of every test of a policy.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// How many tests passed.
    pub passed: usize,
    /// How many tests failed.
    pub failed: usize,
    /// Each test, in declaration order.
    pub tests: Vec<TestResult>,
    /// How many tests a `--filter` left out, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filtered_out: Option<usize>,
    /// What the tests cover, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

/// The result of one test.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// Whether every expectation was met.
    pub ok: bool,
    /// The file the test is in.
    pub file: String,
    /// The line it starts on (from 1).
    pub line: usize,
    /// The expectations that were not met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Mismatch>,
    /// Why the test could not be evaluated (impossible facts, arithmetic), if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An expectation that was not met: expected and actual side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    /// The outcome, definition or exception expected.
    pub subject: String,
    /// The line of the `expect` (from 1).
    pub line: usize,
    /// The status expected.
    pub expected: &'static str,
    /// The status found.
    pub actual: &'static str,
    /// The missing facts expected, when the test lists them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_missing: Option<Vec<String>>,
    /// The missing facts found.
    pub actual_missing: Vec<String>,
}

/// Runs the tests of a policy; with `with_coverage`, also measures what they cover.
#[doc(hidden)] // The inside: `Policy::run_tests` is the way in.
/// With `filter`, only the tests whose name contains it.
pub fn run(policy: &CheckedPolicy, with_coverage: bool, filter: Option<&str>) -> TestReport {
    let mut cov = with_coverage.then(|| coverage::Tracker::new(policy));
    let tests: Vec<TestResult> = policy
        .tests
        .iter()
        .filter(|t| filter.is_none_or(|f| t.name.contains(f)))
        .map(|t| run_one(policy, t, cov.as_mut()))
        .collect();
    let passed = tests.iter().filter(|t| t.ok).count();
    TestReport {
        passed,
        failed: tests.len() - passed,
        filtered_out: filter.map(|_| policy.tests.len() - tests.len()),
        tests,
        coverage: cov.map(|c| c.finish()),
    }
}

fn run_one(
    policy: &CheckedPolicy,
    test: &TestInfo,
    cov: Option<&mut coverage::Tracker>,
) -> TestResult {
    let (file, line) = location(policy, test.span);
    let mut result = TestResult {
        name: test.name.clone(),
        ok: false,
        file,
        line,
        failures: Vec::new(),
        error: None,
    };
    if let Some(path) = &test.unread {
        result.error = Some(format!(
            "cannot read the fact file `{path}` (`given file` is relative to the policy file the test is in)"
        ));
        return result;
    }
    let mut facts = Facts::unknown(policy.facts.len());
    for (f, v) in &test.facts {
        facts.set(*f, Some(v.clone()));
    }
    let mut ev = Evaluator::new(policy, &facts, test.as_of);
    let expected_impossible = |i: usize| {
        test.expects
            .iter()
            .any(|e| e.subject == Subject::Impossible(i))
    };
    for (i, rule) in policy.impossibles.iter().enumerate() {
        // A consistency rule the test expects to refuse the facts is checked below.
        if !expected_impossible(i) && ev.eval_bool(&rule.when) == Some(true) {
            let message = render(policy, &rule.message, "en", |r| match r {
                Ref::Fact(f) => facts.get(*f).cloned(),
                Ref::Rule(_) => None,
            });
            result.error = Some(format!(
                "the given facts are impossible ({}): {message}",
                rule.name
            ));
            return result;
        }
    }
    for expect in &test.expects {
        if let Subject::Impossible(i) = expect.subject {
            // INVARIANT: the checker resolved the name to an index into `impossibles`.
            let rule = &policy.impossibles[i];
            let actual = match ev.eval_bool(&rule.when) {
                Some(true) => continue,
                Some(false) => "possible",
                None => "undetermined",
            };
            result.failures.push(Mismatch {
                subject: format!("impossible {}", expect.name),
                line: location(policy, expect.span).1,
                expected: Expected::Impossible.as_str(),
                actual,
                expected_missing: None,
                actual_missing: Vec::new(),
            });
            continue;
        }
        let (actual, missing) = match expect.subject {
            Subject::Rule(r) => {
                let v = ev.rule(r).and_then(|v| v.as_bool());
                (v, ev.missing_for_rule(r).sorted())
            }
            Subject::Exception(x) => {
                let v = ev.applies(x);
                (v, ev.missing_for_exception(x).sorted())
            }
            Subject::Impossible(_) => continue, // checked above
        };
        let actual = match actual {
            Some(true) => Expected::Holds,
            Some(false) => Expected::DoesNotHold,
            None => Expected::Undetermined,
        };
        let names = |ids: &[FactId]| -> Vec<String> {
            ids.iter().map(|f| policy.fact(*f).name.clone()).collect()
        };
        let missing_ok = expect.missing.as_ref().is_none_or(|want| {
            let mut want = want.clone();
            want.sort_unstable();
            want.dedup();
            want == missing
        });
        if actual != expect.status || !missing_ok {
            result.failures.push(Mismatch {
                subject: expect.name.clone(),
                line: location(policy, expect.span).1,
                expected: expect.status.as_str(),
                actual: actual.as_str(),
                expected_missing: expect.missing.as_ref().map(|m| {
                    let mut m = m.clone();
                    m.sort_unstable();
                    m.dedup();
                    names(&m)
                }),
                actual_missing: names(&missing),
            });
        }
    }
    if let Some(cov) = cov {
        cov.record(&mut ev);
    }
    if let Some(e) = ev.failure.take() {
        result.error = Some(e.to_string());
        return result;
    }
    result.ok = result.failures.is_empty();
    result
}

/// The file name and line (from 1) where a span starts.
pub(crate) fn location(policy: &CheckedPolicy, span: Span) -> (String, usize) {
    let f = policy.sources.file(span.file);
    let start = (span.start as usize).min(f.text.len());
    let line = f.text.as_bytes()[..start]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1;
    (f.name.clone(), line)
}
