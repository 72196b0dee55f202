//! Facts without JSON: a typed builder that runs the same checks, and gives the same
//! diagnostics, as a fact file.

use miette::Report;
use serde::de::DeserializeSeed;

use crate::checked::{FactNode, FactTree};
use crate::error::{Error, ErrorKind};
use crate::facts::{unknown_key_help, FactSeed, Facts, FactsError, Problems};
use crate::value::Date;
use crate::Policy;

/// Builds the [`Facts`] of a case fact by fact, checked as a fact file is: unknown facts
/// (with a "did you mean"), types, enum variants, dates, bounds and patterns. Facts not
/// set stay unknown. The policy's `impossible` rules are checked when the facts are
/// evaluated, as for a fact file.
///
/// ```
/// use asylon::{EvalOptions, Facts, Policy};
///
/// let policy = Policy::from_source("child.asylon", r#"
///     policy "Child" version "1"
///     enum Method { port, between_ports }
///     facts person { unaccompanied_child: bool "a child alone" }
///     facts entry {
///       date: date "day of entry"
///       method: Method "how the person came"
///     }
///     fact fear_stated: bool "said they fear return"
///     outcome protected when person.unaccompanied_child title en "Protected"
/// "#)?;
/// let facts = Facts::builder(&policy)
///     .set("person.unaccompanied_child", true)?
///     .set("entry.date", asylon::value::Date::constant(2024, 6, 3))?
///     .set("entry.method", "port")?
///     .unknown("fear_stated")
///     .build()?;
/// let decision = policy.evaluate(&facts, &EvalOptions::on("2024-06-17")?)?;
/// assert_eq!(decision.outcomes[0].id, "protected");
///
/// // The same diagnostics as JSON, as data.
/// let error = Facts::builder(&policy).set("entry.method", "by_boat").unwrap_err();
/// assert_eq!(error.records()[0].code, "asylon::facts::not_in_enum");
/// # Ok::<(), asylon::Error>(())
/// ```
#[derive(Debug)]
pub struct FactsBuilder<'p> {
    policy: &'p Policy,
    facts: Facts,
    /// Problems of [`FactsBuilder::unknown`], which cannot fail on the spot; reported
    /// by [`FactsBuilder::build`].
    later: Problems,
}

impl Facts {
    /// A builder of facts for `policy`, every fact unknown to begin with.
    pub fn builder(policy: &Policy) -> FactsBuilder<'_> {
        FactsBuilder {
            policy,
            facts: Facts::unknown(policy.checked().facts.len()),
            later: Problems::default(),
        }
    }
}

impl<'p> FactsBuilder<'p> {
    /// Sets the fact at the dotted `path` (`person.unaccompanied_child`). An error when
    /// the policy has no such fact or the value does not fit it; every problem of a
    /// list value is reported. A value of `None` leaves the fact unknown.
    pub fn set(mut self, path: &str, value: impl IntoFactValue) -> Result<Self, Error> {
        let id = self.find(path).map_err(|e| facts_error(vec![e]))?;
        let checked = self.policy.checked();
        let fact = checked.fact(id);
        let json = value.into_json();
        let mut problems = Problems::default();
        let seed = FactSeed {
            policy: checked,
            limits: self.policy.limits(),
            fact,
            ty: &fact.ty,
            path: std::borrow::Cow::Borrowed(&fact.name),
            problems: &mut problems,
            top: true,
        };
        // INVARIANT: a JSON value in memory always deserializes; the fact's own
        // problems are in `problems`.
        let read = seed.deserialize(&json).unwrap_or(None);
        problems.finish().map_err(facts_error)?;
        self.facts.set(id, read);
        Ok(self)
    }

    /// Says that the fact at `path` is not known (the default for facts not set; it
    /// also takes back a value set before). A path the policy does not have is
    /// reported by [`FactsBuilder::build`].
    pub fn unknown(mut self, path: &str) -> Self {
        match self.find(path) {
            Ok(id) => self.facts.set(id, None),
            Err(e) => self.later.add(e),
        }
        self
    }

    /// The facts; an error if [`FactsBuilder::unknown`] named a fact the policy does
    /// not have.
    pub fn build(self) -> Result<Facts, Error> {
        self.later.finish().map_err(facts_error)?;
        Ok(self.facts)
    }

