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
//! entry, an entry on 29 February), the facts that contradict each other, invalid facts,
//! and every example fact file in `examples/`.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// ---------------------------------------------------------------------------------------
// Helpers

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

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn policy() -> PathBuf {
    root().join("policies/us-mexico-border")
}

/// Runs `asylon` with `args`, writing `stdin` to its standard input.
fn asylon(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the asylon binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("asylon reads its facts");
    child.wait_with_output().expect("asylon finishes")
}

/// `asylon eval policies/us-mexico-border - --as-of AS_OF --format json`, facts on stdin.
fn eval(facts: &Value, as_of: &str) -> Output {
    let policy = policy();
    let args = ["eval", policy.to_str().unwrap(), "-", "--as-of", as_of, "--format", "json"];
    asylon(&args, &facts.to_string())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Holds,
    DoesNotHold,
    Undetermined,
}

/// One outcome in a decision: its status, and the facts that could decide it.
#[derive(Debug)]
struct Verdict {
    status: Status,
    missing: Vec<String>,
    explanation: String,
}

/// A decision, read from the JSON printed by `asylon eval --format json`.
struct Decision {
    verdicts: BTreeMap<String, Verdict>,
    json: Value,
}

impl Decision {
    fn parse(stdout: &str) -> Decision {
        let json: Value = serde_json::from_str(stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}"));
        let mut verdicts = BTreeMap::new();
        let mut add = |id: &str, verdict: Verdict| {
            let previous = verdicts.insert(id.to_owned(), verdict);
            assert!(previous.is_none(), "outcome `{id}` is listed twice:\n{stdout}");
        };
        let list = |key: &str| -> Vec<Value> {
            json[key].as_array().unwrap_or_else(|| panic!("no `{key}` list:\n{stdout}")).clone()
        };
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default()
        };
        for o in list("outcomes") {
            assert_eq!(o["status"], "holds", "in `outcomes`: {o}");
            let explanation = o["explanation"].as_str().unwrap_or_default().to_owned();
            let verdict = Verdict { status: Status::Holds, missing: vec![], explanation };
            add(o["id"].as_str().unwrap(), verdict);
        }
        for o in list("undetermined") {
            assert_eq!(o["status"], "undetermined", "in `undetermined`: {o}");
            let missing = strings(&o["missing"]);
            let verdict = Verdict { status: Status::Undetermined, missing, explanation: String::new() };
            add(o["id"].as_str().unwrap(), verdict);
        }
        for id in list("does_not_hold") {
            let verdict = Verdict { status: Status::DoesNotHold, missing: vec![], explanation: String::new() };
            add(id.as_str().unwrap(), verdict);
        }
        Decision { verdicts, json }
    }

    fn get(&self, id: &str) -> &Verdict {
        self.verdicts
            .get(id)
            .unwrap_or_else(|| panic!("outcome `{id}` is missing from the decision:\n{:#}", self.json))
    }

    fn status(&self, id: &str) -> Status {
        self.get(id).status
    }
}

/// Evaluates `facts`, which must be accepted (exit 0), and reads the decision.
fn decide(facts: &Value, as_of: &str) -> Decision {
    let out = eval(facts, as_of);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "facts {facts} as of {as_of} were not evaluated:\n{stderr}");
    let decision = Decision::parse(&stdout);
    assert_eq!(decision.json["as_of"], as_of, "{stdout}");
    decision
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

