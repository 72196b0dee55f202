//! Which facts an undetermined outcome waits on (`missing`), where a part of its
//! condition is known although parts of it are not: such a part waits on nothing.

mod common;

/// The decision for `facts` under the one-file policy `source`, on 17 June 2024.
fn decide(source: &str, facts: &str) -> serde_json::Value {
    let policy = common::temp_policy(source);
    common::eval_json(&policy.path, facts, "2024-06-17")
}

/// The facts the undetermined outcome `o` waits on.
fn missing(source: &str, facts: &str) -> Vec<String> {
    let decision = decide(source, facts);
    assert_eq!(common::status(&decision, "o"), "undetermined", "{decision}");
    common::missing(&decision, "o")
}

#[test]
fn an_if_whose_branches_agree_waits_on_nothing_of_its_own() {
    let source = r#"
        policy "P"
        fact a: bool "a"
        fact x: int "x"
        fact c: bool "c"
        outcome o when (if a then x > 1 else x > 0) and c title en "o"
    "#;
    // With `a` unknown, both branches hold: the `if` is true and only `c` is missing.
    assert_eq!(missing(source, r#"{"x": 5}"#), ["c"]);
    // With `x` unknown too, the `if` waits on `a` and `x`.
    assert_eq!(missing(source, "{}"), ["a", "x", "c"]);
}

#[test]
fn a_list_waits_on_its_unknown_items() {
    let source = r#"
        policy "P"
        fact k: int "k"
        fact n: int "n"
        outcome o when k in [n, 2] title en "o"
    "#;
    assert_eq!(missing(source, r#"{"k": 2}"#), ["n"]);
    assert_eq!(missing(source, r#"{"n": 1}"#), ["k"]);
    assert_eq!(missing(source, "{}"), ["k", "n"]);
}

#[test]
fn a_definition_met_first_under_a_known_part_is_still_walked_where_it_is_unknown() {
    // `r or t` is true: `r` waits on nothing there, but `r or b` still waits on it.
    let source = r#"
        policy "P"
        fact a: bool "a"
        fact b: bool "b"
        fact t: bool "t"
        define r = a
        outcome o when (r or t) and (r or b) title en "o"
    "#;
    assert_eq!(missing(source, r#"{"t": true}"#), ["a", "b"]);
}

#[test]
fn a_conflict_under_a_known_part_is_not_what_leaves_an_outcome_undetermined() {
    let source = r#"
        policy "P"
        fact k: int "k"
        fact t: bool "t"
        fact b: bool "b"
        define n: int = 0
        exception one to n when k > 1 gives 1
        exception two to n when k > 2 gives 2
        outcome o when (n > 0 or t) and b title en "o"
        outcome p when n > 0 and b title en "p"
    "#;
    let decision = decide(source, r#"{"k": 3, "t": true}"#);
    let undetermined = |id: &str| {
        (decision["undetermined"].as_array().into_iter().flatten())
            .find(|o| o["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} is undetermined in {decision}"))
    };
    assert_eq!(common::missing(&decision, "o"), ["b"]);
    assert_eq!(undetermined("o").get("conflict"), None);
    assert_eq!(undetermined("p")["conflict"], true);
}

/// A decision's own `missing` list puts first the facts most undetermined outcomes wait
/// on, and facts waited on as often by name: checked on every example of the border
/// policy, whose outcomes wait on many facts, many of them equally often.
#[test]
fn the_decision_lists_the_most_needed_facts_first_then_by_name() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = root.join("policies/us-mexico-border");
    let mut checked = 0;
    for path in common::example_files() {
        let facts = std::fs::read_to_string(&path).expect("readable");
        let policy = policy.to_str().expect("a UTF-8 path");
        let decision = common::eval_json(policy, &facts, "2024-06-17");
        let waiting = |fact: &str| {
            let undetermined = decision["undetermined"].as_array().expect("a list");
            (undetermined.iter())
                .filter(|u| {
                    u["missing"]
                        .as_array()
                        .expect("a list")
                        .iter()
                        .any(|m| m == fact)
                })
                .count()
        };
        let listed: Vec<&str> = (decision["missing"].as_array().expect("a list").iter())
            .map(|m| m.as_str().expect("a name"))
            .collect();
        let mut expected = listed.clone();
        expected.sort_by(|a, b| waiting(b).cmp(&waiting(a)).then(a.cmp(b)));
        assert_eq!(listed, expected, "{path:?}");
        checked += usize::from(listed.len() > 3);
    }
    assert!(
        checked >= 3,
        "{checked} examples with several missing facts"
    );
}