    /// The fact at a dotted path, or the diagnostic a fact file would get for it.
    fn find(&self, path: &str) -> Result<crate::checked::FactId, FactsError> {
        let checked = self.policy.checked();
        let mut tree: &FactTree = &checked.fact_tree;
        let mut prefix = String::new();
        let mut segments = path.split('.').peekable();
        while let Some(segment) = segments.next() {
            let last = segments.peek().is_none();
            let unknown = |help: String| FactsError::UnknownFact {
                path: path.to_string(),
                span: None,
                help: Some(help),
            };
            match tree.get(segment) {
                Some(FactNode::Fact(id)) if last => return Ok(*id),
                Some(FactNode::Group(inner)) if !last => tree = inner,
                Some(FactNode::Group(inner)) => {
                    let members: Vec<String> = inner
                        .entries
                        .iter()
                        .take(4)
                        .map(|(k, _)| format!("`{path}.{k}`"))
                        .collect();
                    return Err(unknown(format!(
                        "`{path}` is a group of facts: set one of them, such as {}",
                        members.join(", ")
                    )));
                }
                Some(FactNode::Fact(_)) => {
                    return Err(unknown(format!(
                        "`{prefix}{segment}` is a fact, not a group of facts"
                    )))
                }
                None => {
                    let help = unknown_key_help(
                        tree,
                        prefix.trim_end_matches('.'),
                        segment,
                        &serde_json::Value::Null,
                    );
                    return Err(unknown(help));
                }
            }
            prefix.push_str(segment);
            prefix.push('.');
        }
        // `split` gives at least one segment, so the loop returns; an empty path is
        // an unknown fact all the same.
        Err(FactsError::UnknownFact {
            path: path.to_string(),
            span: None,
            help: None,
        })
    }
}

fn facts_error(problems: Vec<FactsError>) -> Error {
    Error::new(
        ErrorKind::Facts,
        problems.into_iter().map(Report::new).collect(),
    )
}

/// A value [`FactsBuilder::set`] takes: what a fact file would hold. `bool`, integers,
/// `f64`, text (an enum variant, a date `"YYYY-MM-DD"`, a duration `"60 days"`, a
/// string), [`Date`], lists of these, a `serde_json::Value`, and `Option` of any of
/// them (`None`: unknown).
pub trait IntoFactValue {
    /// The value as a fact file would write it.
    fn into_json(self) -> serde_json::Value;
}

macro_rules! into_fact_value_via_json {
    ($($t:ty),*) => {$(
        impl IntoFactValue for $t {
            fn into_json(self) -> serde_json::Value {
                serde_json::Value::from(self)
            }
        }
    )*};
}

into_fact_value_via_json!(
    bool, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f64, &str, String
);

impl IntoFactValue for &String {
    fn into_json(self) -> serde_json::Value {
        serde_json::Value::from(self.as_str())
    }
}

impl IntoFactValue for Date {
    fn into_json(self) -> serde_json::Value {
        // A civil date prints as `YYYY-MM-DD`, the form a fact file holds.
        serde_json::Value::from(self.to_string())
    }
}

impl IntoFactValue for serde_json::Value {
    fn into_json(self) -> serde_json::Value {
        self
    }
}

impl<T: IntoFactValue> IntoFactValue for Option<T> {
    fn into_json(self) -> serde_json::Value {
        self.map_or(serde_json::Value::Null, IntoFactValue::into_json)
    }
}

impl<T: IntoFactValue> IntoFactValue for Vec<T> {
    fn into_json(self) -> serde_json::Value {
        self.into_iter().map(IntoFactValue::into_json).collect()
    }
}

impl<T: IntoFactValue + Clone> IntoFactValue for &[T] {
    fn into_json(self) -> serde_json::Value {
        self.iter().cloned().map(IntoFactValue::into_json).collect()
    }
}

