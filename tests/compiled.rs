//! The compiled evaluator against the reference evaluator, case by case: the same
//! verdicts, the same missing lists, the same valid and invalid fact sets, over many
//! generated cases on the border policy and on the test family policy. And the full
//! decision a case's JSON text gets (`evaluate_json`, which starts from what the compiled
//! pass found) against the one the reference evaluator makes alone from the same facts
//! (`evaluate`): the same bytes.

use asylon::internal::checked::{CheckedPolicy, FactInfo};
use asylon::internal::compile::{Fallback, Lanes, Program, Scratch, Verdict};
use asylon::value::Type;
use asylon::{EvalOptions, Policy, Status};
use serde_json::{json, Map, Value};

/// SplitMix64: small, deterministic, good enough to spread cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A value of the fact's type, mostly valid; with `wild`, sometimes not (a wrong type,
/// an unknown enum value, a bad date, out of range), to test validation too.
fn value(policy: &CheckedPolicy, fact: &FactInfo, ty: &Type, rng: &mut Rng, wild: bool) -> Value {
    if wild && rng.chance(3) {
        return [
            json!("nope"),
            json!(1.5),
            json!(true),
            json!([]),
            json!({}),
            json!(-3),
        ][rng.below(6) as usize]
            .clone();
    }
    match ty {
        Type::Bool => json!(rng.chance(50)),
        Type::Int => {
            let lo = fact.constraint.at_least.unwrap_or(-5).max(-100);
            let hi = fact.constraint.at_most.unwrap_or(lo + 4000).min(lo + 4000);
            let n = lo + rng.below((hi - lo + 1) as u64) as i64;
            // Values near thresholds matter most: also pick small ones often.
            if rng.chance(30) {
                json!(lo + rng.below(30) as i64)
            } else {
                json!(n)
            }
        }
        Type::Decimal => json!((rng.below(1_000_000) as f64) / 100.0),
        Type::String => {
            let pool = ["CU", "HT", "MX", "US", "x", "Cuba", ""];
            json!(pool[rng.below(pool.len() as u64) as usize])
        }
        Type::Date => {
            // Around the evaluation date, a little into the future too.
            let day = jiff::civil::date(2022, 1, 1)
                .checked_add(jiff::Span::new().days(rng.below(950) as i64))
                .unwrap();
            json!(day.to_string())
        }
        Type::Duration => {
            let unit = ["days", "months", "years", "day"][rng.below(4) as usize];
            json!(format!("{} {unit}", rng.below(200)))
        }
        Type::Enum(id) => {
            let info = policy.enum_info(*id);
            json!(info.variants[rng.below(info.variants.len() as u64) as usize].name)
        }
        Type::List(inner) => {
            let n = rng.below(4);
            Value::Array(
                (0..n)
                    .map(|_| value(policy, fact, inner, rng, wild))
                    .collect(),
            )
        }
        Type::Any => Value::Null,
    }
}

fn case(policy: &CheckedPolicy, rng: &mut Rng, present: u64, wild: bool) -> String {
    let mut root = Map::new();
    for fact in &policy.facts {
        if !rng.chance(present) {
            continue;
        }
        let v = if rng.chance(3) {
            Value::Null
        } else {
            value(policy, fact, &fact.ty, rng, wild)
        };
        let mut parts: Vec<&str> = fact.name.split('.').collect();
        let last = parts.pop().unwrap();
        let mut obj = &mut root;
        for p in parts {
            obj = obj
                .entry(p)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .unwrap();
        }
        obj.insert(last.to_string(), v);
    }
    if wild && rng.chance(2) {
        root.insert("not_a_fact".into(), json!(1));
    }
    Value::Object(root).to_string()
}

fn status_of(v: Verdict) -> Status {
    match v {
        Verdict::Holds => Status::Holds,
        Verdict::DoesNotHold => Status::DoesNotHold,
        Verdict::Undetermined => Status::Undetermined,
    }
}

/// Runs `n` generated cases through both evaluators; returns how many each path took.
fn differential(path: &str, as_of: &str, n: usize, seed: u64) -> (usize, usize) {
    let policy = Policy::load(path).unwrap();
    let checked = policy.checked();
    let program = policy.compile();
    let mut scratch = Scratch::new(&program);
    let options = EvalOptions::on(as_of).unwrap();
    let mut rng = Rng(seed);
    let (mut compiled, mut fallbacks) = (0, 0);
    for i in 0..n {
        let present = [20, 50, 80, 95, 100][i % 5];
        let text = case(checked, &mut rng, present, i % 4 == 3);
        if agree(&policy, &program, &mut scratch, &options, &text) {
            compiled += 1;
        } else {
            fallbacks += 1;
        }
    }
    eprintln!("{path}: {compiled} compiled, {fallbacks} fell back");
    (compiled, fallbacks)
}

