//! The analysis over small policies and over the border policy.

use super::*;

const MAIN: &str = r#"policy "P" version "1"
enum Method {
  port  en "at a port" es "en un puerto"
  none  en "not yet" es "todavía no"
}
enum Custody { none en "never" es "nunca" held en "held" es "detenido" }
facts person {
  age: int at least 0 "age in years"
    ask en "How old are you, {person.name}?" es "¿Cuántos años tiene?"
  name: string "name"
}
fact method: Method "how"
fact custody: Custody "custody"
const adult_age = 18
define adult = person.age >= adult_age
"#;

const RULES: &str = r#"outcome may_enter
  when adult and method is none and custody is none
  title en "May enter" es "Puede entrar"
  source "Adults may enter."
exception child to may_enter when person.age < 5
test "an adult may enter"
  as of 2024-06-17
  given { person.age: 30, method: none, custody: none }
  expect may_enter holds
"#;

fn two() -> Analysis {
    Analysis::new([
        ("a.asylon".to_string(), MAIN.to_string()),
        ("b.asylon".to_string(), RULES.to_string()),
    ])
}

fn at(text: &str, needle: &str, nth: usize) -> usize {
    text.match_indices(needle)
        .nth(nth)
        .expect("the needle is there")
        .0
}

#[test]
fn a_policy_that_checks_has_no_errors() {
    let a = two();
    let errors: Vec<_> = a
        .problems()
        .iter()
        .filter(|p| p.severity == ProblemSeverity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(a.checked().is_some());
}

#[test]
fn a_misspelt_name_is_an_error_with_a_quick_fix() {
    let a = Analysis::new([
        ("a.asylon".to_string(), MAIN.to_string()),
        (
            "b.asylon".to_string(),
            RULES.replace("when adult and", "when adullt and"),
        ),
    ]);
    let p = &a.problems()[0];
    assert_eq!(p.code, "asylon::unknown_name");
    assert_eq!(a.slice(p.span), "adullt");
    let b = a.file_named("b.asylon").unwrap();
    let fixes = a.fixes(b, p.span.start as usize, p.span.end as usize, &[]);
    assert_eq!(fixes[0].edits, vec![(p.span, "adult".to_string())]);
}

#[test]
fn a_duplicate_in_another_file_points_at_the_first() {
    let a = Analysis::new([
        ("a.asylon".to_string(), MAIN.to_string()),
        (
            "b.asylon".to_string(),
            format!("{RULES}const adult_age = 21\n"),
        ),
    ]);
    let p = a
        .problems()
        .iter()
        .find(|p| p.code == "asylon::duplicate")
        .unwrap();
    let (first, label) = &p.related[0];
    assert_eq!(a.name(first.file), "a.asylon");
    assert_eq!(a.slice(*first), "adult_age");
    assert_eq!(label, "first declared here");
}

#[test]
fn variants_resolve_against_the_enum_on_the_other_side() {
    let a = two();
    let b = a.file_named("b.asylon").unwrap();
    let method_none = a.definition(b, at(RULES, "none", 0));
    let custody_none = a.definition(b, at(RULES, "none", 1));
    assert_eq!(a.slice(method_none[0]), "none");
    assert_ne!(method_none[0].start, custody_none[0].start);
    // The test's given values too.
    assert_eq!(
        a.definition(b, at(RULES, "none", 2))[0].start,
        method_none[0].start
    );
    assert_eq!(
        a.definition(b, at(RULES, "none", 3))[0].start,
        custody_none[0].start
    );
}

#[test]
fn hover_shows_a_fact_its_questions_and_an_outcome_its_title() {
    let a = two();
    let b = a.file_named("b.asylon").unwrap();
    let h = a.hover(b, at(RULES, "person.age", 0) + 8).unwrap();
    assert!(
        h.markdown.contains("fact person.age: int at least 0"),
        "{}",
        h.markdown
    );
    assert!(
        h.markdown.contains("(es): ¿Cuántos años tiene?"),
        "{}",
        h.markdown
    );
    let h = a.hover(b, at(RULES, "may_enter", 1)).unwrap();
    assert!(h.markdown.contains("(en): May enter"), "{}", h.markdown);
    assert!(h.markdown.contains("> Adults may enter."), "{}", h.markdown);
    let aa = a.file_named("a.asylon").unwrap();
    let h = a.hover(aa, at(MAIN, "adult_age", 1)).unwrap();
    assert!(
        h.markdown.contains("const adult_age = 18"),
        "{}",
        h.markdown
    );
}

#[test]
fn rename_a_fact_changes_its_leaf_everywhere_messages_included() {
    let a = two();
    let b = a.file_named("b.asylon").unwrap();
    let edits = a
        .rename(b, at(RULES, "person.age", 0), "age_years")
        .unwrap();
    let places: Vec<_> = edits
        .iter()
        .map(|(s, _)| (a.name(s.file), s.start))
        .collect();
    // The declaration, `define adult`, the exception, the test's given.
    assert_eq!(edits.len(), 4, "{places:?}");
    assert!(edits
        .iter()
        .all(|(s, t)| a.slice(*s) == "age" && t == "age_years"));
    let name_edits = a.rename(b, at(RULES, "may_enter", 0), "can_enter").unwrap();
    // The declaration, the exception's target, the test's expectation.
    assert_eq!(name_edits.len(), 3);
    // `{person.name}` in a question is a use of the fact.
    let aa = a.file_named("a.asylon").unwrap();
    let refs = a.references(aa, at(MAIN, "name:", 0), false);
    assert_eq!(refs.len(), 1);
    assert_eq!(a.slice(refs[0]), "person.name");
    assert!(a.rename(b, at(RULES, "adult", 0), "adult_age").is_err());
    assert!(a.rename(b, at(RULES, "adult", 0), "2x").is_err());
    assert!(a.rename(b, at(RULES, "adult", 0), "years").is_err());
}

#[test]
fn completion_after_is_offers_the_variants_of_the_enum() {
    let text = format!("{RULES}outcome o when method is ");
    let a = Analysis::new([
        ("a.asylon".to_string(), MAIN.to_string()),
        ("b.asylon".to_string(), text.clone()),
    ]);
    let b = a.file_named("b.asylon").unwrap();
    let items = a.complete(b, text.len());
    let labels: Vec<_> = items.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["port", "none"]);
}

