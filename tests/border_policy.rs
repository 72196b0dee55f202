//! The U.S.–Mexico border policy (`policies/us-mexico-border`), tested through the
//! `asylon` binary exactly as a user runs it:
//!
//! ```text
//! asylon eval policies/us-mexico-border - --as-of 2024-06-17 --format json
//! ```
//!
//! The contract is the asylum vocabulary: for every one of its 27 outcomes there is a
//! fact set where it holds, one where it does not hold, and one where it is undetermined
//! with the deciding fact listed in its `missing`; then the boundaries the vocabulary
//! names (2,499/2,500 crossings, referral day 60/61 and 67/68, the first anniversary of
//! entry, an entry on 29 February), its "Explanation must" lines in English and Spanish,
//! the facts that contradict each other, invalid facts, and every example fact file in
//! `examples/`.

mod common;

use common::{asylon, missing, status, Run};
use serde_json::{json, Value};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------
// Helpers

const POLICY: &str = "policies/us-mexico-border";

/// The date of the guide, the evaluation date of most cases.
const AS_OF: &str = "2024-06-17";

/// The 27 outcome ids of the vocabulary, in its order.
const OUTCOMES: [&str; 27] = [
    "lawful_entry_at_port",
    "may_request_asylum_at_port",
    "cbp_one_appointment_required",
    "cbp_one_wrong_location",
    "cbp_one_exception_request",
    "cbp_one_barrier_accepted",
    "extreme_risk_exception",
    "asylum_ban_in_effect",
    "asylum_ban_warning",
    "asylum_ban_applies",
    "asylum_ban_exception",
    "withholding_of_removal_possible",
    "cat_protection_possible",
    "expedited_removal_risk",
    "reentry_bar_risk",
    "must_state_fear",
    "credible_fear_screening",
    "enhanced_expedited_removal",
    "expedited_removal_not_allowed_child",
    "persecution_ground_needed",
    "credible_fear_overdue",
    "notice_to_appear_after_67_days",
    "immigration_judge_review",
    "defensive_asylum",
    "one_year_deadline_upcoming",
    "one_year_deadline_passed",
    "parole_processes_unavailable",
];

/// `asylon eval POLICY FACTS --as-of AS_OF --format json --lang LANG`; `facts` is a file,
/// or `-` to read `stdin`.
fn eval(facts: &str, stdin: &str, as_of: &str, lang: &str) -> Run {
    let args = [
        "eval", POLICY, facts, "--as-of", as_of, "--format", "json", "--lang", lang,
    ];
    asylon(&args, stdin)
}

/// Evaluates `facts`, which must be accepted (exit 0), and returns the JSON decision.
fn decide(facts: &Value, as_of: &str, lang: &str) -> Value {
    let run = eval("-", &facts.to_string(), as_of, lang);
    assert_eq!(
        run.code, 0,
        "facts {facts} as of {as_of} were not evaluated:\n{}",
        run.stderr
    );
    decision_of(&run, as_of)
}

/// Evaluates an example file, which must be accepted, as of [`AS_OF`].
fn decide_file(file: &str) -> Value {
    let run = eval(&format!("examples/{file}"), "", AS_OF, "en");
    assert_eq!(run.code, 0, "{file} was not evaluated:\n{}", run.stderr);
    decision_of(&run, AS_OF)
}

fn decision_of(run: &Run, as_of: &str) -> Value {
    let decision: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout));
    assert_eq!(decision["as_of"], as_of, "{}", run.stdout);
    decision
}

/// The explanation of an outcome that holds.
fn explanation<'a>(decision: &'a Value, id: &str) -> &'a str {
    let outcomes = decision["outcomes"].as_array().expect("an `outcomes` list");
    let outcome = outcomes.iter().find(|o| o["id"] == id);
    outcome
        .and_then(|o| o["explanation"].as_str())
        .unwrap_or_default()
}