/// The names of outcome `k`'s missing facts, as the compiled evaluator left them.
fn missing_names<'a>(checked: &'a CheckedPolicy, scratch: &Scratch, k: usize) -> Vec<&'a str> {
    scratch
        .missing_of(k)
        .map(|f| checked.facts[f as usize].name.as_str())
        .collect()
}

/// The missing facts the reference decision lists for outcome `id`.
fn reference_missing<'a>(d: &'a asylon::Decision, id: &str) -> Vec<&'a str> {
    d.undetermined
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.missing.iter().map(asylon::Text::as_str).collect())
        .unwrap_or_default()
}

/// The reference evaluator's decision alone: facts read by the reference reader, every
/// rule evaluated and every missing list walked by the reference evaluator.
fn reference(
    policy: &Policy,
    text: &str,
    options: &EvalOptions,
) -> Result<asylon::Decision, asylon::Error> {
    policy.evaluate(&policy.facts_from_json(text)?, options)
}

/// Runs one case through both evaluators and holds them to the same verdicts and missing
/// lists, and the decision `evaluate_json` makes to the reference's, byte for byte;
/// `true` when the compiled path decided it.
fn agree(
    policy: &Policy,
    program: &Program,
    scratch: &mut Scratch,
    options: &EvalOptions,
    text: &str,
) -> bool {
    let checked = policy.checked();
    let fast = program
        .read_json(scratch, text)
        .and_then(|()| program.evaluate(scratch, options.as_of));
    let reference = reference(policy, text, options);
    let from_text = policy.evaluate_json("case", text, options);
    match (&reference, &from_text) {
        (Ok(want), Ok(got)) => {
            let (mut want_json, mut got_json) = (Vec::new(), Vec::new());
            want.write_json(&mut want_json);
            got.write_json(&mut got_json);
            assert_eq!(
                String::from_utf8_lossy(&got_json),
                String::from_utf8_lossy(&want_json),
                "{text}: the decision from the text"
            );
            // Rendered again in another language from the values the decision kept.
            for lang in ["es", "en"] {
                assert_eq!(
                    serde_json::to_string(&got.in_language(lang)).ok(),
                    serde_json::to_string(&want.in_language(lang)).ok(),
                    "{text}: the decision in `{lang}`"
                );
            }
        }
        (Err(want), Err(got)) => assert_eq!(got.to_string(), want.to_string(), "{text}"),
        _ => panic!("{text}: one evaluation failed, the other did not"),
    }
    match (fast, reference) {
        (Ok(()), Ok(d)) => {
            assert!(d.conflicts.is_empty(), "{text}: a conflict went unnoticed");
            for (k, rid) in checked.outcomes.iter().enumerate() {
                let id = &checked.rule(*rid).name;
                let verdict = status_of(scratch.verdict(k));
                assert_eq!(Some(verdict), d.status(id), "{text}: verdict on `{id}`");
                let (missing, want) = (
                    missing_names(checked, scratch, k),
                    reference_missing(&d, id),
                );
                assert_eq!(missing, want, "{text}: missing facts of `{id}`");
            }
            let top: Vec<&str> = scratch
                .top_missing()
                .iter()
                .map(|f| checked.facts[*f as usize].name.as_str())
                .collect();
            assert_eq!(top, d.missing, "{text}: the top-level missing list");
            true
        }
        (Ok(()), Err(e)) => {
            panic!("{text}: the compiled path accepted what the reference refused: {e}")
        }
        // The fast reader has no fallback of its own: valid facts it refuses lose the
        // fast path silently, so they are a bug.
        (Err(Fallback::Facts | Fallback::Impossible), Ok(_)) => {
            panic!("{text}: the compiled path refused facts the reference accepted")
        }
        (Err(Fallback::Facts | Fallback::Impossible), Err(_)) => false,
        // A conflict or an arithmetic failure: the reference decides (and reports).
        (Err(_), _) => false,
    }
}

#[test]
fn the_compiled_evaluator_agrees_with_the_reference_on_the_border_policy() {
    let (compiled, fallbacks) = differential("policies/us-mexico-border", "2024-06-17", 4000, 7);
    // Most generated cases are valid; both kinds must have been exercised.
    assert!(
        compiled > 2000,
        "only {compiled} cases took the compiled path"
    );
    assert!(fallbacks > 100, "only {fallbacks} cases fell back");
}