#[test]
fn completion_elsewhere_offers_facts_keywords_and_snippets() {
    let text = format!("{RULES}outcome o when pers");
    let a = Analysis::new([
        ("a.asylon".to_string(), MAIN.to_string()),
        ("b.asylon".to_string(), text.clone()),
    ]);
    let b = a.file_named("b.asylon").unwrap();
    let items = a.complete(b, text.len());
    let age = items.iter().find(|c| c.label == "person.age").unwrap();
    assert_eq!(age.detail.as_deref(), Some("int at least 0 (facts person)"));
    let text = format!("{RULES}out");
    let a = Analysis::new([("b.asylon".to_string(), text.clone())]);
    let items = a.complete(FileId(0), text.len());
    assert!(items
        .iter()
        .any(|c| c.kind == CompletionKind::Snippet && c.label == "outcome"));
    assert!(items
        .iter()
        .any(|c| c.kind == CompletionKind::Keyword && c.label == "outcome"));
}

#[test]
fn lenses_run_tests_and_evaluate_outcomes() {
    let a = two();
    let b = a.file_named("b.asylon").unwrap();
    let kinds: Vec<_> = a.lenses(b).into_iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            LensKind::Evaluate("may_enter".into()),
            LensKind::RunAllTests,
            LensKind::RunTest("an adult may enter".into())
        ]
    );
    let results = a.run_tests(None).unwrap();
    assert_eq!(results[0].severity, ProblemSeverity::Info);
    let e = a.evaluate("may_enter", FactsInput::FirstTest).unwrap();
    assert_eq!(e.status, EvalStatus::Holds);
    let json = FactsInput::Json {
        name: "case.json",
        text: r#"{"method": "none"}"#,
        as_of: crate::value::parse_date("2024-06-17").unwrap(),
    };
    let e = a.evaluate("may_enter", json).unwrap();
    assert_eq!(e.status, EvalStatus::Unknown);
    // In declaration order.
    assert_eq!(e.missing, ["person.age", "custody"]);
}