/// What a case expects of one outcome.
#[derive(Debug)]
enum Expect {
    Holds(&'static str),
    DoesNotHold(&'static str),
    /// Undetermined, with this fact among its `missing`.
    Undetermined(&'static str, &'static str),
    /// Holds, and its explanation contains this text.
    Explains(&'static str, &'static str),
}
use Expect::{DoesNotHold, Explains, Holds, Undetermined};

/// Evaluates `facts` as of `as_of`, explanations in `lang`, and checks every expectation.
fn check_in(lang: &str, as_of: &str, facts: &Value, expectations: &[Expect]) {
    let decision = decide(facts, as_of, lang);
    let context = || format!("facts {facts} as of {as_of}:\n{decision:#}");
    for e in expectations {
        let (id, expected) = match *e {
            Holds(id) | Explains(id, _) => (id, "holds"),
            DoesNotHold(id) => (id, "does_not_hold"),
            Undetermined(id, _) => (id, "undetermined"),
        };
        assert_eq!(status(&decision, id), expected, "`{id}`; {}", context());
        if let Undetermined(id, fact) = *e {
            let missing = missing(&decision, id);
            assert!(
                missing.iter().any(|m| m == fact),
                "`{id}` should miss `{fact}`; {}",
                context()
            );
        }
        if let Explains(id, needle) = *e {
            let text = explanation(&decision, id);
            assert!(
                text.contains(needle),
                "`{id}` should explain {needle:?}; {}",
                context()
            );
        }
    }
}

/// [`check_in`] English.
fn check(as_of: &str, facts: &Value, expectations: &[Expect]) {
    check_in("en", as_of, facts, expectations);
}

/// `base` with the dotted `path` set to `value` (`null` makes the fact unknown).
fn with(base: &Value, path: &str, value: Value) -> Value {
    let mut facts = base.clone();
    let mut slot = &mut facts;
    for key in path.split('.') {
        slot = &mut slot[key];
    }
    *slot = value;
    facts
}

/// Checks each row `(path, value, expectation)` on `base` with that one fact changed,
/// as of [`AS_OF`].
fn vary(base: &Value, rows: &[(&str, Value, Expect)]) {
    for (path, value, expectation) in rows {
        let facts = with(base, path, value.clone());
        check(AS_OF, &facts, std::slice::from_ref(expectation));
    }
}

/// Rows of `[as of "YYYY-MM-DD"] {facts} => [expectations]`; the date defaults to
/// [`AS_OF`].
macro_rules! cases {
    ($( $(as of $as_of:literal)? $facts:tt => [$($e:expr),+ $(,)?] ),+ $(,)?) => {
        $( check(cases!(@date $($as_of)?), &json!($facts), &[$($e),+]); )+
    };
    (@date) => { AS_OF };
    (@date $d:literal) => { $d };
}

/// Evaluates facts that must be rejected (exit 1) and returns the diagnostics: the
/// JSON document `--format json` prints on stdout.
fn rejected(facts: &Value) -> String {
    let run = eval("-", &facts.to_string(), AS_OF, "en");
    assert_eq!(
        run.code, 1,
        "facts {facts} should be rejected:\n{}",
        run.stdout
    );
    let report: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(report["ok"], false);
    assert!(
        !report["errors"].as_array().unwrap().is_empty(),
        "no diagnostic for {facts}"
    );
    run.stdout
}

// ---------------------------------------------------------------------------------------
// The policy as a whole

#[test]
fn the_policy_checks() {
    let run = asylon(&["check", POLICY], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn with_no_facts_every_outcome_is_undetermined_and_names_what_it_needs() {
    let decision = decide(&json!({}), AS_OF, "en");
    let listed: Vec<&str> = ["outcomes", "undetermined", "does_not_hold"]
        .iter()
        .flat_map(|list| decision[list].as_array().unwrap())
        .map(|o| o["id"].as_str().or(o.as_str()).unwrap())
        .collect();
    assert_eq!(listed.len(), OUTCOMES.len(), "{listed:?}");
    assert_eq!(BTreeSet::from_iter(listed), BTreeSet::from(OUTCOMES));
    for id in OUTCOMES {
        assert_eq!(status(&decision, id), "undetermined", "`{id}`");
        assert!(
            !missing(&decision, id).is_empty(),
            "`{id}` is undetermined but misses nothing"
        );
    }
    assert!(!decision["missing"].as_array().unwrap().is_empty());
}

/// Fact sets that, together, make every outcome hold once.
fn every_outcome_holding() -> Vec<Value> {
    vec![
        with(
            &with(&needs_appointment(), "location", json!("other_mexico")),
            "border",
            json!({ "asylum_ban_in_force": true }),
        ),
        with(
            &with(&crossed_during_ban(), "cbp_one.barrier", json!("none")),
            "proceedings",
            json!("none"),
        ),
        json!({ "authorization": "valid_visa" }),
        json!({ "authorization": "none", "entry": { "method": "port_of_entry" },
                "cbp_one": { "appointment": false, "barrier": "cannot_read", "barrier_accepted": true } }),
        json!({ "authorization": "none", "extreme_risk": { "medical_emergency": true },
                "border": { "asylum_ban_in_force": true } }),
        json!({ "person": { "fears_torture_by_official": true, "unaccompanied_child": false,
                            "persecution_grounds": [], "prior_removal_order": false },
                "proceedings": "expedited_removal", "fear_stated": true, "custody": "cbp",
                "credible_fear": { "referral_date": "2024-04-08", "result": "pending" } }),
        json!({ "proceedings": "expedited_removal", "person": { "unaccompanied_child": true } }),
        json!({ "fear_stated": false, "person": { "unaccompanied_child": false }, "custody": "ice" }),
        json!({ "credible_fear": { "result": "negative" }, "proceedings": "notice_to_appear",
                "travel": { "irregular_crossings": ["mexico"] } }),
        in_us_since("2024-01-15"),
        in_us_since("2023-01-15"),
    ]
}

#[test]
fn every_outcome_has_its_own_spanish_title_and_explanation() {
    let mut seen = BTreeSet::new();
    for facts in every_outcome_holding() {
        let (en, es) = (decide(&facts, AS_OF, "en"), decide(&facts, AS_OF, "es"));
        for outcome in en["outcomes"].as_array().unwrap() {
            let id = outcome["id"].as_str().unwrap();
            let spanish = es["outcomes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["id"] == id)
                .unwrap();
            for field in ["title", "explanation"] {
                let (english, spanish) = (
                    outcome[field].as_str().unwrap(),
                    spanish[field].as_str().unwrap(),
                );
                assert!(!english.is_empty(), "`{id}` has no English {field}");
                assert_ne!(english, spanish, "`{id}` has no Spanish {field}");
            }
            seen.insert(id.to_owned());
        }
    }
    let all: BTreeSet<String> = OUTCOMES.iter().map(|id| id.to_string()).collect();
    assert_eq!(seen, all, "not every outcome was seen holding");
}

// ---------------------------------------------------------------------------------------
// Who can seek asylum at the border; CBP One

#[test]
fn lawful_entry_at_port() {
    for authorization in [
        "us_citizen",
        "lawful_permanent_resident",
        "valid_visa",
        "parole_travel_authorization",
    ] {
        cases! { { "authorization": authorization } => [Holds("lawful_entry_at_port")] }
    }
    cases! {
        { "authorization": "none" } => [DoesNotHold("lawful_entry_at_port")],
        { "entry": { "method": "port_of_entry" } } => [Undetermined("lawful_entry_at_port", "authorization")],
    }
}

#[test]
fn may_request_asylum_at_port() {
    let id = "may_request_asylum_at_port";
    cases! {
        { "authorization": "parole_travel_authorization" } => [Holds(id)],
        { "authorization": "none", "entry": { "method": "not_yet_entered" }, "cbp_one": { "appointment": true } }
            => [Holds(id)],
        { "authorization": "none", "entry": { "method": "port_of_entry" },
          "person": { "severe_trafficking_victim": true } }
            => [Holds(id)],
        // An appointment does not cover a crossing between ports.
        { "authorization": "none", "entry": { "method": "between_ports" }, "cbp_one": { "appointment": true } }
            => [DoesNotHold(id)],
        { "authorization": "none", "entry": { "method": "not_yet_entered" }, "cbp_one": { "appointment": false },
          "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
          "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false } }
            => [DoesNotHold(id)],
        { "authorization": "none", "entry": { "method": "not_yet_entered" }, "cbp_one": { "appointment": false },
          "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
          "extreme_risk": { "medical_emergency": false, "imminent_threat": false } }
            => [Undetermined(id, "extreme_risk.other")],
    }
}

/// Without permission, fearing return, not yet entered, and in none of the groups that
/// may come without an appointment.
fn needs_appointment() -> Value {
    json!({
        "authorization": "none",
        "person": { "fears_return": true, "unaccompanied_child": false, "severe_trafficking_victim": false },
        "entry": { "method": "not_yet_entered" },
        "cbp_one": { "appointment": false, "barrier": "none" },
        "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false }
    })
}

#[test]
fn cbp_one_appointment_required() {
    let id = "cbp_one_appointment_required";
    let base = needs_appointment();
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            ("cbp_one.appointment", json!(true), DoesNotHold(id)),
            ("person.fears_return", json!(false), DoesNotHold(id)),
            ("entry.method", json!("port_of_entry"), DoesNotHold(id)),
            (
                "extreme_risk.other",
                Value::Null,
                Undetermined(id, "extreme_risk.other"),
            ),
        ],
    );
    let cannot_read = with(&base, "cbp_one.barrier", json!("cannot_read"));
    vary(
        &cannot_read,
        &[
            ("cbp_one.barrier_accepted", json!(true), DoesNotHold(id)),
            (
                "cbp_one.barrier_accepted",
                Value::Null,
                Undetermined(id, "cbp_one.barrier_accepted"),
            ),
        ],
    );
}

#[test]
fn cbp_one_appointment_required_lists_what_crossing_anyway_brings() {
    let id = "cbp_one_appointment_required";
    let must = [
        Explains(id, "not be able to ask for asylum"),
        Explains(id, "removed from the U.S. in a few days"),
        Explains(id, "at least 5 years"),
        Explains(id, "prison and fines"),
    ];
    check(AS_OF, &needs_appointment(), &must);
    let debe = [
        Explains(id, "no podrá pedir asilo"),
        Explains(id, "en pocos días"),
        Explains(id, "al menos 5 años"),
        Explains(id, "cárcel y multas"),
    ];
    check_in("es", AS_OF, &needs_appointment(), &debe);
}

#[test]
fn cbp_one_wrong_location() {
    let id = "cbp_one_wrong_location";
    let base = needs_appointment();
    vary(
        &base,
        &[
            ("location", json!("other_mexico"), Holds(id)),
            ("location", json!("elsewhere"), Holds(id)),
            ("location", json!("central_mexico"), DoesNotHold(id)),
            ("location", json!("northwest_mexico"), DoesNotHold(id)),
            ("location", Value::Null, Undetermined(id, "location")),
        ],
    );
    let child = with(&base, "person.unaccompanied_child", json!(true));
    vary(
        &child,
        &[("location", json!("other_mexico"), DoesNotHold(id))],
    );
}

#[test]
fn cbp_one_exception_request() {
    let id = "cbp_one_exception_request";
    let base = json!({
        "authorization": "none",
        "cbp_one": { "appointment": false, "barrier": "technical_failure" },
        "entry": { "method": "port_of_entry" }
    });
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("cbp_one.barrier", json!("cannot_read"), Holds(id)),
            ("entry.method", json!("not_yet_entered"), Holds(id)),
            ("entry.method", json!("between_ports"), DoesNotHold(id)),
            ("cbp_one.barrier", json!("none"), DoesNotHold(id)),
            ("cbp_one.appointment", json!(true), DoesNotHold(id)),
            ("authorization", json!("valid_visa"), DoesNotHold(id)),
            (
                "cbp_one.barrier",
                Value::Null,
                Undetermined(id, "cbp_one.barrier"),
            ),
        ],
    );
}

#[test]
fn cbp_one_barrier_accepted() {
    let id = "cbp_one_barrier_accepted";
    let base = json!({
        "authorization": "none",
        "cbp_one": { "barrier": "cannot_read", "barrier_accepted": true }
    });
    check(
        AS_OF,
        &base,
        &[
            Explains(id, "credible fear case"),
            Explains(id, "asylum ban can still apply"),
        ],
    );
    check_in(
        "es",
        AS_OF,
        &base,
        &[
            Explains(id, "miedo creíble"),
            Explains(id, "prohibición de asilo todavía puede aplicarse"),
        ],
    );
    vary(
        &base,
        &[
            ("cbp_one.barrier_accepted", json!(false), DoesNotHold(id)),
            ("cbp_one.barrier", json!("none"), DoesNotHold(id)),
            (
                "authorization",
                Value::Null,
                Undetermined(id, "authorization"),
            ),
        ],
    );
}

#[test]
fn extreme_risk_exception() {
    let id = "extreme_risk_exception";
    cases! {
        { "authorization": "none", "extreme_risk": { "imminent_threat": true } } => [Holds(id)],
        { "authorization": "none", "extreme_risk": { "other": true } } => [Holds(id)],
        { "authorization": "none",
          "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false } }
            => [DoesNotHold(id)],
        { "authorization": "valid_visa", "extreme_risk": { "medical_emergency": true } } => [DoesNotHold(id)],
        { "authorization": "none", "extreme_risk": { "medical_emergency": false, "imminent_threat": false } }
            => [Undetermined(id, "extreme_risk.other")],
    }
}

// ---------------------------------------------------------------------------------------
// The asylum ban

#[test]
fn asylum_ban_in_effect() {
    let id = "asylum_ban_in_effect";
    cases! {
        { "border": { "asylum_ban_in_force": true } } => [Holds(id)],
        { "border": { "daily_crossings_average": 4000 } } => [Holds(id)],
        { "border": { "asylum_ban_in_force": false, "daily_crossings_average": 1200 } } => [DoesNotHold(id)],
        { "border": { "asylum_ban_in_force": false } } => [Undetermined(id, "border.daily_crossings_average")],
        { "border": { "daily_crossings_average": 1200 } } => [Undetermined(id, "border.asylum_ban_in_force")],
    }
}

#[test]
fn asylum_ban_threshold_is_2500_crossings() {
    let id = "asylum_ban_in_effect";
    cases! {
        { "border": { "asylum_ban_in_force": false, "daily_crossings_average": 2499 } } => [DoesNotHold(id)],
        { "border": { "asylum_ban_in_force": false, "daily_crossings_average": 2500 } } => [Holds(id)],
    }
}

/// Without permission, not yet entered, the ban in force, and in none of the four groups.
fn about_to_cross_under_ban() -> Value {
    json!({
        "authorization": "none",
        "entry": { "method": "not_yet_entered" },
        "border": { "asylum_ban_in_force": true },
        "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
        "cbp_one": { "appointment": false },
        "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false }
    })
}

#[test]
fn asylum_ban_warning() {
    let id = "asylum_ban_warning";
    let base = about_to_cross_under_ban();
    check(AS_OF, &base, &[Holds(id)]);
    let lifted = json!({ "asylum_ban_in_force": false, "daily_crossings_average": 900 });
    vary(
        &base,
        &[
            ("border", lifted, DoesNotHold(id)),
            ("entry.method", json!("port_of_entry"), DoesNotHold(id)),
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            (
                "person.severe_trafficking_victim",
                json!(true),
                DoesNotHold(id),
            ),
            ("cbp_one.appointment", json!(true), DoesNotHold(id)),
            ("extreme_risk.imminent_threat", json!(true), DoesNotHold(id)),
            (
                "person.severe_trafficking_victim",
                Value::Null,
                Undetermined(id, "person.severe_trafficking_victim"),
            ),
        ],
    );
}

/// Crossed between ports without permission while the ban was in force, in none of the
/// four groups, fearing return.
fn crossed_during_ban() -> Value {
    json!({
        "authorization": "none",
        "entry": { "method": "between_ports", "during_asylum_ban": true },
        "person": { "unaccompanied_child": false, "severe_trafficking_victim": false, "fears_return": true },
        "cbp_one": { "appointment": false },
        "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false }
    })
}

#[test]
fn asylum_ban_applies() {
    let id = "asylum_ban_applies";
    let base = crossed_during_ban();
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("entry.during_asylum_ban", json!(false), DoesNotHold(id)),
            ("authorization", json!("valid_visa"), DoesNotHold(id)),
            (
                "person.unaccompanied_child",
                Value::Null,
                Undetermined(id, "person.unaccompanied_child"),
            ),
            (
                "entry.during_asylum_ban",
                Value::Null,
                Undetermined(id, "entry.during_asylum_ban"),
            ),
            (
                "entry.method",
                Value::Null,
                Undetermined(id, "entry.method"),
            ),
        ],
    );
}

#[test]
fn asylum_ban_applies_explains_the_lesser_protections() {
    let id = "asylum_ban_applies";
    let must = [
        Explains(id, "withholding of removal"),
        Explains(id, "Convention Against Torture"),
        Explains(id, "reversed in court"),
    ];
    check(AS_OF, &crossed_during_ban(), &must);
    let debe = [
        Explains(id, "withholding of removal"),
        Explains(id, "Convención contra la Tortura"),
        Explains(id, "en la corte si se levanta la prohibición"),
    ];
    check_in("es", AS_OF, &crossed_during_ban(), &debe);
}

#[test]
fn each_group_the_ban_does_not_affect_defeats_it() {
    let id = "asylum_ban_applies";
    let base = crossed_during_ban();
    for (path, value) in [
        ("person.unaccompanied_child", json!(true)),
        ("person.severe_trafficking_victim", json!(true)),
        ("extreme_risk.medical_emergency", json!(true)),
    ] {
        check(
            AS_OF,
            &with(&base, path, value),
            &[DoesNotHold(id), Holds("asylum_ban_exception")],
        );
    }
    // An appointment covers a presentation at a port of entry ...
    let appointment = with(&base, "cbp_one.appointment", json!(true));
    let at_port = with(&appointment, "entry.method", json!("port_of_entry"));
    check(
        AS_OF,
        &at_port,
        &[DoesNotHold(id), Holds("asylum_ban_exception")],
    );
    // ... not a crossing between ports.
    check(
        AS_OF,
        &appointment,
        &[Holds(id), DoesNotHold("asylum_ban_exception")],
    );
}

#[test]
fn asylum_ban_exception() {
    let id = "asylum_ban_exception";
    cases! {
        { "authorization": "none", "person": { "unaccompanied_child": true },
          "border": { "asylum_ban_in_force": true } }
            => [Holds(id)],
        { "authorization": "none", "entry": { "method": "between_ports", "during_asylum_ban": true },
          "extreme_risk": { "imminent_threat": true } }
            => [Holds(id)],
        { "authorization": "none", "border": { "asylum_ban_in_force": true },
          "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
          "cbp_one": { "appointment": false },
          "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false } }
            => [DoesNotHold(id)],
        { "authorization": "valid_visa", "person": { "unaccompanied_child": true },
          "border": { "asylum_ban_in_force": true } }
            => [DoesNotHold(id)],
        { "authorization": "none", "person": { "unaccompanied_child": true },
          "border": { "asylum_ban_in_force": false, "daily_crossings_average": 800 } }
            => [Undetermined(id, "entry.during_asylum_ban")],
    }
}

#[test]
fn withholding_of_removal_possible() {
    let id = "withholding_of_removal_possible";
    let base = crossed_during_ban();
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("person.fears_return", json!(false), DoesNotHold(id)),
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            (
                "person.fears_return",
                Value::Null,
                Undetermined(id, "person.fears_return"),
            ),
        ],
    );
}