#[test]
fn the_compiled_evaluator_agrees_with_the_reference_on_every_feature() {
    let (compiled, fallbacks) = differential("tests/fixtures/valid/family", "2024-06-17", 4000, 11);
    assert!(
        compiled > 1500,
        "only {compiled} cases took the compiled path"
    );
    assert!(fallbacks > 100, "only {fallbacks} cases fell back");
}

#[test]
fn the_compiled_evaluator_agrees_on_the_example_cases() {
    let policy = Policy::load("policies/us-mexico-border").unwrap();
    let program = policy.compile();
    let mut scratch = Scratch::new(&program);
    let options = EvalOptions::on("2024-06-17").unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(d) = policy.evaluate_json("case", &text, &options) else {
            continue;
        };
        program.read_json(&mut scratch, &text).unwrap();
        program.evaluate(&mut scratch, options.as_of).unwrap();
        let mut compact = Vec::new();
        program.write_compact(&scratch, &mut compact);
        let mut from_decision = Vec::new();
        asylon::internal::compile::compact::write_decision(&d, &mut from_decision);
        assert_eq!(
            String::from_utf8_lossy(&compact),
            String::from_utf8_lossy(&from_decision),
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} example cases");
}

/// Evaluates the cases read into `lanes` together, and holds each lane to what the
/// one-case evaluator makes of the same text: the same verdicts, missing lists and
/// fallbacks.
fn lanes_agree(
    program: &Program,
    lanes: &mut Lanes,
    texts: &[String],
    as_of: asylon::value::Date,
) -> usize {
    let (mut one, mut settled) = (Scratch::new(program), Scratch::new(program));
    program.evaluate_lanes(lanes, as_of);
    for (lane, text) in texts.iter().enumerate() {
        let expected = program
            .read_json(&mut one, text)
            .and_then(|()| program.evaluate(&mut one, as_of));
        let got = program.settle_lane(lanes, lane, &mut settled);
        assert_eq!(got, expected, "{text}: lane {lane}");
        if got.is_ok() {
            assert!(settled.verdicts().eq(one.verdicts()), "{text}: verdicts");
            for k in 0..program.outcome_count() {
                assert!(
                    settled.missing_of(k).eq(one.missing_of(k)),
                    "{text}: outcome {k}"
                );
            }
            assert_eq!(settled.top_missing(), one.top_missing(), "{text}: top list");
        }
    }
    lanes.clear();
    texts.len()
}

/// Cases 64 at a time, bit-sliced, agree with cases one at a time (which agree with the
/// reference above), in full and partly filled lanes, on every feature of the language.
#[test]
fn the_bit_sliced_evaluator_agrees_with_the_one_case_evaluator() {
    for (path, seed) in [
        ("policies/us-mexico-border", 3),
        ("tests/fixtures/valid/family", 5),
    ] {
        let policy = Policy::load(path).unwrap();
        let program = policy.compile();
        let mut lanes = program.lanes().expect("at most 64 facts");
        let mut rng = Rng(seed);
        let mut texts = Vec::new();
        let mut checked = 0;
        for as_of in ["2024-06-17", "2023-05-11", "2025-01-01"] {
            let as_of = EvalOptions::on(as_of).unwrap().as_of;
            for i in 0..1500 {
                let present = [20, 50, 80, 95, 100][i % 5];
                let text = case(policy.checked(), &mut rng, present, i % 4 == 3);
                if program.read_json_lane(&mut lanes, &text).is_ok() {
                    texts.push(text);
                }
                // Batches of every size, full ones most.
                if lanes.is_full() || rng.chance(2) {
                    checked += lanes_agree(&program, &mut lanes, &texts, as_of);
                    texts.clear();
                }
            }
            checked += lanes_agree(&program, &mut lanes, &texts, as_of);
            texts.clear();
        }
        assert!(checked > 2000, "{path}: only {checked} cases in lanes");
    }
}

