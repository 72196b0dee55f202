//! Properties of the three-valued evaluation, on generated policies and fact sets:
//!
//! - *monotonicity*: an outcome that holds (or does not hold) with some facts unknown keeps
//!   that verdict however the unknown facts are filled in;
//! - *missing is sound*: filling in facts that no undetermined outcome lists as missing
//!   changes no verdict;
//! - decisions survive a JSON round trip, and their hand-written JSON is serde's;
//! - formatting is idempotent and a formatted policy decides every case the same way.
//!
//! Generated policies use `bool`, enum and `int` facts, definitions, `if`, inline and
//! named exceptions and exceptions to exceptions, but not `is known`, which asks about
//! knowledge itself and is not monotone by design.

use asylon::{Decision, EvalOptions, Policy, Status};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const BOOLS: usize = 4;

/// A random condition over the facts and the definitions declared before it.
fn condition(defs: usize) -> impl Strategy<Value = String> {
    let mut leaves: Vec<BoxedStrategy<String>> = vec![
        (0..BOOLS).prop_map(|i| format!("f{i}")).boxed(),
        prop_oneof![Just("a"), Just("b"), Just("c")]
            .prop_map(|v| format!("e is {v}"))
            .boxed(),
        Just("e in [a, b]".to_string()).boxed(),
        (0i64..10).prop_map(|k| format!("n >= {k}")).boxed(),
        (0i64..10).prop_map(|k| format!("n < {k}")).boxed(),
        prop_oneof![Just("true"), Just("false")]
            .prop_map(String::from)
            .boxed(),
    ];
    if defs > 0 {
        leaves.push((0..defs).prop_map(|j| format!("d{j}")).boxed());
    }
    let leaf = proptest::strategy::Union::new(leaves);
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(c, a, b)| format!("(if {c} then {a} else {b})")),
        ]
    })
}

/// A random policy: three definitions, four outcomes, and exceptions.
fn policy() -> impl Strategy<Value = String> {
    (
        condition(0),
        condition(1),
        condition(2),
        proptest::collection::vec((condition(3), proptest::option::of(condition(3))), 4),
        proptest::collection::vec((0usize..4, condition(3), condition(0), any::<bool>()), 0..4),
        proptest::option::of(condition(0)),
    )
        .prop_map(|(d0, d1, d2, outcomes, exceptions, nested)| {
            let mut p = String::from("policy \"generated\"\nenum E { a, b, c }\n");
            for i in 0..BOOLS {
                p.push_str(&format!("fact f{i}: bool \"f{i}\"\n"));
            }
            p.push_str("fact e: E \"e\"\nfact n: int \"n\"\n");
            p.push_str(&format!(
                "define d0 = {d0}\ndefine d1 = {d1}\ndefine d2 = {d2}\n"
            ));
            for (i, (o, unless)) in outcomes.iter().enumerate() {
                let unless = unless
                    .as_ref()
                    .map(|u| format!(" unless {u}"))
                    .unwrap_or_default();
                p.push_str(&format!(
                    "outcome o{i} when {o}{unless} title en \"o{i}\"\n"
                ));
            }
            for (k, (target, when, plain, to_outcome)) in exceptions.iter().enumerate() {
                if *to_outcome {
                    p.push_str(&format!("exception x{k} to o{target} when {when}\n"));
                } else {
                    // An exception to a definition may not read definitions, or it could
                    // make the definition depend on itself.
                    p.push_str(&format!("exception x{k} to d{} when {plain}\n", target % 3));
                }
            }
            if let (Some(nested), false) = (nested, exceptions.is_empty()) {
                p.push_str(&format!("exception y to x0 when {nested}\n"));
            }
            p
        })
}