// ---------------------------------------------------------------------------------------
// Expedited removal, credible fear, torture

#[test]
fn cat_protection_possible() {
    let id = "cat_protection_possible";
    cases! {
        { "person": { "fears_torture_by_official": true } } => [Holds(id)],
        { "person": { "fears_torture_by_official": false } } => [DoesNotHold(id)],
        { "person": { "fears_return": true } } => [Undetermined(id, "person.fears_torture_by_official")],
        // JSON `null` is unknown, like an absent fact.
        { "person": { "fears_torture_by_official": null } } => [Undetermined(id, "person.fears_torture_by_official")],
    }
}

#[test]
fn expedited_removal_risk() {
    let id = "expedited_removal_risk";
    let base = json!({
        "authorization": "none",
        "entry": { "method": "between_ports", "false_documents": false },
        "person": { "unaccompanied_child": false },
        "proceedings": "none"
    });
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("proceedings", json!("expedited_removal"), Holds(id)),
            ("proceedings", json!("notice_to_appear"), DoesNotHold(id)),
            // Not allowed for children traveling alone.
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            ("authorization", json!("valid_visa"), DoesNotHold(id)),
            ("proceedings", Value::Null, Undetermined(id, "proceedings")),
            (
                "person.unaccompanied_child",
                Value::Null,
                Undetermined(id, "person.unaccompanied_child"),
            ),
        ],
    );
    cases! {
        // An appointment does not guarantee entry.
        { "authorization": "none", "entry": { "method": "port_of_entry" }, "cbp_one": { "appointment": true },
          "person": { "unaccompanied_child": false }, "proceedings": "expedited_removal" }
            => [Holds(id)],
        { "authorization": "valid_visa", "entry": { "method": "port_of_entry", "false_documents": true },
          "person": { "unaccompanied_child": false }, "proceedings": "none" }
            => [Holds(id)],
    }
}