impl<T: IntoFactValue, const N: usize> IntoFactValue for [T; N] {
    fn into_json(self) -> serde_json::Value {
        self.into_iter().map(IntoFactValue::into_json).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    use crate::Location;

    fn policy() -> Policy {
        Policy::from_source(
            "t.asylon",
            r#"
            policy "T" version "1"
            enum Ground { race, religion, political_opinion }
            facts person {
              unaccompanied_child: bool "a child alone"
              age: int at least 0 at most 120 "age"
              grounds: list of Ground "grounds"
            }
            facts entry { date: date "day of entry" }
            fact fear_stated: bool "said they fear return"
            fact a_number: string matching "A[0-9]{8}" "alien number"
            impossible child_but_old
              when person.unaccompanied_child and person.age > 17
              message en "a child is under 18"
            outcome child when person.unaccompanied_child title en "A child"
            "#,
        )
        .unwrap()
    }

    fn code(e: &Error) -> (&str, Option<&Location>) {
        let r = &e.records()[0];
        (r.code.as_str(), r.location.as_ref())
    }

    #[test]
    fn values_of_every_kind_are_set() {
        let p = policy();
        let facts = Facts::builder(&p)
            .set("person.unaccompanied_child", true)
            .unwrap()
            .set("person.age", 16u8)
            .unwrap()
            .set("person.grounds", vec!["race", "religion"])
            .unwrap()
            .set("entry.date", Date::constant(2024, 6, 3))
            .unwrap()
            .set("a_number", String::from("A12345678"))
            .unwrap()
            .set("fear_stated", None::<bool>)
            .unwrap()
            .build()
            .unwrap();
        let c = p.checked();
        let get = |name: &str| facts.get(c.fact_named(name).unwrap()).cloned();
        assert_eq!(get("person.age"), Some(Value::Int(16)));
        assert_eq!(
            get("entry.date"),
            Some(Value::Date(Date::constant(2024, 6, 3)))
        );
        assert_eq!(get("fear_stated"), None);
        let json = p
            .facts_from_json(
                r#"{"person": {"unaccompanied_child": true, "age": 16,
                    "grounds": ["race", "religion"]}, "entry": {"date": "2024-06-03"},
                    "a_number": "A12345678"}"#,
            )
            .unwrap();
        assert_eq!(facts, json, "the builder and a fact file agree");
    }

    #[test]
    fn problems_get_the_diagnostics_of_a_fact_file() {
        let p = policy();
        let path = |s: &str| Location::Fact {
            path: s.into(),
            line: None,
            column: None,
        };
        let e = Facts::builder(&p)
            .set("person.unacompanied_child", true)
            .unwrap_err();
        assert_eq!(
            code(&e),
            (
                "asylon::facts::unknown_fact",
                Some(&path("person.unacompanied_child"))
            )
        );
        assert_eq!(
            e.records()[0].help.as_deref(),
            Some("did you mean `person.unaccompanied_child`?")
        );
        let e = Facts::builder(&p).set("person.age", "16").unwrap_err();
        assert_eq!(code(&e).0, "asylon::facts::wrong_type");
        let e = Facts::builder(&p).set("person.age", 121).unwrap_err();
        assert_eq!(code(&e).0, "asylon::facts::out_of_range");
        let e = Facts::builder(&p)
            .set("entry.date", "2024-02-30")
            .unwrap_err();
        assert_eq!(code(&e).0, "asylon::facts::wrong_type");
        let e = Facts::builder(&p).set("a_number", "B1").unwrap_err();
        assert_eq!(code(&e).0, "asylon::facts::out_of_range");
        let e = Facts::builder(&p)
            .set("person.grounds", ["race", "creed", "nation"])
            .unwrap_err();
        let paths: Vec<_> = e.records().iter().map(|r| r.location.clone()).collect();
        assert_eq!(
            paths,
            [
                Some(path("person.grounds[1]")),
                Some(path("person.grounds[2]"))
            ],
            "every wrong item"
        );
        let e = Facts::builder(&p).set("person", true).unwrap_err();
        assert!(e.records()[0]
            .help
            .as_deref()
            .unwrap()
            .contains("group of facts"));
        let e = Facts::builder(&p).set("fear_stated.x", true).unwrap_err();
        assert_eq!(code(&e).0, "asylon::facts::unknown_fact");
        let e = Facts::builder(&p)
            .unknown("fear_statd")
            .build()
            .unwrap_err();
        assert_eq!(
            code(&e),
            ("asylon::facts::unknown_fact", Some(&path("fear_statd")))
        );
    }

    #[test]
    fn contradictions_are_found_when_evaluating_as_for_a_fact_file() {
        let p = policy();
        let facts = Facts::builder(&p)
            .set("person.unaccompanied_child", true)
            .unwrap()
            .set("person.age", 40)
            .unwrap()
            .build()
            .unwrap();
        let options = crate::EvalOptions::on("2024-06-17").unwrap();
        let e = p.evaluate(&facts, &options).unwrap_err();
        assert_eq!(code(&e).0, "asylon::facts::impossible");
    }
}