/// A random fact set: each fact known or not.
fn facts() -> impl Strategy<Value = Vec<Option<serde_json::Value>>> {
    let bool_fact = proptest::option::of(any::<bool>().prop_map(serde_json::Value::from));
    let enum_fact = proptest::option::of(
        prop_oneof![Just("a"), Just("b"), Just("c")].prop_map(serde_json::Value::from),
    );
    let int_fact = proptest::option::of((-2i64..12).prop_map(serde_json::Value::from));
    (
        proptest::collection::vec(bool_fact, BOOLS),
        enum_fact,
        int_fact,
    )
        .prop_map(|(mut bools, e, n)| {
            bools.push(e);
            bools.push(n);
            bools
        })
}

fn names() -> Vec<String> {
    let mut names: Vec<String> = (0..BOOLS).map(|i| format!("f{i}")).collect();
    names.push("e".into());
    names.push("n".into());
    names
}

fn to_json(values: &[Option<serde_json::Value>]) -> String {
    let mut object = serde_json::Map::new();
    for (name, v) in names().into_iter().zip(values) {
        if let Some(v) = v {
            object.insert(name, v.clone());
        }
    }
    serde_json::Value::Object(object).to_string()
}

fn decide(
    policy: &Policy,
    values: &[Option<serde_json::Value>],
) -> Result<Decision, TestCaseError> {
    let options = EvalOptions::on("2024-06-17").map_err(|e| TestCaseError::fail(e.to_string()))?;
    policy
        .evaluate_json("generated.json", &to_json(values), &options)
        .map_err(|e| TestCaseError::fail(format!("{e:?}")))
}

fn verdicts(d: &Decision) -> Vec<(asylon::Text, Status)> {
    let mut all: Vec<(asylon::Text, Status)> = d
        .outcomes
        .iter()
        .map(|o| (o.id.clone(), Status::Holds))
        .chain(
            d.undetermined
                .iter()
                .map(|o| (o.id.clone(), Status::Undetermined)),
        )
        .chain(
            d.does_not_hold
                .iter()
                .map(|o| (o.id.clone(), Status::DoesNotHold)),
        )
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

/// `partial` with its unknown facts filled from `full`, where `fill` says so.
fn refine(
    partial: &[Option<serde_json::Value>],
    full: &[serde_json::Value],
    fill: impl Fn(usize) -> bool,
) -> Vec<Option<serde_json::Value>> {
    partial
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Some(v) => Some(v.clone()),
            None if fill(i) => Some(full[i].clone()),
            None => None,
        })
        .collect()
}