/// Crossed between ports without permission and without meeting any requirement.
fn crossed_without_requirements() -> Value {
    json!({
        "authorization": "none",
        "entry": { "method": "between_ports" },
        "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
        "cbp_one": { "appointment": false, "barrier": "none" },
        "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false }
    })
}

#[test]
fn reentry_bar_risk() {
    let id = "reentry_bar_risk";
    let base = crossed_without_requirements();
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            // An appointment does not cover a crossing between ports.
            ("cbp_one.appointment", json!(true), Holds(id)),
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            (
                "person.severe_trafficking_victim",
                json!(true),
                DoesNotHold(id),
            ),
            (
                "extreme_risk.medical_emergency",
                json!(true),
                DoesNotHold(id),
            ),
            ("entry.method", json!("not_yet_entered"), DoesNotHold(id)),
            (
                "authorization",
                json!("parole_travel_authorization"),
                DoesNotHold(id),
            ),
        ],
    );
    let technical_failure = with(&base, "cbp_one.barrier", json!("technical_failure"));
    vary(
        &technical_failure,
        &[
            ("cbp_one.barrier_accepted", json!(true), DoesNotHold(id)),
            (
                "cbp_one.barrier_accepted",
                Value::Null,
                Undetermined(id, "cbp_one.barrier_accepted"),
            ),
        ],
    );
}