#[test]
fn a_failing_test_is_an_error_at_its_expectation() {
    let a = Analysis::new([
        ("a.asylon".to_string(), MAIN.to_string()),
        (
            "b.asylon".to_string(),
            RULES.replace("expect may_enter holds", "expect may_enter does not hold"),
        ),
    ]);
    let results = a.run_tests(Some("an adult may enter")).unwrap();
    assert_eq!(results[0].severity, ProblemSeverity::Error);
    assert!(a.slice(results[0].span).starts_with("expect may_enter"));
}

#[test]
fn a_syntax_error_keeps_the_other_files_navigable() {
    let a = Analysis::new([
        ("a.asylon".to_string(), MAIN.to_string()),
        ("b.asylon".to_string(), format!("{RULES}outcome when")),
    ]);
    assert_eq!(a.problems()[0].code, "asylon::syntax");
    let aa = a.file_named("a.asylon").unwrap();
    assert!(a.hover(aa, at(MAIN, "adult_age", 1)).is_some());
}

#[test]
fn outline_folds_and_tokens_of_a_file() {
    let a = two();
    let aa = a.file_named("a.asylon").unwrap();
    let outline = a.outline(aa);
    let names: Vec<_> = outline.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Method",
            "Custody",
            "person",
            "method",
            "custody",
            "adult_age",
            "adult"
        ]
    );
    assert_eq!(outline[2].children[0].name, "person.age");
    assert!(a
        .folds(aa)
        .iter()
        .any(|f| a.slice(f.span).starts_with("facts person")));
    let tokens = a.tokens(aa);
    assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    assert!(tokens
        .iter()
        .any(|t| t.kind == TokenKind::Const && t.declaration));
    // `adult_age`, `adult` and the test "an adult may enter".
    assert_eq!(a.workspace_symbols("ADULT").len(), 3);
}

#[test]
fn formatting_is_the_formatter() {
    let a = Analysis::new([(
        "a.asylon".to_string(),
        "policy \"P\"\nfact  a :  bool \"a\"\n".to_string(),
    )]);
    assert_eq!(
        a.format(FileId(0)).unwrap(),
        crate::format::format_source(a.text(FileId(0))).unwrap()
    );
}

#[test]
fn the_border_policy_checks_and_every_name_resolves() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/us-mexico-border");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "asylon"))
        .collect();
    files.sort();
    let a = Analysis::new(
        files
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap())),
    );
    assert!(a
        .problems()
        .iter()
        .all(|p| p.severity != ProblemSeverity::Error));
    let checked = a.checked().unwrap();
    for fact in &checked.facts {
        let id = a.index().value(&fact.name).expect("every fact is indexed");
        assert!(a.index().occurrences_of(id).count() > 1 || fact.name.is_empty());
    }
}

#[test]
fn no_question_at_any_offset_of_a_half_written_policy_panics() {
    let whole = format!("{MAIN}{RULES}");
    // Cut anywhere, mid-word and mid-character included: what an editor sends while typing.
    for cut in (0..whole.len())
        .step_by(37)
        .filter(|c| whole.is_char_boundary(*c))
    {
        let text = &whole[..cut];
        let a = Analysis::new([("a.asylon".to_string(), text.to_string())]);
        let file = FileId(0);
        for offset in 0..=text.len() + 1 {
            let _ = a.hover(file, offset);
            let _ = a.definition(file, offset);
            let _ = a.references(file, offset, true);
            let _ = a.complete(file, offset);
            let _ = a.prepare_rename(file, offset);
            let _ = a.rename(file, offset, "renamed");
            let _ = a.fixes(file, offset, offset + 3, &[]);
        }
        let _ = (
            a.outline(file),
            a.folds(file),
            a.tokens(file),
            a.lenses(file),
            a.format(file),
        );
        let _ = a.run_tests(None);
        let _ = a.evaluate("may_enter", FactsInput::FirstTest);
    }
}