/// A policy with more facts than the missing-fact bit sets hold takes the other walk;
/// it must list the same facts.
#[test]
fn policies_with_hundreds_of_facts_list_the_same_missing_facts() {
    let n = 300;
    let mut source = String::from("policy \"Many facts\" version \"1\"\n");
    for i in 0..n {
        source.push_str(&format!("fact f{i}: bool \"fact {i}\"\n"));
    }
    source.push_str("define early = f0 and f1\n");
    source.push_str("define late = f298 or f299\n");
    source.push_str("outcome both when early and late title en \"Both\"\n");
    source.push_str("outcome spread when f3 and f150 and f257 title en \"Spread\"\n");
    source.push_str("outcome either when early or late title en \"Either\"\n");
    let policy = Policy::from_source("many.asylon", &source).unwrap();
    let checked = policy.checked();
    let program = policy.compile();
    let mut scratch = Scratch::new(&program);
    let options = EvalOptions::on("2024-06-17").unwrap();
    let mut rng = Rng(3);
    let used = [0, 1, 3, 150, 257, 298, 299];
    let mut undetermined = 0;
    for _ in 0..500 {
        let mut facts = Map::new();
        for i in used {
            if rng.chance(50) {
                facts.insert(format!("f{i}"), json!(rng.chance(50)));
            }
        }
        let text = Value::Object(facts).to_string();
        program.read_json(&mut scratch, &text).unwrap();
        program.evaluate(&mut scratch, options.as_of).unwrap();
        let d = policy.evaluate_json("case", &text, &options).unwrap();
        for (k, rid) in checked.outcomes.iter().enumerate() {
            let id = &checked.rule(*rid).name;
            assert_eq!(Some(status_of(scratch.verdict(k))), d.status(id), "{text}");
            let (missing, want) = (
                missing_names(checked, &scratch, k),
                reference_missing(&d, id),
            );
            undetermined += usize::from(!want.is_empty());
            assert_eq!(missing, want, "{text}: missing facts of `{id}`");
        }
        let top: Vec<&str> = scratch
            .top_missing()
            .iter()
            .map(|f| checked.facts[*f as usize].name.as_str())
            .collect();
        assert_eq!(top, d.missing, "{text}");
    }
    assert!(
        undetermined > 100,
        "only {undetermined} undetermined outcomes"
    );
}

/// Writes a JSON value as another writer might: whitespace anywhere JSON allows it,
/// needless escapes in keys and strings, numbers in other forms (`1.5` as `15e-1`, `2` as
/// `2.0`), keys in any order.
fn rewrite(v: &Value, rng: &mut Rng, out: &mut String) {
    let ws = |rng: &mut Rng, out: &mut String| {
        if rng.chance(20) {
            out.push_str([" ", "\n", "\t", "\r\n", "  "][rng.below(5) as usize]);
        }
    };
    match v {
        Value::Object(map) => {
            out.push('{');
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            for i in (1..entries.len()).rev() {
                entries.swap(i, rng.below(i as u64 + 1) as usize);
            }
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(rng, out);
                string(k, rng, out);
                ws(rng, out);
                out.push(':');
                ws(rng, out);
                rewrite(v, rng, out);
                ws(rng, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(rng, out);
                rewrite(item, rng, out);
                ws(rng, out);
            }
            out.push(']');
        }
        Value::String(s) => string(s, rng, out),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            // An integer with a fraction or an exponent is a float to serde_json: an
            // `int` fact refuses it, a `decimal` takes it.
            (Some(i), _) if rng.chance(10) => out.push_str(
                &[format!("{i}.0"), format!("{i}e0"), format!("{i}E+0")][rng.below(3) as usize],
            ),
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(f)) => out.push_str(
                &[
                    format!("{f}"),
                    format!("{f:e}"),
                    format!("{f:E}"),
                    format!("{f}0"),
                    format!("{}e-1", f * 10.0),
                ][rng.below(5) as usize],
            ),
            _ => out.push_str(&n.to_string()),
        },
        other => out.push_str(&other.to_string()),
    }
}

