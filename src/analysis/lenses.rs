//! Code lenses: "Run test" over each test, "Run all tests" over the first of a file
//! (their results come back as problems at the tests and expectations), and "Evaluate"
//! over each outcome: holds, does not hold or unknown for the policy's first test's
//! facts or for a fact file the author picks, with the facts it is missing.

use super::diagnostics::{Problem, ProblemSeverity};
use super::index::SymbolKind;
use super::Analysis;
use crate::checked::{CheckedPolicy, RuleId, RuleKind};
use crate::eval::Evaluator;
use crate::facts::Facts;
use crate::source::{FileId, Span};
use crate::syntax::ast::Decl;
use crate::value::Date;

/// What a lens does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LensKind {
    /// Runs one test, by name.
    RunTest(String),
    /// Runs every test of the policy.
    RunAllTests,
    /// Evaluates an outcome, by id.
    Evaluate(String),
}

/// A lens over a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lens {
    /// The declaration's name.
    pub span: Span,
    /// What it does.
    pub kind: LensKind,
}

/// The facts an "Evaluate" lens evaluates against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactsInput<'a> {
    /// The facts and date of the policy's first test.
    FirstTest,
    /// A fact file's JSON text, evaluated on `as_of`.
    Json {
        /// The file's name, for messages.
        name: &'a str,
        /// Its text.
        text: &'a str,
        /// The evaluation date.
        as_of: Date,
    },
}

/// Three-valued: what an outcome is for some facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalStatus {
    /// It holds.
    Holds,
    /// It does not hold.
    DoesNotHold,
    /// The facts given do not decide it.
    Unknown,
}

impl EvalStatus {
    /// In words.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalStatus::Holds => "holds",
            EvalStatus::DoesNotHold => "does not hold",
            EvalStatus::Unknown => "unknown",
        }
    }
}

/// What an outcome is for some facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The outcome's id.
    pub outcome: String,
    /// Its status.
    pub status: EvalStatus,
    /// The facts that would decide it, when unknown.
    pub missing: Vec<String>,
    /// What it was evaluated against, in words (`test "…" as of 2024-06-17`).
    pub against: String,
}

impl Evaluation {
    /// One line for people: `asylum_ban_applies: unknown, missing a, b (against …)`.
    pub fn summary(&self) -> String {
        let missing = if self.missing.is_empty() {
            String::new()
        } else {
            format!(", missing {}", self.missing.join(", "))
        };
        format!(
            "{}: {}{missing} ({})",
            self.outcome,
            self.status.as_str(),
            self.against
        )
    }
}

