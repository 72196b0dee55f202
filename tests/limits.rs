//! Policies built to exhaust the stack get a diagnostic, never a crash: deeply nested
//! expressions, long chains of operators, long chains of rules in either order.

mod common;

use common::asylon;

fn header() -> String {
    "policy \"generated\"\nfact a: bool \"a\"\n".to_string()
}

#[test]
fn deeply_nested_brackets_are_refused() {
    for (open, close) in [("(", ")"), ("[", "]")] {
        let policy = format!(
            "{}outcome o when {}a{} title en \"o\"\n",
            header(),
            open.repeat(100_000),
            close.repeat(100_000)
        );
        let run = common::check_text(&policy);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("asylon::too_deep"), "{}", run.stderr);
    }
}

#[test]
fn a_very_long_chain_of_operators_is_refused() {
    let chain = vec!["a"; 50_000].join(" or ");
    let run = common::check_text(&format!(
        "{}outcome o when {chain} title en \"o\"\n",
        header()
    ));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("this expression is nested too deeply"),
        "{}",
        run.stderr
    );
    // A long but reasonable chain is fine.
    let chain = vec!["a"; 100].join(" or ");
    assert_eq!(
        common::check_text(&format!(
            "{}outcome o when {chain} title en \"o\"\n",
            header()
        ))
        .code,
        0
    );
}

#[test]
fn a_very_long_chain_of_rules_is_refused_in_either_order() {
    let mut forward = header() + "define d0 = a\n";
    let mut backward = header();
    for i in 1..5_000 {
        forward.push_str(&format!("define d{i} = d{}\n", i - 1));
        backward.push_str(&format!("define d{} = d{i}\n", i - 1));
    }
    backward.push_str("define d4999 = a\n");
    for policy in [forward, backward] {
        let run = common::check_text(&format!(
            "{policy}outcome o when d0 or d4999 title en \"o\"\n"
        ));
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("asylon::chain_too_deep"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("overflow"), "{}", run.stderr);
    }
}

#[test]
fn deeply_nested_json_facts_are_refused() {
    let facts = format!("{}1{}", "{\"person\":".repeat(100_000), "}".repeat(100_000));
    let run = asylon(
        &[
            "eval",
            "tests/fixtures/valid/family",
            "-",
            "--as-of",
            "2025-03-01",
        ],
        &facts,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let facts = format!(
        "{{\"person\": {{\"grounds\": {}1{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let run = asylon(
        &[
            "eval",
            "tests/fixtures/valid/family",
            "-",
            "--as-of",
            "2025-03-01",
        ],
        &facts,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("overflow"), "{}", run.stderr);
}

#[test]
fn too_many_declarations_are_refused_with_the_limit() {
    let mut policy = header();
    for i in 0..20_001 {
        policy.push_str(&format!("fact x{i}: bool \"x\"\n"));
    }
    let run = common::check_text(&policy);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("asylon::limit::declarations"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_fact_set_larger_than_the_limit_is_refused() {
    let facts = format!("{{\"veteran\": true{}}}", " ".repeat(2 * 1024 * 1024));
    let run = asylon(
        &[
            "eval",
            "tests/fixtures/valid/family",
            "-",
            "--as-of",
            "2025-03-01",
        ],
        &facts,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("asylon::limit::facts_size"),
        "{}",
        run.stderr
    );
}
