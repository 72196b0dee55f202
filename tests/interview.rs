//! The interview strategy, as a property over many answer sequences on real policies:
//! no question asked was irrelevant when it was asked, the question asked is one that
//! decides the most undetermined outcomes (a question waiting for the facts it shows
//! coming after the others), and the interview ends exactly when nothing
//! is undetermined or nothing more can be asked.

use asylon::internal::answer::{read_answer, Reply};
use asylon::interview::Interview;
use asylon::value::Type;
use asylon::FactId;
use asylon::{EvalOptions, FactsError, Policy};

/// A small deterministic generator (xorshift64*), so every failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What a person might type for a fact of this type: sometimes nonsense, which the
/// interview must refuse without changing anything.
fn typed(rng: &mut Rng, policy: &Policy, fact: FactId) -> String {
    let checked = policy.checked();
    let info = checked.fact(fact);
    if rng.below(20) == 0 {
        return "nonsense!".into();
    }
    let one = |rng: &mut Rng, ty: &Type| -> String {
        match ty {
            Type::Bool => ["yes", "no", "sí", "n"][rng.below(4) as usize].into(),
            Type::Int | Type::Decimal => {
                let lo = info.constraint.at_least.unwrap_or(0);
                (lo + rng.below(4000) as i64).to_string()
            }
            Type::Date => {
                let day = jiff::civil::date(2022, 1, 1)
                    .checked_add(jiff::Span::new().days(rng.below(900) as i64))
                    .expect("a date within jiff's calendar");
                day.to_string()
            }
            Type::Duration => format!("{} days", rng.below(400)),
            Type::Enum(id) => {
                let n = checked.enum_info(*id).variants.len() as u64;
                (1 + rng.below(n)).to_string()
            }
            Type::String => {
                let a = (b'A' + rng.below(26) as u8) as char;
                let b = (b'A' + rng.below(26) as u8) as char;
                format!("{a}{b}")
            }
            Type::List(_) | Type::Any => "?".into(),
        }
    };
    match &info.ty {
        Type::List(inner) => {
            let n = rng.below(4);
            if n == 0 {
                "none".into()
            } else {
                (0..n)
                    .map(|_| one(rng, inner))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
        ty => one(rng, ty),
    }
}

/// Runs one random interview and checks the strategy at every step.
fn interview(policy: &Policy, seed: u64) -> (usize, bool) {
    let checked = policy.checked();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let options = EvalOptions::on("2024-06-17").expect("a date");
    let mut interview =
        Interview::new(policy, options, serde_json::json!({})).expect("no facts are valid");
    for asked in 0..400 {
        let decision = interview.decision().clone();
        let skip: Vec<String> = interview
            .unknown()
            .iter()
            .map(|f| checked.fact(*f).name.clone())
            .collect();
        let askable: Vec<&asylon::Text> = decision
            .missing
            .iter()
            .filter(|m| !skip.iter().any(|s| s == m.as_str()))
            .collect();
        let Some(q) = interview.next_question() else {
            // Over exactly when nothing is undetermined, or nothing more can be asked.
            assert!(
                askable.is_empty(),
                "seed {seed}: ended with {askable:?} to ask"
            );
            let settled = decision.undetermined.is_empty();
            return (asked, settled);
        };
        // Relevant when asked: an undetermined outcome waits on it, it is unknown and
        // was not answered "I don't know".
        assert!(
            askable.iter().any(|a| **a == q.name),
            "seed {seed}: asked `{}`, which no undetermined outcome waits on",
            q.name
        );
        assert!(!q.decides.is_empty());
        for id in &q.decides {
            let u = decision.undetermined.iter().find(|u| &u.id == id);
            assert!(
                u.is_some_and(|u| u.missing.iter().any(|m| *m == q.name)),
                "seed {seed}: `{}` does not decide `{id}`",
                q.name
            );
        }
        // A question that shows facts waits for them: one that waits is asked only when
        // every other one waits too.
        let ready = |name: &str| {
            checked.fact_named(name).is_some_and(|f| {
                checked
                    .fact(f)
                    .ask
                    .shows()
                    .all(|shown| interview.facts().get(shown).is_some())
            })
        };
        let q_ready = ready(&q.name);
        assert!(
            q_ready || askable.iter().all(|other| !ready(other)),
            "seed {seed}: `{}` waits for the facts its question shows, yet was asked first",
            q.name
        );
        // It decides the most undetermined outcomes among those that can be asked.
        for other in askable.iter().filter(|other| ready(other) == q_ready) {
            let n = decision
                .undetermined
                .iter()
                .filter(|u| u.missing.contains(*other))
                .count();
            assert!(
                n <= q.decides.len(),
                "seed {seed}: `{other}` decides {n} outcomes, `{}` only {}",
                q.name,
                q.decides.len()
            );
        }
        let text = match rng.below(10) {
            0 => "back".to_string(),
            1 => "?".to_string(),
            _ => typed(&mut rng, policy, q.fact),
        };
        match read_answer(checked, q.fact, &text, "en") {
            Ok(Reply::Value(v)) => {
                if let Err(e) = interview.answer(q.fact, v) {
                    // Only an impossible story is refused: every answer `read_answer`
                    // accepts is a valid value for the fact. Nothing changed.
                    let impossible = e.diagnostics().iter().all(|d| {
                        matches!(
                            d.downcast_ref::<FactsError>(),
                            Some(FactsError::Impossible { .. })
                        )
                    });
                    assert!(impossible, "seed {seed}: `{text}` for `{}`: {e:?}", q.name);
                    assert_eq!(interview.decision(), &decision);
                }
            }
            Ok(Reply::DontKnow) => interview.dont_know(q.fact),
            Ok(Reply::Back) => {
                let before = interview.answered();
                let undone = interview.back();
                assert_eq!(undone.is_some(), before > 0);
            }
            Err(_) => {}
        }
    }
    panic!("seed {seed}: the interview did not end in 400 steps");
}

#[test]
fn every_question_is_relevant_and_the_interview_ends_exactly_when_it_should() {
    for path in [
        "policies/us-mexico-border",
        "tests/fixtures/valid/family",
        "tests/fixtures/interview/shown.asylon",
    ] {
        let policy = Policy::load(path).expect("the policy checks");
        let mut settled = 0;
        let mut longest = 0;
        for seed in 0..150 {
            let (asked, done) = interview(&policy, seed);
            settled += usize::from(done);
            longest = longest.max(asked);
        }
        // The generator must reach both endings, or the property says little.
        assert!(settled > 0, "{path}: no interview settled every outcome");
        assert!(settled < 150, "{path}: every interview settled everything");
        assert!(
            longest > 3,
            "{path}: interviews were too short to mean much"
        );
    }
}

#[test]
fn answers_already_given_are_never_asked() {
    let policy = Policy::load("policies/us-mexico-border").expect("the policy checks");
    let options = EvalOptions::on("2024-06-17").expect("a date");
    let start: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("examples/half_facts_unknown.json").expect("the example"),
    )
    .expect("JSON");
    let mut interview = Interview::new(&policy, options, start).expect("valid facts");
    let given = ["location", "authorization", "cbp_one.appointment"];
    while let Some(q) = interview.next_question() {
        assert!(
            !given.contains(&q.name.as_str()),
            "asked `{}` again",
            q.name
        );
        interview.dont_know(q.fact);
    }
}