impl Analysis {
    /// The lenses of a file.
    pub fn lenses(&self, file: FileId) -> Vec<Lens> {
        let Some(tree) = self.tree(file) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut first_test = true;
        for decl in &tree.decls {
            match decl {
                Decl::Test(t) => {
                    if first_test {
                        out.push(Lens {
                            span: t.name.span,
                            kind: LensKind::RunAllTests,
                        });
                        first_test = false;
                    }
                    out.push(Lens {
                        span: t.name.span,
                        kind: LensKind::RunTest(t.name.text.clone()),
                    });
                }
                Decl::Outcome(o) => {
                    let first = self
                        .index()
                        .value(&o.name.text)
                        .map(|id| self.index().symbol(id))
                        .filter(|s| s.kind == SymbolKind::Outcome)
                        .is_some_and(|s| {
                            s.decls[0].start == o.name.span.start && s.decls[0].file == file
                        });
                    if first {
                        out.push(Lens {
                            span: o.name.span,
                            kind: LensKind::Evaluate(o.name.text.clone()),
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Runs the policy's tests (one, by name, or all) and gives each result as a
    /// problem: an error at each expectation not met, and an information at each test
    /// that passed. `Err` when the policy does not check.
    pub fn run_tests(&self, only: Option<&str>) -> Result<Vec<Problem>, String> {
        let policy = self
            .checked()
            .ok_or("the policy has errors: mend them to run its tests")?;
        let report = crate::testing::run(policy, false, None);
        let mut out = Vec::new();
        for (test, result) in policy.tests.iter().zip(&report.tests) {
            if only.is_some_and(|name| name != test.name) {
                continue;
            }
            let name_span = self.test_name_span(test.span).unwrap_or(test.span);
            let problem = |span, severity, message: String| Problem {
                span,
                severity,
                code: "asylon::test".into(),
                message,
                help: None,
                related: Vec::new(),
            };
            if result.ok {
                out.push(problem(
                    name_span,
                    ProblemSeverity::Info,
                    format!("test passed: {}", test.name),
                ));
                continue;
            }
            if let Some(error) = &result.error {
                out.push(problem(
                    name_span,
                    ProblemSeverity::Error,
                    format!("test failed: {error}"),
                ));
            }
            for m in &result.failures {
                let span = test
                    .expects
                    .iter()
                    .find(|e| {
                        e.name == m.subject && crate::testing::location(policy, e.span).1 == m.line
                    })
                    .map_or(name_span, |e| e.span);
                let missing = if m.actual_missing.is_empty() {
                    String::new()
                } else {
                    format!(", missing {}", m.actual_missing.join(", "))
                };
                out.push(problem(
                    span,
                    ProblemSeverity::Error,
                    format!(
                        "test failed: `{}` was expected to be {} but is {}{missing}",
                        m.subject, m.expected, m.actual
                    ),
                ));
            }
        }
        Ok(out)
    }

    fn test_name_span(&self, test: Span) -> Option<Span> {
        self.tree(test.file)?.decls.iter().find_map(|d| match d {
            Decl::Test(t) if t.span.start == test.start => Some(t.name.span),
            _ => None,
        })
    }

    /// Evaluates an outcome against some facts.
    pub fn evaluate(&self, outcome: &str, input: FactsInput<'_>) -> Result<Evaluation, String> {
        let policy = self
            .checked()
            .ok_or("the policy has errors: mend them to evaluate it")?;
        let rule = outcome_id(policy, outcome)
            .ok_or_else(|| format!("`{outcome}` is not an outcome of this policy"))?;
        let (facts, as_of, against) = match input {
            FactsInput::FirstTest => {
                let test = policy
                    .tests
                    .first()
                    .ok_or("the policy has no test to take facts from: pick a fact file")?;
                let mut facts = Facts::unknown(policy.facts.len());
                for (f, v) in &test.facts {
                    facts.set(*f, Some(v.clone()));
                }
                (
                    facts,
                    test.as_of,
                    format!("the facts of test \"{}\", as of {}", test.name, test.as_of),
                )
            }
            FactsInput::Json { name, text, as_of } => {
                let facts = Facts::from_json_str(policy, text, &crate::Limits::default()).map_err(
                    |errors| {
                        let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
                        format!("{name}: {first}")
                    },
                )?;
                (facts, as_of, format!("{name}, as of {as_of}"))
            }
        };
        let mut ev = Evaluator::new(policy, &facts, as_of);
        for rule in &policy.impossibles {
            if ev.eval_bool(&rule.when) == Some(true) {
                return Err(format!("the facts are impossible (`{}`)", rule.name));
            }
        }
        let status = match ev.rule(rule).and_then(|v| v.as_bool()) {
            Some(true) => EvalStatus::Holds,
            Some(false) => EvalStatus::DoesNotHold,
            None => EvalStatus::Unknown,
        };
        let missing = if status == EvalStatus::Unknown {
            ev.missing_for_rule(rule)
                .sorted()
                .into_iter()
                .map(|f| policy.fact(f).name.clone())
                .collect()
        } else {
            Vec::new()
        };
        if let Some(e) = ev.failure.take() {
            return Err(e.to_string());
        }
        Ok(Evaluation {
            outcome: outcome.to_string(),
            status,
            missing,
            against,
        })
    }
}

fn outcome_id(policy: &CheckedPolicy, name: &str) -> Option<RuleId> {
    policy
        .rules
        .iter()
        .position(|r| r.kind == RuleKind::Outcome && r.name == name)
        .map(|i| RuleId(i as u32))
}