/// A JSON string, some characters escaped for no reason.
fn string(s: &str, rng: &mut Rng, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c < ' ' || rng.chance(10) => {
                let mut units = [0; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// The generated cases written as other writers write JSON: the two evaluators agree,
    /// and the compiled path refuses no valid case (the test panics on one).
    #[test]
    fn cases_written_any_way_take_the_compiled_path(seed in proptest::prelude::any::<u64>()) {
        for (path, as_of) in [
            ("policies/us-mexico-border", "2024-06-17"),
            ("tests/fixtures/valid/family", "2024-06-17"),
        ] {
            let policy = Policy::load(path).unwrap();
            let program = policy.compile();
            let mut scratch = Scratch::new(&program);
            let options = EvalOptions::on(as_of).unwrap();
            let mut rng = Rng(seed);
            let mut compiled = 0;
            for i in 0..25 {
                let text = case(policy.checked(), &mut rng, [50, 80, 100][i % 3], i % 5 == 4);
                let value: Value = serde_json::from_str(&text).unwrap();
                let mut written = String::new();
                rewrite(&value, &mut rng, &mut written);
                compiled += usize::from(agree(&policy, &program, &mut scratch, &options, &written));
            }
            proptest::prop_assert!(compiled > 0, "{path}: no case took the compiled path");
        }
    }
}

/// A list that depends on no fact (built once per evaluation date) stays the same list
/// from case to case, whatever lists the cases bring, one case at a time and in lanes.
#[test]
fn lists_built_once_per_date_survive_the_cases_that_follow() {
    let source = "policy \"Prelude lists\" version \"1\"\n\
        fact d: date \"a day\"\n\
        fact xs: list of date \"days\"\n\
        outcome on_the_day when d in [today, 2024-01-01] title en \"On the day\"\n\
        outcome listed when xs is not empty and d in xs title en \"Listed\"\n";
    let policy = Policy::from_source("lists.asylon", source).unwrap();
    let program = policy.compile();
    let options = EvalOptions::on("2024-06-17").unwrap();
    let cases = [
        r#"{"d": "2024-01-01", "xs": ["2020-01-01", "2020-01-02", "2020-01-03"]}"#,
        r#"{"d": "2024-06-17", "xs": ["2024-06-17"]}"#,
        r#"{"d": "2020-01-02", "xs": ["2020-01-01", "2020-01-02"]}"#,
        r#"{"d": "2024-06-17"}"#,
    ];
    let mut scratch = Scratch::new(&program);
    let mut lanes = program.lanes().unwrap();
    let mut texts = Vec::new();
    for _ in 0..3 {
        for text in cases {
            assert!(agree(&policy, &program, &mut scratch, &options, text));
            program.read_json_lane(&mut lanes, text).unwrap();
            texts.push(text.to_string());
        }
    }
    lanes_agree(&program, &mut lanes, &texts, options.as_of);
}

/// A policy of more outcomes and facts than a word holds: compact results walk several
/// words of bits, and must still read as the reference's decision does.
#[test]
fn compact_results_of_a_policy_wider_than_a_word_are_the_references() {
    let n = 70;
    let mut source = String::from("policy \"Wide\" version \"1\"\nfacts w {\n");
    for i in 0..n {
        source.push_str(&format!("  f{i}: bool \"f\"\n"));
    }
    source.push_str("}\n");
    for i in 0..n {
        let j = n - 1 - i;
        source.push_str(&format!(
            "outcome o{i} when w.f{i} and w.f{j} title en \"O\"\n"
        ));
    }
    let policy = Policy::from_source("wide.asylon", &source).unwrap();
    let program = policy.compile();
    let mut scratch = Scratch::new(&program);
    let options = EvalOptions::on("2024-06-17").unwrap();
    let mut rng = Rng(7);
    let mut undetermined = 0;
    for _ in 0..200 {
        let mut group = Map::new();
        for i in 0..n {
            if rng.chance(70) {
                group.insert(format!("f{i}"), json!(rng.chance(80)));
            }
        }
        let text = json!({ "w": group }).to_string();
        let decision = policy.evaluate_json("case", &text, &options).unwrap();
        undetermined += decision.undetermined.len();
        program.read_json(&mut scratch, &text).unwrap();
        program.evaluate(&mut scratch, options.as_of).unwrap();
        let (mut compact, mut reference) = (Vec::new(), Vec::new());
        program.write_compact(&scratch, &mut compact);
        asylon::internal::compile::compact::write_decision(&decision, &mut reference);
        assert_eq!(
            String::from_utf8_lossy(&compact),
            String::from_utf8_lossy(&reference),
            "{text}"
        );
    }
    assert!(
        undetermined > 1000,
        "only {undetermined} undetermined outcomes"
    );
}

/// A definition whose value is a list built for the case: its items are gone when the
/// compiled pass is over, so the decision from the text evaluates it again, and says
/// what the reference says of it.
#[test]
fn a_list_built_for_the_case_reads_the_same_in_a_decision() {
    let source = "policy \"Built lists\" version \"1\"\n\
        fact d: date \"a day\"\n\
        define dates = [d, 2024-01-01]\n\
        outcome one_of_them when d is known and today in dates title en \"Today is one of them\" \
        explain en \"Today is one of {dates}.\"\n";
    let policy = Policy::from_source("built.asylon", source).unwrap();
    let program = policy.compile();
    let options = EvalOptions::on("2024-06-17").unwrap();
    let mut scratch = Scratch::new(&program);
    for text in [r#"{"d": "2024-06-17"}"#, r#"{"d": "2024-06-16"}"#, r#"{}"#] {
        assert!(agree(&policy, &program, &mut scratch, &options, text));
    }
    let d = policy
        .evaluate_json("case", r#"{"d": "2024-06-17"}"#, &options)
        .unwrap();
    assert_eq!(
        d.outcomes[0].explanation,
        "Today is one of June 17, 2024 and January 1, 2024."
    );
}