fn completion() -> impl Strategy<Value = Vec<serde_json::Value>> {
    (
        proptest::collection::vec(any::<bool>().prop_map(serde_json::Value::from), BOOLS),
        prop_oneof![Just("a"), Just("b"), Just("c")].prop_map(serde_json::Value::from),
        (-2i64..12).prop_map(serde_json::Value::from),
    )
        .prop_map(|(mut v, e, n)| {
            v.push(e);
            v.push(n);
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn verdicts_are_monotone_in_what_is_known(source in policy(), partial in facts(), full in completion()) {
        // A generated policy may have a conflict that `check` finds; that is a refusal, not
        // a property failure.
        let Ok(policy) = Policy::from_source("generated.asylon", &source) else { return Ok(()) };
        let before = decide(&policy, &partial)?;
        let after = decide(&policy, &refine(&partial, &full, |_| true))?;
        for ((id, was), (_, now)) in verdicts(&before).into_iter().zip(verdicts(&after)) {
            if was != Status::Undetermined {
                prop_assert_eq!(was, now, "{} changed once facts were filled in\n{}", id, source);
            }
        }
    }

    #[test]
    fn facts_not_listed_as_missing_change_nothing(source in policy(), partial in facts(), full in completion()) {
        let Ok(policy) = Policy::from_source("generated.asylon", &source) else { return Ok(()) };
        let before = decide(&policy, &partial)?;
        let names = names();
        let listed = |i: usize| before.missing.iter().any(|m| *m == names[i]);
        let after = decide(&policy, &refine(&partial, &full, |i| !listed(i)))?;
        prop_assert_eq!(verdicts(&before), verdicts(&after), "filling unlisted facts changed a verdict\n{}", source);
        // And every listed fact is needed by an undetermined outcome.
        for m in &before.missing {
            prop_assert!(before.undetermined.iter().any(|u| u.missing.contains(m)));
        }
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_every_verdict(source in policy(), partial in facts()) {
        let Ok(policy) = Policy::from_source("generated.asylon", &source) else { return Ok(()) };
        let formatted = asylon::format::format_source(&source).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let again = asylon::format::format_source(&formatted).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(&formatted, &again, "formatting twice changed the text");
        let reformatted = Policy::from_source("formatted.asylon", &formatted).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(verdicts(&decide(&policy, &partial)?), verdicts(&decide(&reformatted, &partial)?));
    }

    #[test]
    fn decisions_survive_a_json_round_trip(source in policy(), partial in facts()) {
        let Ok(policy) = Policy::from_source("generated.asylon", &source) else { return Ok(()) };
        let decision = decide(&policy, &partial)?;
        let text = serde_json::to_string(&decision).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Decision = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(decision, back);
    }

    #[test]
    fn a_decision_writes_the_json_serde_writes(source in policy(), partial in facts()) {
        let Ok(policy) = Policy::from_source("generated.asylon", &source) else { return Ok(()) };
        let decision = decide(&policy, &partial)?;
        let serde = serde_json::to_vec(&decision).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut fast = Vec::new();
        decision.write_json(&mut fast);
        prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&serde));
    }

    /// The JSON written as a decision is assembled, without building it, is the built
    /// decision's, and so are the statuses given with it.
    #[test]
    fn a_decision_written_as_assembled_is_the_built_ones(source in policy(), partial in facts()) {
        let Ok(policy) = Policy::from_source("generated.asylon", &source) else { return Ok(()) };
        let decision = decide(&policy, &partial)?;
        let options = EvalOptions::on("2024-06-17").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut written = b"before ".to_vec();
        let statuses = policy
            .evaluate_json_into("generated.json", &to_json(&partial), &options, &mut written)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let mut built = b"before ".to_vec();
        decision.write_json(&mut built);
        prop_assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&built));
        let checked = policy.checked();
        let want: Vec<Option<Status>> = (checked.outcomes.iter())
            .map(|&r| decision.status(&checked.rule(r).name))
            .collect();
        prop_assert_eq!(statuses.into_iter().map(Some).collect::<Vec<_>>(), want);
    }

    /// A decision from JSON text starts from what the compiled pass found; the reference
    /// evaluator alone, from the same facts, makes the same decision, byte for byte.
    #[test]
    fn the_decision_from_text_is_the_reference_evaluators(source in policy(), partial in facts()) {
        let Ok(policy) = Policy::from_source("generated.asylon", &source) else { return Ok(()) };
        let from_text = decide(&policy, &partial)?;
        let options = EvalOptions::on("2024-06-17").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let facts = policy.facts_from_json(&to_json(&partial)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let reference = policy.evaluate(&facts, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (mut got, mut want) = (Vec::new(), Vec::new());
        from_text.write_json(&mut got);
        reference.write_json(&mut want);
        prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
        let (got, want) = (from_text.in_language("en"), reference.in_language("en"));
        prop_assert_eq!(got, want);
    }
}

#[test]
fn the_generator_makes_policies_that_check() {
    // Guards the properties above against a generator whose policies are all refused
    // (the properties would then pass vacuously).
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut accepted = 0;
    for _ in 0..50 {
        let source = policy().new_tree(&mut runner).expect("a policy").current();
        if Policy::from_source("generated.asylon", &source).is_ok() {
            accepted += 1;
        }
    }
    assert!(
        accepted >= 40,
        "only {accepted} of 50 generated policies check"
    );
}
