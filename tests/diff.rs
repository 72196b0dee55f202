//! Rules that change: effective dates and versions of rules, and `asylon diff` on pairs of
//! policies whose differences are known.

mod common;

use common::{asylon, eval_json, status};

const VERSIONS: &str = "tests/fixtures/valid/versions.asylon";
const BASE: &str = "tests/fixtures/diff/base";

const CONTRACT: &str = "tests/fixtures/diff/contract";
const TEXTS_OLD: &str = "tests/fixtures/diff/texts/old.asylon";
const TEXTS_NEW: &str = "tests/fixtures/diff/texts/new.asylon";

/// The JSON report, checking the exit code says whether the policies differ.
fn diff_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = asylon(&all, "");
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("diff prints one JSON object");
    let differs = [
        &report["differences"],
        &report["contract"],
        &report["texts"],
    ]
    .iter()
    .any(|list| list.as_array().is_some_and(|l| !l.is_empty()));
    assert_eq!(run.code, i32::from(differs), "{}", run.stderr);
    report
}

#[test]
fn a_rule_applies_only_while_it_is_in_force() {
    let facts = r#"{"crossings": 3000, "child": false}"#;
    let before = eval_json(VERSIONS, facts, "2024-06-04");
    assert_eq!(status(&before, "ban"), "does_not_hold");
    assert_eq!(before["does_not_hold"][0]["title"], "There is no ban");
    let first_day = eval_json(VERSIONS, facts, "2024-06-05");
    assert_eq!(status(&first_day, "ban"), "holds");
    assert_eq!(
        first_day["outcomes"][0]["effective"],
        "effective from 2024-06-05"
    );
    assert_eq!(first_day["outcomes"][0]["title"], "The ban is in effect");
}

#[test]
fn an_exception_takes_effect_on_its_date() {
    let facts = r#"{"crossings": 3000, "child": true}"#;
    let before = eval_json(VERSIONS, facts, "2024-06-30");
    assert_eq!(status(&before, "ban"), "holds");
    let reason = &before["outcomes"][0]["because"][2];
    assert_eq!(reason["exception"], "children");
    assert_eq!(
        reason["condition"],
        "child (not in force: effective from 2024-07-01)"
    );
    let after = eval_json(VERSIONS, facts, "2024-07-01");
    assert_eq!(status(&after, "ban"), "does_not_hold");
    assert_eq!(
        after["does_not_hold"][0]["defeated_by"][0]["exception"],
        "children"
    );
}

#[test]
fn a_value_takes_the_version_in_force() {
    let d = eval_json(VERSIONS, "{}", "2024-12-31");
    assert_eq!(status(&d, "short_wait"), "does_not_hold");
    let d = eval_json(VERSIONS, "{}", "2025-01-01");
    assert_eq!(status(&d, "short_wait"), "holds");
    assert_eq!(d["outcomes"][0]["title"], "A short wait of 30 days");
}

#[test]
fn a_pure_refactoring_makes_no_difference() {
    let report = diff_json(&[
        BASE,
        "tests/fixtures/diff/refactored",
        "--as-of",
        "2024-06-17",
    ]);
    assert_eq!(report["complete"], true);
    assert_eq!(report["differences"], serde_json::json!([]));
    assert_eq!(report["outcomes_compared"], 2);
    let run = asylon(
        &[
            "diff",
            BASE,
            "tests/fixtures/diff/refactored",
            "--as-of",
            "2024-06-17",
        ],
        "",
    );
    assert!(
        run.stdout.contains("They agree on every input."),
        "{}",
        run.stdout
    );
}