fn check(as_of: &str, facts: &Value, expectations: &[Expect]) {
    let decision = decide(facts, as_of);
    let context = || format!("facts {facts} as of {as_of}:\n{:#}", decision.json);
    for e in expectations {
        match *e {
            Holds(id) => assert_eq!(decision.status(id), Status::Holds, "`{id}` should hold; {}", context()),
            DoesNotHold(id) => {
                assert_eq!(decision.status(id), Status::DoesNotHold, "`{id}` should not hold; {}", context())
            }
            Undetermined(id, fact) => {
                let v = decision.get(id);
                assert_eq!(v.status, Status::Undetermined, "`{id}` should be undetermined; {}", context());
                assert!(v.missing.iter().any(|m| m == fact), "`{id}` should miss `{fact}`; {}", context());
            }
            Explains(id, needle) => {
                let v = decision.get(id);
                assert_eq!(v.status, Status::Holds, "`{id}` should hold; {}", context());
                assert!(v.explanation.contains(needle), "`{id}` should explain {needle:?}; {}", context());
            }
        }
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

/// Evaluates facts that must be rejected (exit 1) and returns the diagnostic.
fn rejected(facts: &Value, as_of: &str) -> String {
    let out = eval(facts, as_of);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "facts {facts} as of {as_of} should be rejected:\n{}", text(&out.stdout));
    assert!(!stderr.trim().is_empty(), "no diagnostic for {facts}");
    stderr
}

// ---------------------------------------------------------------------------------------
// The policy as a whole

#[test]
fn the_policy_checks() {
    let policy = policy();
    let out = asylon(&["check", policy.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn with_no_facts_every_outcome_is_undetermined_and_names_what_it_needs() {
    let decision = decide(&json!({}), AS_OF);
    assert_eq!(decision.verdicts.len(), OUTCOMES.len(), "{:#}", decision.json);
    for id in OUTCOMES {
        let v = decision.get(id);
        assert_eq!(v.status, Status::Undetermined, "`{id}`");
        assert!(!v.missing.is_empty(), "`{id}` is undetermined but misses nothing");
    }
    assert!(!decision.json["missing"].as_array().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// Who can seek asylum at the border; CBP One

#[test]
fn lawful_entry_at_port() {
    for authorization in ["us_citizen", "lawful_permanent_resident", "valid_visa", "parole_travel_authorization"] {
        cases! { { "authorization": authorization } => [Holds("lawful_entry_at_port")] }
    }
    cases! {
        { "authorization": "none" } => [DoesNotHold("lawful_entry_at_port")],
        { "entry": { "method": "port_of_entry" } } => [Undetermined("lawful_entry_at_port", "authorization")],
    }
}

#[test]
fn may_request_asylum_at_port() {
    cases! {
        { "authorization": "parole_travel_authorization" } => [Holds("may_request_asylum_at_port")],
        { "authorization": "none", "entry": { "method": "not_yet_entered" }, "cbp_one": { "appointment": true } }
            => [Holds("may_request_asylum_at_port")],
        { "authorization": "none", "entry": { "method": "port_of_entry" },
          "person": { "severe_trafficking_victim": true } }
            => [Holds("may_request_asylum_at_port")],
        // An appointment does not cover a crossing between ports.
        { "authorization": "none", "entry": { "method": "between_ports" }, "cbp_one": { "appointment": true } }
            => [DoesNotHold("may_request_asylum_at_port")],
        { "authorization": "none", "entry": { "method": "not_yet_entered" }, "cbp_one": { "appointment": false },
          "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
          "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false } }
            => [DoesNotHold("may_request_asylum_at_port")],
        { "authorization": "none", "entry": { "method": "not_yet_entered" }, "cbp_one": { "appointment": false },
          "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
          "extreme_risk": { "medical_emergency": false, "imminent_threat": false } }
            => [Undetermined("may_request_asylum_at_port", "extreme_risk.other")],
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

#[test]
fn cbp_one_appointment_required() {
    let base = needs_appointment();
    let id = "cbp_one_appointment_required";
    check(AS_OF, &base, &[Holds(id)]);
    check(AS_OF, &with(&base, "person.unaccompanied_child", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "cbp_one.appointment", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.fears_return", json!(false)), &[DoesNotHold(id)]);
    let cannot_read = with(&base, "cbp_one.barrier", json!("cannot_read"));
    check(AS_OF, &with(&cannot_read, "cbp_one.barrier_accepted", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &cannot_read, &[Undetermined(id, "cbp_one.barrier_accepted")]);
    check(AS_OF, &with(&base, "extreme_risk.other", Value::Null), &[Undetermined(id, "extreme_risk.other")]);
}

#[test]
fn cbp_one_appointment_required_lists_what_crossing_anyway_brings() {
    let id = "cbp_one_appointment_required";
    check(
        AS_OF,
        &needs_appointment(),
        &[
            Explains(id, "not be able to ask for asylum"),
            Explains(id, "removed from the U.S. in a few days"),
            Explains(id, "at least 5 years"),
            Explains(id, "prison and fines"),
        ],
    );
}

#[test]
fn cbp_one_wrong_location() {
    let base = needs_appointment();
    let id = "cbp_one_wrong_location";
    check(AS_OF, &with(&base, "location", json!("other_mexico")), &[Holds(id)]);
    check(AS_OF, &with(&base, "location", json!("elsewhere")), &[Holds(id)]);
    check(AS_OF, &with(&base, "location", json!("central_mexico")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "location", json!("northwest_mexico")), &[DoesNotHold(id)]);
    check(AS_OF, &base, &[Undetermined(id, "location")]);
}

#[test]
fn cbp_one_exception_request() {
    cases! {
        { "authorization": "none", "cbp_one": { "appointment": false, "barrier": "technical_failure" },
          "entry": { "method": "port_of_entry" } }
            => [Holds("cbp_one_exception_request")],
        { "authorization": "none", "cbp_one": { "appointment": false, "barrier": "cannot_read" },
          "entry": { "method": "between_ports" } }
            => [DoesNotHold("cbp_one_exception_request")],
        { "authorization": "none", "cbp_one": { "appointment": false, "barrier": "none" },
          "entry": { "method": "not_yet_entered" } }
            => [DoesNotHold("cbp_one_exception_request")],
        { "authorization": "none", "cbp_one": { "appointment": false }, "entry": { "method": "not_yet_entered" } }
            => [Undetermined("cbp_one_exception_request", "cbp_one.barrier")],
    }
}

#[test]
fn cbp_one_barrier_accepted() {
    let id = "cbp_one_barrier_accepted";
    cases! {
        { "authorization": "none", "cbp_one": { "barrier": "cannot_read", "barrier_accepted": true } }
            => [Holds(id), Explains(id, "credible fear case"), Explains(id, "asylum ban can still apply")],
        { "authorization": "none", "cbp_one": { "barrier": "cannot_read", "barrier_accepted": false } }
            => [DoesNotHold(id)],
        { "cbp_one": { "barrier": "technical_failure", "barrier_accepted": true } }
            => [Undetermined(id, "authorization")],
    }
}

#[test]
fn extreme_risk_exception() {
    cases! {
        { "authorization": "none", "extreme_risk": { "imminent_threat": true } } => [Holds("extreme_risk_exception")],
        { "authorization": "none", "extreme_risk": { "other": true } } => [Holds("extreme_risk_exception")],
        { "authorization": "none", "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false } }
            => [DoesNotHold("extreme_risk_exception")],
        { "authorization": "valid_visa", "extreme_risk": { "medical_emergency": true } }
            => [DoesNotHold("extreme_risk_exception")],
        { "authorization": "none", "extreme_risk": { "medical_emergency": false, "imminent_threat": false } }
            => [Undetermined("extreme_risk_exception", "extreme_risk.other")],
    }
}

// ---------------------------------------------------------------------------------------
// The asylum ban

#[test]
fn asylum_ban_in_effect() {
    cases! {
        { "border": { "asylum_ban_in_force": true } } => [Holds("asylum_ban_in_effect")],
        { "border": { "daily_crossings_average": 4000 } } => [Holds("asylum_ban_in_effect")],
        { "border": { "asylum_ban_in_force": false, "daily_crossings_average": 1200 } }
            => [DoesNotHold("asylum_ban_in_effect")],
        { "border": { "asylum_ban_in_force": false } }
            => [Undetermined("asylum_ban_in_effect", "border.daily_crossings_average")],
        { "border": { "daily_crossings_average": 1200 } }
            => [Undetermined("asylum_ban_in_effect", "border.asylum_ban_in_force")],
    }
}

#[test]
fn asylum_ban_threshold_is_2500_crossings() {
    cases! {
        { "border": { "asylum_ban_in_force": false, "daily_crossings_average": 2499 } }
            => [DoesNotHold("asylum_ban_in_effect")],
        { "border": { "asylum_ban_in_force": false, "daily_crossings_average": 2500 } }
            => [Holds("asylum_ban_in_effect")],
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
    let base = about_to_cross_under_ban();
    let id = "asylum_ban_warning";
    check(AS_OF, &base, &[Holds(id)]);
    let lifted = with(&base, "border", json!({ "asylum_ban_in_force": false, "daily_crossings_average": 900 }));
    check(AS_OF, &lifted, &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.unaccompanied_child", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "cbp_one.appointment", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "extreme_risk.imminent_threat", json!(true)), &[DoesNotHold(id)]);
    let unsure = with(&base, "person.severe_trafficking_victim", Value::Null);
    check(AS_OF, &unsure, &[Undetermined(id, "person.severe_trafficking_victim")]);
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
    let base = crossed_during_ban();
    let id = "asylum_ban_applies";
    check(AS_OF, &base, &[Holds(id)]);
    check(AS_OF, &with(&base, "entry.during_asylum_ban", json!(false)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "authorization", json!("valid_visa")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.unaccompanied_child", Value::Null), &[Undetermined(id, "person.unaccompanied_child")]);
    check(AS_OF, &with(&base, "entry.during_asylum_ban", Value::Null), &[Undetermined(id, "entry.during_asylum_ban")]);
}

#[test]
fn asylum_ban_applies_explains_the_lesser_protections() {
    let id = "asylum_ban_applies";
    check(
        AS_OF,
        &crossed_during_ban(),
        &[
            Explains(id, "withholding of removal"),
            Explains(id, "Convention Against Torture"),
            Explains(id, "reversed in court"),
        ],
    );
}

#[test]
fn each_group_the_ban_does_not_affect_defeats_it() {
    let base = crossed_during_ban();
    let id = "asylum_ban_applies";
    check(AS_OF, &with(&base, "person.unaccompanied_child", json!(true)), &[DoesNotHold(id), Holds("asylum_ban_exception")]);
    check(AS_OF, &with(&base, "person.severe_trafficking_victim", json!(true)), &[DoesNotHold(id), Holds("asylum_ban_exception")]);
    check(AS_OF, &with(&base, "extreme_risk.medical_emergency", json!(true)), &[DoesNotHold(id), Holds("asylum_ban_exception")]);
    // An appointment covers a presentation at a port of entry ...
    let at_port = with(&with(&base, "cbp_one.appointment", json!(true)), "entry.method", json!("port_of_entry"));
    check(AS_OF, &at_port, &[DoesNotHold(id), Holds("asylum_ban_exception")]);
    // ... not a crossing between ports.
    let between = with(&base, "cbp_one.appointment", json!(true));
    check(AS_OF, &between, &[Holds(id), DoesNotHold("asylum_ban_exception")]);
}

#[test]
fn asylum_ban_exception() {
    cases! {
        { "authorization": "none", "person": { "unaccompanied_child": true }, "border": { "asylum_ban_in_force": true } }
            => [Holds("asylum_ban_exception")],
        { "authorization": "none", "entry": { "method": "between_ports", "during_asylum_ban": true },
          "extreme_risk": { "imminent_threat": true } }
            => [Holds("asylum_ban_exception")],
        { "authorization": "none", "border": { "asylum_ban_in_force": true },
          "person": { "unaccompanied_child": false, "severe_trafficking_victim": false },
          "cbp_one": { "appointment": false },
          "extreme_risk": { "medical_emergency": false, "imminent_threat": false, "other": false } }
            => [DoesNotHold("asylum_ban_exception")],
        { "authorization": "none", "person": { "unaccompanied_child": true },
          "border": { "asylum_ban_in_force": false, "daily_crossings_average": 800 } }
            => [Undetermined("asylum_ban_exception", "entry.during_asylum_ban")],
    }
}

#[test]
fn withholding_of_removal_possible() {
    let base = crossed_during_ban();
    let id = "withholding_of_removal_possible";
    check(AS_OF, &base, &[Holds(id)]);
    check(AS_OF, &with(&base, "person.fears_return", json!(false)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.unaccompanied_child", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.fears_return", Value::Null), &[Undetermined(id, "person.fears_return")]);
}

// ---------------------------------------------------------------------------------------
// Expedited removal, credible fear, torture

#[test]
fn cat_protection_possible() {
    cases! {
        { "person": { "fears_torture_by_official": true } } => [Holds("cat_protection_possible")],
        { "person": { "fears_torture_by_official": false } } => [DoesNotHold("cat_protection_possible")],
        { "person": { "fears_return": true } }
            => [Undetermined("cat_protection_possible", "person.fears_torture_by_official")],
    }
}

#[test]
fn expedited_removal_risk() {
    let id = "expedited_removal_risk";
    cases! {
        { "authorization": "none", "entry": { "method": "between_ports" },
          "person": { "unaccompanied_child": false }, "proceedings": "none" }
            => [Holds(id)],
        // An appointment does not guarantee entry.
        { "authorization": "none", "entry": { "method": "port_of_entry" }, "cbp_one": { "appointment": true },
          "person": { "unaccompanied_child": false }, "proceedings": "expedited_removal" }
            => [Holds(id)],
        { "authorization": "valid_visa", "entry": { "method": "port_of_entry", "false_documents": true },
          "person": { "unaccompanied_child": false }, "proceedings": "none" }
            => [Holds(id)],
        { "authorization": "none", "entry": { "method": "between_ports" },
          "person": { "unaccompanied_child": false }, "proceedings": "notice_to_appear" }
            => [DoesNotHold(id)],
        // Not allowed for children traveling alone.
        { "authorization": "none", "entry": { "method": "between_ports" },
          "person": { "unaccompanied_child": true }, "proceedings": "none" }
            => [DoesNotHold(id)],
        { "authorization": "none", "entry": { "method": "between_ports" }, "person": { "unaccompanied_child": false } }
            => [Undetermined(id, "proceedings")],
        { "authorization": "none", "entry": { "method": "between_ports" }, "proceedings": "none" }
            => [Undetermined(id, "person.unaccompanied_child")],
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
    let base = crossed_without_requirements();
    let id = "reentry_bar_risk";
    check(AS_OF, &base, &[Holds(id)]);
    // An appointment does not cover a crossing between ports.
    check(AS_OF, &with(&base, "cbp_one.appointment", json!(true)), &[Holds(id)]);
    check(AS_OF, &with(&base, "person.unaccompanied_child", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.severe_trafficking_victim", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "extreme_risk.medical_emergency", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "entry.method", json!("not_yet_entered")), &[DoesNotHold(id)]);
    let accepted = with(&base, "cbp_one.barrier", json!("technical_failure"));
    check(AS_OF, &with(&accepted, "cbp_one.barrier_accepted", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &accepted, &[Undetermined(id, "cbp_one.barrier_accepted")]);
}

#[test]
fn must_state_fear() {
    let id = "must_state_fear";
    cases! {
        { "fear_stated": false, "person": { "unaccompanied_child": false }, "custody": "ice" } => [Holds(id)],
        { "fear_stated": false, "person": { "unaccompanied_child": false }, "proceedings": "expedited_removal" }
            => [Holds(id)],
        { "fear_stated": true, "person": { "unaccompanied_child": false }, "custody": "cbp" } => [DoesNotHold(id)],
        { "fear_stated": false, "person": { "unaccompanied_child": true }, "custody": "cbp" } => [DoesNotHold(id)],
        { "fear_stated": false, "person": { "unaccompanied_child": false },
          "custody": "released", "proceedings": "notice_to_appear" }
            => [DoesNotHold(id)],
        { "person": { "unaccompanied_child": false }, "custody": "cbp" } => [Undetermined(id, "fear_stated")],
    }
}

#[test]
fn credible_fear_screening() {
    let id = "credible_fear_screening";
    cases! {
        { "proceedings": "expedited_removal", "fear_stated": true, "person": { "unaccompanied_child": false } }
            => [Holds(id), Explains(id, "higher standards")],
        { "proceedings": "notice_to_appear", "fear_stated": true, "person": { "unaccompanied_child": false } }
            => [DoesNotHold(id)],
        { "proceedings": "expedited_removal", "fear_stated": true, "person": { "unaccompanied_child": true } }
            => [DoesNotHold(id)],
        { "proceedings": "expedited_removal", "fear_stated": true }
            => [Undetermined(id, "person.unaccompanied_child")],
    }
}

#[test]
fn enhanced_expedited_removal() {
    let id = "enhanced_expedited_removal";
    cases! {
        { "proceedings": "expedited_removal", "custody": "cbp", "person": { "unaccompanied_child": false } }
            => [Holds(id)],
        { "proceedings": "expedited_removal", "custody": "ice", "person": { "unaccompanied_child": false } }
            => [DoesNotHold(id)],
        { "proceedings": "expedited_removal", "custody": "cbp", "person": { "unaccompanied_child": true } }
            => [DoesNotHold(id)],
        { "proceedings": "expedited_removal", "person": { "unaccompanied_child": false } }
            => [Undetermined(id, "custody")],
    }
}

#[test]
fn expedited_removal_not_allowed_child() {
    let id = "expedited_removal_not_allowed_child";
    cases! {
        { "proceedings": "expedited_removal", "person": { "unaccompanied_child": true } }
            => [Holds(id), Explains(id, "at once")],
        { "proceedings": "expedited_removal", "person": { "unaccompanied_child": false } } => [DoesNotHold(id)],
        { "proceedings": "notice_to_appear", "person": { "unaccompanied_child": true } } => [DoesNotHold(id)],
        { "person": { "unaccompanied_child": true } } => [Undetermined(id, "proceedings")],
    }
}

#[test]
fn persecution_ground_needed() {
    let id = "persecution_ground_needed";
    cases! {
        { "proceedings": "expedited_removal", "fear_stated": true,
          "person": { "unaccompanied_child": false, "persecution_grounds": [] } }
            => [Holds(id), Explains(id, "Convention Against Torture"), Explains(id, "attorney")],
        { "proceedings": "expedited_removal", "fear_stated": true,
          "person": { "unaccompanied_child": false, "persecution_grounds": ["religion"] } }
            => [DoesNotHold(id)],
        { "proceedings": "notice_to_appear", "fear_stated": true,
          "person": { "unaccompanied_child": false, "persecution_grounds": [] } }
            => [DoesNotHold(id)],
        { "proceedings": "expedited_removal", "fear_stated": true, "person": { "unaccompanied_child": false } }
            => [Undetermined(id, "person.persecution_grounds")],
    }
    // Never "no case".
    let decision = decide(
        &json!({ "proceedings": "expedited_removal", "fear_stated": true,
                 "person": { "unaccompanied_child": false, "persecution_grounds": [] } }),
        AS_OF,
    );
    let explanation = decision.get(id).explanation.to_lowercase();
    assert!(!explanation.contains("no case"), "{explanation}");
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
    check(AS_OF, &with(&base, "custody", json!("cbp")), &[Holds(id)]);
    check(AS_OF, &with(&base, "custody", json!("released")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.prior_removal_order", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "credible_fear.result", json!("negative")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "person.prior_removal_order", Value::Null), &[Undetermined(id, "person.prior_removal_order")]);
    check(AS_OF, &with(&base, "credible_fear.referral_date", Value::Null), &[Undetermined(id, "credible_fear.referral_date")]);
}

#[test]
fn credible_fear_overdue_counts_from_day_61() {
    let id = "credible_fear_overdue";
    check(AS_OF, &waiting_since("2024-04-18"), &[DoesNotHold(id)]); // day 60
    check(AS_OF, &waiting_since("2024-04-17"), &[Holds(id)]); // day 61
    // The same day count, counted from another evaluation date.
    check("2024-03-01", &waiting_since("2024-01-01"), &[DoesNotHold(id)]); // day 60
    check("2024-03-02", &waiting_since("2024-01-01"), &[Holds(id)]); // day 61
}

#[test]
fn notice_to_appear_after_67_days() {
    let id = "notice_to_appear_after_67_days";
    let base = waiting_since("2024-04-08");
    check(AS_OF, &base, &[Holds(id)]);
    // "This rule does not apply to people with past deportation orders."
    check(AS_OF, &with(&base, "person.prior_removal_order", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "credible_fear.result", json!("positive")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "credible_fear.result", Value::Null), &[Undetermined(id, "credible_fear.result")]);
    check(AS_OF, &with(&base, "custody", Value::Null), &[Undetermined(id, "custody")]);
}

#[test]
fn notice_to_appear_counts_from_day_68() {
    let id = "notice_to_appear_after_67_days";
    check(AS_OF, &waiting_since("2024-04-11"), &[DoesNotHold(id), Holds("credible_fear_overdue")]); // day 67
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
    let positive = decide(&json!({ "credible_fear": { "result": "positive" } }), AS_OF);
    let pending = decide(&json!({ "credible_fear": { "result": "pending" } }), AS_OF);
    for id in OUTCOMES {
        if positive.status(id) == Status::Holds {
            assert_eq!(pending.status(id), Status::Holds, "`{id}` holds only because of a positive result");
        }
    }
}

#[test]
fn defensive_asylum() {
    cases! {
        { "proceedings": "notice_to_appear" } => [Holds("defensive_asylum")],
        { "proceedings": "expedited_removal" } => [DoesNotHold("defensive_asylum")],
        { "custody": "released" } => [Undetermined("defensive_asylum", "proceedings")],
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
    check(AS_OF, &base, &[Holds(id), Explains(id, "January 15, 2025")]);
    check(AS_OF, &with(&base, "asylum.application_filed", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "location", json!("other_mexico")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "entry.date", json!("2023-01-15")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "entry.date", Value::Null), &[Undetermined(id, "entry.date")]);
    check(AS_OF, &with(&base, "asylum.application_filed", Value::Null), &[Undetermined(id, "asylum.application_filed")]);
}

#[test]
fn one_year_deadline_passed() {
    let id = "one_year_deadline_passed";
    let base = in_us_since("2023-04-17");
    check(AS_OF, &base, &[Holds(id), Explains(id, "exception"), Explains(id, "as soon as possible")]);
    check(AS_OF, &with(&base, "asylum.application_filed", json!(true)), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "entry.date", json!("2024-01-15")), &[DoesNotHold(id)]);
    check(AS_OF, &with(&base, "location", Value::Null), &[Undetermined(id, "location")]);
    check(AS_OF, &with(&base, "entry.date", Value::Null), &[Undetermined(id, "entry.date")]);
}

#[test]
fn the_first_anniversary_of_entry_is_the_last_day() {
    let (upcoming, passed) = ("one_year_deadline_upcoming", "one_year_deadline_passed");
    let facts = in_us_since("2023-06-17");
    check("2024-06-17", &facts, &[Holds(upcoming), DoesNotHold(passed), Explains(upcoming, "June 17, 2024")]);
    check("2024-06-18", &facts, &[DoesNotHold(upcoming), Holds(passed)]);
}

#[test]
fn an_entry_on_29_february_has_its_anniversary_on_28_february() {
    let (upcoming, passed) = ("one_year_deadline_upcoming", "one_year_deadline_passed");
    let facts = in_us_since("2024-02-29");
    check("2025-02-28", &facts, &[Holds(upcoming), DoesNotHold(passed), Explains(upcoming, "February 28, 2025")]);
    check("2025-03-01", &facts, &[DoesNotHold(upcoming), Holds(passed)]);
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
        { "travel": { "irregular_crossings": [], "by_water": true }, "person": { "nationality": "VE" } } => [DoesNotHold(id)],
        { "travel": { "irregular_crossings": [], "by_water": false }, "person": { "nationality": "HT" } } => [DoesNotHold(id)],
        { "travel": { "irregular_crossings": [] }, "person": { "nationality": "CU" } } => [Undetermined(id, "travel.by_water")],
        { "travel": { "by_water": false } } => [Undetermined(id, "travel.irregular_crossings")],
    }
}

// ---------------------------------------------------------------------------------------
// Facts that contradict each other, and invalid facts

#[test]
fn contradictory_facts_are_rejected_naming_both_facts() {
    let rows: [(Value, &[&str]); 5] = [
        (json!({ "entry": { "method": "not_yet_entered" }, "location": "united_states" }), &["entry.method", "location"]),
        (json!({ "entry": { "method": "not_yet_entered", "date": "2024-01-10" } }), &["entry.method", "entry.date"]),
        (
            json!({ "entry": { "method": "not_yet_entered", "during_asylum_ban": false } }),
            &["entry.method", "entry.during_asylum_ban"],
        ),
        (json!({ "entry": { "date": "2024-06-18" } }), &["entry.date"]),
        (json!({ "credible_fear": { "referral_date": "2024-06-18" } }), &["credible_fear.referral_date"]),
    ];
    for (facts, names) in rows {
        let stderr = rejected(&facts, AS_OF);
        for name in names {
            assert!(stderr.contains(name), "the diagnostic for {facts} does not name `{name}`:\n{stderr}");
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
        rejected(&facts, AS_OF);
    }
}

#[test]
fn a_misspelt_fact_is_named() {
    let stderr = rejected(&json!({ "person": { "unacompanied_child": true } }), AS_OF);
    assert!(stderr.contains("unacompanied_child"), "{stderr}");
}

#[test]
fn null_means_unknown() {
    cases! {
        { "person": { "fears_torture_by_official": null } }
            => [Undetermined("cat_protection_possible", "person.fears_torture_by_official")],
    }
}

#[test]
fn a_usage_error_exits_2() {
    let policy = policy();
    let out = asylon(&["eval", policy.to_str().unwrap(), "-", "--no-such-flag"], "{}");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

// ---------------------------------------------------------------------------------------
// The example fact files

/// Each example with what must hold in it and what must not.
const EXAMPLES: &[(&str, &[&str], &[&str])] = &[
    (
        "unaccompanied_child_northwest_mexico.json",
        &["may_request_asylum_at_port", "asylum_ban_exception", "parole_processes_unavailable"],
        &["cbp_one_appointment_required", "asylum_ban_warning", "expedited_removal_risk", "must_state_fear"],
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
        &["asylum_ban_exception", "must_state_fear", "credible_fear_overdue", "persecution_ground_needed"],
    ),
    (
        "visa_holder.json",
        &["lawful_entry_at_port", "may_request_asylum_at_port"],
        &["cbp_one_appointment_required", "asylum_ban_warning", "expedited_removal_risk", "parole_processes_unavailable"],
    ),
    (
        "detained_70_days_no_screening.json",
        &["credible_fear_overdue", "notice_to_appear_after_67_days", "credible_fear_screening", "one_year_deadline_upcoming"],
        &["immigration_judge_review", "asylum_ban_applies", "must_state_fear", "enhanced_expedited_removal"],
    ),
    (
        "entered_14_months_ago_never_applied.json",
        &["one_year_deadline_passed", "defensive_asylum"],
        &["one_year_deadline_upcoming", "expedited_removal_risk", "asylum_ban_applies"],
    ),
    (
        "haitian_arriving_by_sea.json",
        &["parole_processes_unavailable", "defensive_asylum", "cat_protection_possible", "one_year_deadline_upcoming"],
        &["expedited_removal_risk", "asylum_ban_applies", "one_year_deadline_passed"],
    ),
    (
        "cannot_read_cannot_use_app.json",
        &["cbp_one_exception_request", "asylum_ban_warning"],
        &["cbp_one_wrong_location", "may_request_asylum_at_port"],
    ),
    ("half_facts_unknown.json", &[], &["lawful_entry_at_port", "cbp_one_wrong_location"]),
    (
        "negative_screening_in_cbp_custody.json",
        &[
            "immigration_judge_review",
            "enhanced_expedited_removal",
            "persecution_ground_needed",
            "asylum_ban_applies",
            "withholding_of_removal_possible",
        ],
        &["credible_fear_overdue", "defensive_asylum", "must_state_fear"],
    ),
    (
        "medical_emergency_at_the_border.json",
        &["extreme_risk_exception", "may_request_asylum_at_port", "asylum_ban_exception", "asylum_ban_in_effect"],
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

fn decide_file(path: &Path) -> Decision {
    let policy = policy();
    let args = ["eval", policy.to_str().unwrap(), path.to_str().unwrap(), "--as-of", AS_OF, "--format", "json"];
    let out = asylon(&args, "");
    assert_eq!(out.status.code(), Some(0), "{} was not evaluated:\n{}", path.display(), text(&out.stderr));
    Decision::parse(&text(&out.stdout))
}

#[test]
fn every_example_evaluates() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(EXAMPLES.iter().any(|(file, ..)| *file == name), "{name} has no expectations in EXAMPLES");
        let decision = decide_file(path);
        assert_eq!(decision.verdicts.len(), OUTCOMES.len(), "{name}");
    }
}

#[test]
fn examples_decide_what_their_names_say() {
    for (file, holding, not_holding) in EXAMPLES {
        let decision = decide_file(&root().join("examples").join(file));
        for id in *holding {
            assert_eq!(decision.status(id), Status::Holds, "{file}: `{id}`\n{:#}", decision.json);
        }
        for id in *not_holding {
            assert_eq!(decision.status(id), Status::DoesNotHold, "{file}: `{id}`\n{:#}", decision.json);
        }
    }
}

#[test]
fn examples_give_the_filing_deadline() {
    for (file, deadline) in DEADLINES {
        let decision = decide_file(&root().join("examples").join(file));
        let verdict = decision.get("one_year_deadline_upcoming");
        assert_eq!(verdict.status, Status::Holds, "{file}");
        assert!(verdict.explanation.contains(deadline), "{file}: {:?} lacks {deadline}", verdict.explanation);
    }
}

#[test]
fn half_facts_unknown_names_the_missing_facts() {
    let decision = decide_file(&root().join("examples/half_facts_unknown.json"));
    let missing: Vec<&str> =
        decision.json["missing"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    for fact in ["person.unaccompanied_child", "extreme_risk.medical_emergency", "proceedings"] {
        assert!(missing.contains(&fact), "`{fact}` not in {missing:?}");
    }
    assert_eq!(decision.status("cbp_one_appointment_required"), Status::Undetermined);
}