#[test]
fn must_state_fear() {
    let id = "must_state_fear";
    let base = json!({ "fear_stated": false, "person": { "unaccompanied_child": false }, "custody": "ice" });
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("custody", json!("cbp"), Holds(id)),
            ("fear_stated", json!(true), DoesNotHold(id)),
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            (
                "custody",
                json!("released"),
                Undetermined(id, "proceedings"),
            ),
            ("fear_stated", Value::Null, Undetermined(id, "fear_stated")),
        ],
    );
    cases! {
        { "fear_stated": false, "person": { "unaccompanied_child": false }, "proceedings": "expedited_removal" }
            => [Holds(id)],
        { "fear_stated": false, "person": { "unaccompanied_child": false },
          "custody": "released", "proceedings": "notice_to_appear" }
            => [DoesNotHold(id)],
    }
}

#[test]
fn credible_fear_screening() {
    let id = "credible_fear_screening";
    let base = json!({ "proceedings": "expedited_removal", "fear_stated": true, "person": { "unaccompanied_child": false } });
    check(AS_OF, &base, &[Explains(id, "higher standards")]);
    check_in("es", AS_OF, &base, &[Explains(id, "más exigentes")]);
    vary(
        &base,
        &[
            ("proceedings", json!("notice_to_appear"), DoesNotHold(id)),
            ("fear_stated", json!(false), DoesNotHold(id)),
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            (
                "person.unaccompanied_child",
                Value::Null,
                Undetermined(id, "person.unaccompanied_child"),
            ),
            ("fear_stated", Value::Null, Undetermined(id, "fear_stated")),
        ],
    );
}

#[test]
fn enhanced_expedited_removal() {
    let id = "enhanced_expedited_removal";
    let base = json!({ "proceedings": "expedited_removal", "custody": "cbp", "person": { "unaccompanied_child": false } });
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("custody", json!("ice"), DoesNotHold(id)),
            ("proceedings", json!("notice_to_appear"), DoesNotHold(id)),
            ("person.unaccompanied_child", json!(true), DoesNotHold(id)),
            ("custody", Value::Null, Undetermined(id, "custody")),
        ],
    );
}

#[test]
fn expedited_removal_not_allowed_child() {
    let id = "expedited_removal_not_allowed_child";
    let base =
        json!({ "proceedings": "expedited_removal", "person": { "unaccompanied_child": true } });
    check(AS_OF, &base, &[Explains(id, "at once")]);
    check_in("es", AS_OF, &base, &[Explains(id, "de inmediato")]);
    vary(
        &base,
        &[
            ("person.unaccompanied_child", json!(false), DoesNotHold(id)),
            ("proceedings", json!("notice_to_appear"), DoesNotHold(id)),
            ("proceedings", Value::Null, Undetermined(id, "proceedings")),
        ],
    );
}