#[test]
fn a_raised_threshold_is_found_at_its_boundary() {
    let report = diff_json(&[
        BASE,
        "tests/fixtures/diff/threshold",
        "--as-of",
        "2024-06-17",
    ]);
    assert_eq!(report["complete"], true);
    let differences = report["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 1, "{report}");
    let d = &differences[0];
    assert_eq!(d["outcome"], "ban_applies");
    assert_eq!(d["old"], "holds");
    assert_eq!(d["new"], "does_not_hold");
    let crossings = d["witness"]["crossings"].as_i64().unwrap();
    assert!((2500..3000).contains(&crossings), "{crossings}");
}

#[test]
fn a_removed_exception_changes_the_verdict_for_the_people_it_covered() {
    let report = diff_json(&[
        BASE,
        "tests/fixtures/diff/no_exception",
        "--as-of",
        "2024-06-17",
    ]);
    let d = &report["differences"][0];
    assert_eq!(d["outcome"], "ban_applies");
    assert_eq!(d["witness"]["child"], true);
    assert_eq!(
        (d["old"].as_str(), d["new"].as_str()),
        (Some("does_not_hold"), Some("holds"))
    );
}

#[test]
fn every_witness_replays_through_eval_with_the_claimed_verdicts() {
    for new in ["threshold", "no_exception", "refactored", "contract"] {
        let new = format!("tests/fixtures/diff/{new}");
        let report = diff_json(&[BASE, &new, "--as-of", "2024-06-17"]);
        for d in report["differences"].as_array().unwrap() {
            let witness = d["witness"].to_string();
            let id = d["outcome"].as_str().unwrap();
            let old = eval_json(BASE, &witness, d["as_of"].as_str().unwrap());
            let new_decision = eval_json(&new, &witness, d["as_of"].as_str().unwrap());
            assert_eq!(status(&old, id), d["old"], "{witness}");
            assert_eq!(status(&new_decision, id), d["new"], "{witness}");
        }
    }
}

#[test]
fn a_policy_compared_with_itself_across_an_effective_date() {
    let report = diff_json(&[
        VERSIONS,
        VERSIONS,
        "--old-as-of",
        "2024-06-04",
        "--as-of",
        "2024-07-01",
    ]);
    assert_eq!(report["complete"], true);
    let ids: Vec<&str> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ban"]);
    let d = &report["differences"][0];
    assert_eq!(d["old_as_of"], "2024-06-04");
    assert_eq!(d["old"], "does_not_hold");
    // Replayed on each date, the witness gives the claimed verdicts.
    let witness = d["witness"].to_string();
    assert_eq!(
        status(&eval_json(VERSIONS, &witness, "2024-06-04"), "ban"),
        d["old"]
    );
    assert_eq!(
        status(&eval_json(VERSIONS, &witness, "2024-07-01"), "ban"),
        d["new"]
    );
}

#[test]
fn diff_text_for_people() {
    let run = asylon(
        &[
            "diff",
            BASE,
            "tests/fixtures/diff/threshold",
            "--as-of",
            "2024-06-17",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn diff_refuses_an_invalid_policy_with_exit_2() {
    let run = asylon(&["diff", BASE, "tests/fixtures/invalid/cycle.asylon"], "");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("asylon::cycle"), "{}", run.stderr);
    let run = asylon(&["diff", BASE, "tests/fixtures/diff/nowhere"], "");
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = asylon(
        &[
            "diff",
            BASE,
            "tests/fixtures/invalid/cycle.asylon",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    let error: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(error["ok"], false);
}

#[test]
fn exit_codes_are_those_of_diff_1() {
    let code = |new: &str| asylon(&["diff", BASE, new, "--as-of", "2024-06-17"], "").code;
    assert_eq!(code("tests/fixtures/diff/refactored"), 0);
    assert_eq!(code(BASE), 0);
    assert_eq!(code("tests/fixtures/diff/threshold"), 1);
    assert_eq!(code(CONTRACT), 1);
    let run = asylon(&["diff", TEXTS_OLD, TEXTS_NEW, "--as-of", "2024-06-17"], "");
    assert_eq!(run.code, 1, "a change of texts only is a difference");
}

#[test]
fn a_spanish_only_rewording_is_reported_per_language() {
    let report = diff_json(&[TEXTS_OLD, TEXTS_NEW, "--as-of", "2024-06-17"]);
    assert_eq!(report["differences"], serde_json::json!([]));
    assert_eq!(report["contract"], serde_json::json!([]));
    let texts = report["texts"].as_array().unwrap();
    let explanation = texts
        .iter()
        .find(|t| t["field"] == "explanation")
        .expect("the explanation changed");
    assert_eq!(explanation["lang"], "es");
    assert_eq!(explanation["owner"], "outcome");
    assert_eq!(explanation["name"], "ban_applies");
    // The English explanation did not change, so it is not reported.
    assert_eq!(
        texts.iter().filter(|t| t["field"] == "explanation").count(),
        1
    );
    insta::assert_json_snapshot!(report["texts"]);
}

#[test]
fn changed_texts_for_people() {
    let run = asylon(&["diff", TEXTS_OLD, TEXTS_NEW, "--as-of", "2024-06-17"], "");
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn contract_changes_each_with_an_example_one_policy_accepts_and_the_other_refuses() {
    let report = diff_json(&[BASE, CONTRACT, "--as-of", "2024-06-17"]);
    let changes = report["contract"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c["change"].as_str().unwrap(), c["fact"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("variants", "method"),
            ("bound", "crossings"),
            ("renamed", "unaccompanied_child"),
            ("added", "entry.days_ago"),
            ("removed", "entry.date"),
        ]
    );
    for c in changes {
        let example = c["example"].to_string();
        let accepts = |policy: &str| {
            asylon(
                &[
                    "eval",
                    policy,
                    "-",
                    "--as-of",
                    "2024-06-17",
                    "--format",
                    "json",
                ],
                &example,
            )
            .code
                == 0
        };
        let expected = match c["accepted_by"].as_str() {
            Some("old") => (true, false),
            Some("new") => (false, true),
            other => panic!("no example for {c}: {other:?}"),
        };
        assert_eq!((accepts(BASE), accepts(CONTRACT)), expected, "{c}");
    }
    insta::assert_json_snapshot!(report["contract"]);
}

#[test]
fn a_witness_next_to_a_renamed_fact_is_accepted_by_both_policies() {
    let report = diff_json(&[BASE, CONTRACT, "--as-of", "2024-06-17"]);
    let d = &report["differences"][0];
    assert_eq!(d["outcome"], "ban_applies");
    // Neither the old nor the new name of the renamed fact: each policy refuses the
    // other's.
    assert!(d["witness"].get("child").is_none(), "{d}");
    assert!(d["witness"].get("unaccompanied_child").is_none(), "{d}");
    let witness = d["witness"].to_string();
    assert_eq!(
        status(&eval_json(BASE, &witness, "2024-06-17"), "ban_applies"),
        d["old"]
    );
    assert_eq!(
        status(&eval_json(CONTRACT, &witness, "2024-06-17"), "ban_applies"),
        d["new"]
    );
}

#[test]
fn contract_changes_for_people() {
    let run = asylon(&["diff", BASE, CONTRACT, "--as-of", "2024-06-17"], "");
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn the_border_policy_before_and_after_the_ban_took_effect() {
    let border = "policies/us-mexico-border";
    let facts = r#"{"authorization": "none", "entry": {"method": "between_ports", "during_asylum_ban": true},
                    "person": {"unaccompanied_child": false, "severe_trafficking_victim": false},
                    "extreme_risk": {"medical_emergency": false, "imminent_threat": false, "other": false},
                    "border": {"daily_crossings_average": 3000}}"#;
    let before = eval_json(border, facts, "2024-06-04");
    assert_eq!(status(&before, "asylum_ban_applies"), "does_not_hold");
    assert_eq!(status(&before, "asylum_ban_in_effect"), "does_not_hold");
    let not_in_force = before["does_not_hold"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "asylum_ban_applies")
        .unwrap();
    assert_eq!(
        not_in_force["effective"],
        "not in force on 2024-06-04: effective from 2024-06-05"
    );
    // CBP One and the other pathways are the same on both days.
    let after = eval_json(border, facts, "2024-06-05");
    assert_eq!(status(&after, "asylum_ban_applies"), "holds");
    assert_eq!(
        status(&after, "reentry_bar_risk"),
        status(&before, "reentry_bar_risk")
    );
    let report = diff_json(&[
        border,
        border,
        "--old-as-of",
        "2024-06-04",
        "--as-of",
        "2024-06-05",
    ]);
    assert_eq!(report["complete"], true);
    let changed: Vec<&str> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["outcome"].as_str().unwrap())
        .collect();
    for id in [
        "asylum_ban_in_effect",
        "asylum_ban_warning",
        "asylum_ban_applies",
        "asylum_ban_exception",
        "withholding_of_removal_possible",
    ] {
        assert!(
            changed.contains(&id),
            "{id} should change with the ban: {changed:?}"
        );
    }
    for id in [
        "may_request_asylum_at_port",
        "cbp_one_appointment_required",
        "reentry_bar_risk",
    ] {
        assert!(
            !changed.contains(&id),
            "{id} should not change with the ban"
        );
    }
}