#[test]
fn persecution_ground_needed() {
    let id = "persecution_ground_needed";
    let base = json!({
        "proceedings": "expedited_removal",
        "fear_stated": true,
        "person": { "unaccompanied_child": false, "persecution_grounds": [] }
    });
    check(
        AS_OF,
        &base,
        &[
            Explains(id, "Convention Against Torture"),
            Explains(id, "attorney"),
        ],
    );
    check_in(
        "es",
        AS_OF,
        &base,
        &[
            Explains(id, "Convención contra la Tortura"),
            Explains(id, "abogado"),
        ],
    );
    vary(
        &base,
        &[
            (
                "person.persecution_grounds",
                json!(["religion"]),
                DoesNotHold(id),
            ),
            ("proceedings", json!("notice_to_appear"), DoesNotHold(id)),
            (
                "person.persecution_grounds",
                Value::Null,
                Undetermined(id, "person.persecution_grounds"),
            ),
        ],
    );
    // Never "no case".
    let decision = decide(&base, AS_OF, "en");
    let text = explanation(&decision, id).to_lowercase();
    assert!(
        !text.contains("no case") && !text.contains("not have a case"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// Deadlines, judge review, defensive asylum

/// Detained by ICE, no prior removal order, screening pending, referred on `referral`.
fn waiting_since(referral: &str) -> Value {
    json!({
        "custody": "ice",
        "person": { "prior_removal_order": false },
        "credible_fear": { "referral_date": referral, "result": "pending" }
    })
}

#[test]
fn credible_fear_overdue() {
    let id = "credible_fear_overdue";
    let base = waiting_since("2024-04-08"); // 70 days before 2024-06-17
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            ("custody", json!("cbp"), Holds(id)),
            ("custody", json!("released"), DoesNotHold(id)),
            ("person.prior_removal_order", json!(true), DoesNotHold(id)),
            ("credible_fear.result", json!("negative"), DoesNotHold(id)),
            (
                "person.prior_removal_order",
                Value::Null,
                Undetermined(id, "person.prior_removal_order"),
            ),
            (
                "credible_fear.referral_date",
                Value::Null,
                Undetermined(id, "credible_fear.referral_date"),
            ),
        ],
    );
}

#[test]
fn credible_fear_overdue_counts_from_day_61() {
    let id = "credible_fear_overdue";
    check(AS_OF, &waiting_since("2024-04-18"), &[DoesNotHold(id)]); // day 60
    check(AS_OF, &waiting_since("2024-04-17"), &[Holds(id)]); // day 61
                                                              // The same count across the end of a leap February.
    check(
        "2024-03-01",
        &waiting_since("2024-01-01"),
        &[DoesNotHold(id)],
    ); // day 60
    check("2024-03-02", &waiting_since("2024-01-01"), &[Holds(id)]); // day 61
}

#[test]
fn notice_to_appear_after_67_days() {
    let id = "notice_to_appear_after_67_days";
    let base = waiting_since("2024-04-08");
    check(AS_OF, &base, &[Holds(id)]);
    vary(
        &base,
        &[
            // "This rule does not apply to people with past deportation orders."
            ("person.prior_removal_order", json!(true), DoesNotHold(id)),
            ("credible_fear.result", json!("positive"), DoesNotHold(id)),
            (
                "credible_fear.result",
                Value::Null,
                Undetermined(id, "credible_fear.result"),
            ),
            ("custody", Value::Null, Undetermined(id, "custody")),
        ],
    );
}

#[test]
fn notice_to_appear_counts_from_day_68() {
    let id = "notice_to_appear_after_67_days";
    check(
        AS_OF,
        &waiting_since("2024-04-11"),
        &[DoesNotHold(id), Holds("credible_fear_overdue")],
    ); // day 67
    check(AS_OF, &waiting_since("2024-04-10"), &[Holds(id)]); // day 68
}

#[test]
fn immigration_judge_review() {
    let id = "immigration_judge_review";
    cases! {
        { "credible_fear": { "result": "negative" } } => [Holds(id)],
        { "credible_fear": { "result": "positive" } } => [DoesNotHold(id)],
        { "credible_fear": { "result": "pending" } } => [DoesNotHold(id)],
        { "credible_fear": { "referral_date": "2024-06-01" } } => [Undetermined(id, "credible_fear.result")],
    }
}

#[test]
fn positive_credible_fear_has_no_outcome_of_its_own() {
    // The guide's passage on a positive result is cut off: nothing may hold because of it.
    let positive = decide(
        &json!({ "credible_fear": { "result": "positive" } }),
        AS_OF,
        "en",
    );
    let pending = decide(
        &json!({ "credible_fear": { "result": "pending" } }),
        AS_OF,
        "en",
    );
    for id in OUTCOMES {
        if status(&positive, id) == "holds" {
            assert_eq!(
                status(&pending, id),
                "holds",
                "`{id}` holds only because of a positive result"
            );
        }
    }
}

#[test]
fn defensive_asylum() {
    let id = "defensive_asylum";
    cases! {
        { "proceedings": "notice_to_appear" } => [Holds(id)],
        { "proceedings": "expedited_removal" } => [DoesNotHold(id)],
        { "custody": "released" } => [Undetermined(id, "proceedings")],
    }
}

/// In the United States, entered on `entry`, no asylum application filed.
fn in_us_since(entry: &str) -> Value {
    json!({
        "location": "united_states",
        "asylum": { "application_filed": false },
        "entry": { "date": entry }
    })
}

#[test]
fn one_year_deadline_upcoming() {
    let id = "one_year_deadline_upcoming";
    let base = in_us_since("2024-01-15");
    check(AS_OF, &base, &[Explains(id, "January 15, 2025")]);
    check_in("es", AS_OF, &base, &[Explains(id, "15 de enero de 2025")]);
    vary(
        &base,
        &[
            ("asylum.application_filed", json!(true), DoesNotHold(id)),
            ("location", json!("other_mexico"), DoesNotHold(id)),
            ("entry.date", json!("2023-01-15"), DoesNotHold(id)),
            ("entry.date", Value::Null, Undetermined(id, "entry.date")),
            (
                "asylum.application_filed",
                Value::Null,
                Undetermined(id, "asylum.application_filed"),
            ),
        ],
    );
}

#[test]
fn one_year_deadline_passed() {
    let id = "one_year_deadline_passed";
    let base = in_us_since("2023-04-17");
    check(
        AS_OF,
        &base,
        &[
            Explains(id, "exception"),
            Explains(id, "as soon as possible"),
        ],
    );
    check_in(
        "es",
        AS_OF,
        &base,
        &[Explains(id, "excepción"), Explains(id, "lo antes posible")],
    );
    vary(
        &base,
        &[
            ("asylum.application_filed", json!(true), DoesNotHold(id)),
            ("entry.date", json!("2024-01-15"), DoesNotHold(id)),
            ("location", Value::Null, Undetermined(id, "location")),
            ("entry.date", Value::Null, Undetermined(id, "entry.date")),
        ],
    );
}

#[test]
fn the_first_anniversary_of_entry_is_the_last_day() {
    let (upcoming, passed) = ("one_year_deadline_upcoming", "one_year_deadline_passed");
    let facts = in_us_since("2023-06-17");
    check(
        "2024-06-17",
        &facts,
        &[Explains(upcoming, "June 17, 2024"), DoesNotHold(passed)],
    );
    check(
        "2024-06-18",
        &facts,
        &[DoesNotHold(upcoming), Holds(passed)],
    );
}

#[test]
fn an_entry_on_29_february_has_its_anniversary_on_28_february() {
    let (upcoming, passed) = ("one_year_deadline_upcoming", "one_year_deadline_passed");
    let facts = in_us_since("2024-02-29");
    check(
        "2025-02-28",
        &facts,
        &[Explains(upcoming, "February 28, 2025"), DoesNotHold(passed)],
    );
    check_in(
        "es",
        "2025-02-28",
        &facts,
        &[Explains(upcoming, "28 de febrero de 2025")],
    );
    check(
        "2025-03-01",
        &facts,
        &[DoesNotHold(upcoming), Holds(passed)],
    );
}

// ---------------------------------------------------------------------------------------
// Parole

#[test]
fn parole_processes_unavailable() {
    let id = "parole_processes_unavailable";
    cases! {
        { "travel": { "irregular_crossings": ["panama"] } } => [Holds(id)],
        { "travel": { "irregular_crossings": [], "by_water": true }, "person": { "nationality": "CU" } } => [Holds(id)],
        { "travel": { "irregular_crossings": [], "by_water": true }, "person": { "nationality": "HT" } } => [Holds(id)],
        { "travel": { "irregular_crossings": [], "by_water": true }, "person": { "nationality": "VE" } }
            => [DoesNotHold(id)],
        { "travel": { "irregular_crossings": [], "by_water": false }, "person": { "nationality": "HT" } }
            => [DoesNotHold(id)],
        { "travel": { "irregular_crossings": [] }, "person": { "nationality": "CU" } }
            => [Undetermined(id, "travel.by_water")],
        { "travel": { "by_water": false } } => [Undetermined(id, "travel.irregular_crossings")],
    }
}

// ---------------------------------------------------------------------------------------
// Facts that contradict each other, and invalid facts

#[test]
fn contradictory_facts_are_rejected_naming_both_facts() {
    let rows: [(Value, &[&str]); 5] = [
        (
            json!({ "entry": { "method": "not_yet_entered" }, "location": "united_states" }),
            &["entry.method", "location"],
        ),
        (
            json!({ "entry": { "method": "not_yet_entered", "date": "2024-01-10" } }),
            &["entry.method", "entry.date"],
        ),
        (
            json!({ "entry": { "method": "not_yet_entered", "during_asylum_ban": false } }),
            &["entry.method", "entry.during_asylum_ban"],
        ),
        // The other side is the evaluation date.
        (
            json!({ "entry": { "date": "2024-06-18" } }),
            &["entry.date", "evaluation date"],
        ),
        (
            json!({ "credible_fear": { "referral_date": "2024-06-18" } }),
            &["credible_fear.referral_date", "evaluation date"],
        ),
    ];
    for (facts, names) in rows {
        let report = rejected(&facts);
        for name in names {
            assert!(
                report.contains(name),
                "the diagnostic for {facts} does not name `{name}`:\n{report}"
            );
        }
    }
}

#[test]
fn dates_on_the_evaluation_date_are_accepted() {
    cases! {
        { "entry": { "method": "between_ports", "date": "2024-06-17" }, "location": "united_states" }
            => [DoesNotHold("one_year_deadline_passed")],
        { "credible_fear": { "referral_date": "2024-06-17", "result": "pending" }, "custody": "cbp" }
            => [DoesNotHold("credible_fear_overdue")],
        { "entry": { "method": "not_yet_entered" }, "location": "northwest_mexico" }
            => [DoesNotHold("one_year_deadline_upcoming")],
    }
}

#[test]
fn invalid_facts_are_rejected() {
    let rows = [
        json!({ "person": { "unacompanied_child": true } }),
        json!({ "persn": { "unaccompanied_child": true } }),
        json!({ "person": { "unaccompanied_child": "yes" } }),
        json!({ "person": { "nationality": "cu" } }),
        json!({ "person": { "nationality": "CUB" } }),
        json!({ "person": { "persecution_grounds": ["poverty"] } }),
        json!({ "person": { "persecution_grounds": "religion" } }),
        json!({ "authorization": "visa" }),
        json!({ "border": { "daily_crossings_average": -1 } }),
        json!({ "border": { "daily_crossings_average": 2500.0 } }),
        json!({ "border": { "daily_crossings_average": "2500" } }),
        json!({ "entry": { "date": "2024-2-29" } }),
        json!({ "entry": { "date": "2023-02-29" } }),
        json!({ "travel": { "irregular_crossings": ["guatemala"] } }),
    ];
    for facts in rows {
        rejected(&facts);
    }
}

#[test]
fn a_misspelt_fact_is_named() {
    let report = rejected(&json!({ "person": { "unacompanied_child": true } }));
    assert!(report.contains("unacompanied_child"), "{report}");
}

#[test]
fn a_usage_error_exits_2() {
    let run = asylon(&["eval", POLICY, "-", "--no-such-flag"], "{}");
    assert_eq!(run.code, 2, "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// The example fact files

/// Each example with what must hold in it and what must not.
const EXAMPLES: &[(&str, &[&str], &[&str])] = &[
    (
        "unaccompanied_child_northwest_mexico.json",
        &[
            "may_request_asylum_at_port",
            "asylum_ban_exception",
            "parole_processes_unavailable",
        ],
        &[
            "cbp_one_appointment_required",
            "asylum_ban_warning",
            "expedited_removal_risk",
            "must_state_fear",
        ],
    ),
    (
        "family_between_ports_during_ban.json",
        &[
            "asylum_ban_applies",
            "withholding_of_removal_possible",
            "expedited_removal_risk",
            "reentry_bar_risk",
            "credible_fear_screening",
            "one_year_deadline_upcoming",
            "parole_processes_unavailable",
        ],
        &[
            "asylum_ban_exception",
            "must_state_fear",
            "credible_fear_overdue",
            "persecution_ground_needed",
        ],
    ),
    (
        "visa_holder.json",
        &["lawful_entry_at_port", "may_request_asylum_at_port"],
        &[
            "cbp_one_appointment_required",
            "asylum_ban_warning",
            "expedited_removal_risk",
            "parole_processes_unavailable",
        ],
    ),
    (
        "detained_70_days_no_screening.json",
        &[
            "credible_fear_overdue",
            "notice_to_appear_after_67_days",
            "credible_fear_screening",
            "one_year_deadline_upcoming",
        ],
        &[
            "immigration_judge_review",
            "asylum_ban_applies",
            "must_state_fear",
            "enhanced_expedited_removal",
        ],
    ),
    (
        "entered_14_months_ago_never_applied.json",
        &["one_year_deadline_passed", "defensive_asylum"],
        &[
            "one_year_deadline_upcoming",
            "expedited_removal_risk",
            "asylum_ban_applies",
        ],
    ),
    (
        "haitian_arriving_by_sea.json",
        &[
            "parole_processes_unavailable",
            "defensive_asylum",
            "cat_protection_possible",
            "one_year_deadline_upcoming",
        ],
        &[
            "expedited_removal_risk",
            "asylum_ban_applies",
            "one_year_deadline_passed",
        ],
    ),
    (
        "cannot_read_cannot_use_app.json",
        &["cbp_one_exception_request", "asylum_ban_warning"],
        &["cbp_one_wrong_location", "may_request_asylum_at_port"],
    ),
    (
        "half_facts_unknown.json",
        &[],
        &["lawful_entry_at_port", "cbp_one_wrong_location"],
    ),
    (
        "negative_screening_in_cbp_custody.json",
        &[
            "immigration_judge_review",
            "enhanced_expedited_removal",
            "persecution_ground_needed",
            "asylum_ban_applies",
            "withholding_of_removal_possible",
        ],
        &[
            "credible_fear_overdue",
            "defensive_asylum",
            "must_state_fear",
        ],
    ),
    (
        "medical_emergency_at_the_border.json",
        &[
            "extreme_risk_exception",
            "may_request_asylum_at_port",
            "asylum_ban_exception",
            "asylum_ban_in_effect",
        ],
        &["cbp_one_appointment_required", "asylum_ban_warning"],
    ),
];

/// The deadline each example's `one_year_deadline_upcoming` must give.
const DEADLINES: &[(&str, &str)] = &[
    ("family_between_ports_during_ban.json", "June 10, 2025"),
    ("detained_70_days_no_screening.json", "April 5, 2025"),
    ("haitian_arriving_by_sea.json", "February 28, 2025"),
    ("negative_screening_in_cbp_custody.json", "June 12, 2025"),
];

#[test]
fn every_example_evaluates_and_has_expectations() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("examples/ exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for file in &files {
        assert!(
            EXAMPLES.iter().any(|(name, ..)| name == file),
            "{file} has no expectations in EXAMPLES"
        );
        decide_file(file);
    }
}

#[test]
fn examples_decide_what_their_names_say() {
    for (file, holding, not_holding) in EXAMPLES {
        let decision = decide_file(file);
        for id in *holding {
            assert_eq!(
                status(&decision, id),
                "holds",
                "{file}: `{id}`\n{decision:#}"
            );
        }
        for id in *not_holding {
            assert_eq!(
                status(&decision, id),
                "does_not_hold",
                "{file}: `{id}`\n{decision:#}"
            );
        }
    }
}

#[test]
fn examples_give_the_filing_deadline() {
    for (file, deadline) in DEADLINES {
        let decision = decide_file(file);
        let text = explanation(&decision, "one_year_deadline_upcoming");
        assert!(text.contains(deadline), "{file}: {text:?} lacks {deadline}");
    }
}

#[test]
fn half_facts_unknown_names_the_missing_facts() {
    let decision = decide_file("half_facts_unknown.json");
    let missing: Vec<&str> = decision["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for fact in [
        "person.unaccompanied_child",
        "extreme_risk.medical_emergency",
        "proceedings",
    ] {
        assert!(missing.contains(&fact), "`{fact}` not in {missing:?}");
    }
    assert_eq!(
        status(&decision, "cbp_one_appointment_required"),
        "undetermined"
    );
}
