//! Speed of asylon on the U.S.–Mexico border policy, measured (never asserted):
//!
//! - `policy/parse_and_check`: source texts → checked policy;
//! - `preread/*`: one case from facts already read (all known; about half unknown), the
//!   compiled evaluator and the reference one;
//! - `json/*`: one case from its JSON text (read, validated, evaluated; the compiled path
//!   also writes the compact result), beside the floor: `serde_json` alone parsing the
//!   same text into borrowed typed structs, and into a generic `serde_json::Value`;
//! - `batch/*`: throughput over many cases, as `asylon batch` does (`compact`, `full`),
//!   and the same floor over the same lines; `batch/preread*` evaluates the same cases
//!   read beforehand (the peers' "preparsed" mode): one at a time from their slots, 64
//!   at a time from their slots (`_lanes`), and 64 at a time from packs made beforehand
//!   (`_packed`, the bit-sliced evaluator's own pre-read form); `batch/json_eval*` reads
//!   and evaluates them without writing results (the peers' "json" mode), one at a time
//!   and 64 at a time.
//!
//! The cases are generated (deterministic, every fact present with some probability,
//! only valid fact sets kept), or read from the JSON Lines file named by
//! `ASYLON_BENCH_CASES` (e.g. the peers harness' `cases-100000.jsonl`, to compare with
//! its figures on the very same lines).

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use asylon::internal::batch::LineEvaluator;
use asylon::internal::compile::lanes::Pack;
use asylon::internal::compile::lanes::LANES;
use asylon::internal::compile::{Lanes, Scratch, Slots};
use asylon::value::Type;
use asylon::{EvalOptions, Policy};

const POLICY: &str = "policies/us-mexico-border";
const AS_OF: &str = "2024-06-17";
const GENERATED: usize = 10_000;

fn sources() -> Vec<(String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir(POLICY)
        .expect("the border policy is in the repository")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "asylon"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a policy file");
            (p.display().to_string(), text)
        })
        .collect()
}

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
}

fn value(policy: &Policy, ty: &Type, rng: &mut Rng) -> Value {
    match ty {
        Type::Bool => json!(rng.below(2) == 0),
        Type::Int => json!(rng.below(5000)),
        Type::Decimal => json!(rng.below(10_000) as f64 / 10.0),
        Type::String => json!(["CU", "HT", "MX", "GT", "VE"][rng.below(5) as usize]),
        Type::Date => {
            let day = jiff::civil::date(2023, 1, 1)
                .checked_add(jiff::Span::new().days(rng.below(530) as i64))
                .expect("a day in 2023-2024");
            json!(day.to_string())
        }
        Type::Duration => json!(format!("{} days", rng.below(100))),
        Type::Enum(id) => {
            let info = policy.checked().enum_info(*id);
            json!(info.variants[rng.below(info.variants.len() as u64) as usize].name)
        }
        Type::List(inner) => Value::Array(
            (0..rng.below(3))
                .map(|_| value(policy, inner, rng))
                .collect(),
        ),
        Type::Any => Value::Null,
    }
}

/// A fact object with each fact present with probability `percent`.
fn case(policy: &Policy, rng: &mut Rng, percent: u64) -> String {
    let mut root = Map::new();
    for fact in &policy.checked().facts {
        if rng.below(100) >= percent {
            continue;
        }
        let v = value(policy, &fact.ty, rng);
        let mut parts: Vec<&str> = fact.name.split('.').collect();
        let last = parts.pop().expect("a fact has a name");
        let mut obj = &mut root;
        for p in parts {
            obj = obj
                .entry(p)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("groups are objects");
        }
        obj.insert(last.to_string(), v);
    }
    Value::Object(root).to_string()
}

/// Valid cases only: what `impossible` rules refuse is not what is being measured.
fn valid_cases(policy: &Policy, n: usize, percent: u64, seed: u64) -> Vec<String> {
    let program = policy.compile();
    let mut s = Scratch::new(&program);
    let today = EvalOptions::on(AS_OF).expect("a date").as_of;
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let text = case(policy, &mut rng, percent);
        if program
            .read_json(&mut s, &text)
            .and_then(|()| program.evaluate(&mut s, today))
            .is_ok()
        {
            out.push(text);
        }
    }
    out
}

fn batch_lines(policy: &Policy) -> Vec<String> {
    match std::env::var("ASYLON_BENCH_CASES") {
        Ok(path) => std::fs::read_to_string(&path)
            .expect("ASYLON_BENCH_CASES names a readable JSON Lines file")
            .lines()
            .map(String::from)
            .collect(),
        Err(_) => {
            // Like the peers' cases: most facts given, a few missing.
            let mut rng = Rng(42);
            let mut lines = Vec::with_capacity(GENERATED);
            while lines.len() < GENERATED {
                let percent = [60, 75, 90, 95][rng.below(4) as usize];
                lines.extend(valid_cases(policy, 1, percent, rng.next()));
            }
            lines
        }
    }
}

// The floor: serde_json alone, into borrowed typed structs shaped like the facts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TypedFacts<'a> {
    #[serde(borrow)]
    person: Option<Person<'a>>,
    location: Option<&'a str>,
    authorization: Option<&'a str>,
    #[serde(borrow)]
    entry: Option<Entry<'a>>,
    cbp_one: Option<CbpOne<'a>>,
    extreme_risk: Option<ExtremeRisk>,
    border: Option<Border>,
    proceedings: Option<&'a str>,
    custody: Option<&'a str>,
    fear_stated: Option<bool>,
    #[serde(borrow)]
    credible_fear: Option<CredibleFear<'a>>,
    asylum: Option<Asylum>,
    #[serde(borrow)]
    travel: Option<Travel<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Person<'a> {
    unaccompanied_child: Option<bool>,
    severe_trafficking_victim: Option<bool>,
    fears_return: Option<bool>,
    #[serde(borrow)]
    persecution_grounds: Option<Vec<&'a str>>,
    fears_torture_by_official: Option<bool>,
    prior_removal_order: Option<bool>,
    nationality: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Entry<'a> {
    method: Option<&'a str>,
    date: Option<&'a str>,
    during_asylum_ban: Option<bool>,
    false_documents: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CbpOne<'a> {
    appointment: Option<bool>,
    barrier: Option<&'a str>,
    barrier_accepted: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ExtremeRisk {
    medical_emergency: Option<bool>,
    imminent_threat: Option<bool>,
    other: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Border {
    asylum_ban_in_force: Option<bool>,
    daily_crossings_average: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CredibleFear<'a> {
    referral_date: Option<&'a str>,
    result: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Asylum {
    application_filed: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Travel<'a> {
    #[serde(borrow)]
    irregular_crossings: Option<Vec<&'a str>>,
    by_water: Option<bool>,
}

fn typed_parse(text: &str) -> bool {
    serde_json::from_str::<TypedFacts<'_>>(text).is_ok()
}

fn benches(c: &mut Criterion) {
    let files = sources();
    let policy = Policy::from_sources(files.clone()).expect("the border policy checks");
    let options = EvalOptions::on(AS_OF).expect("a date");
    let program = policy.compile();

    c.bench_function("policy/parse_and_check", |b| {
        b.iter(|| Policy::from_sources(black_box(files.clone())).expect("checks"))
    });

    let all_known = valid_cases(&policy, 1, 100, 1).remove(0);
    let half_unknown = valid_cases(&policy, 1, 50, 2).remove(0);
    for (name, text) in [("all_known", &all_known), ("half_unknown", &half_unknown)] {
        let mut s = Scratch::new(&program);
        program.read_json(&mut s, text).expect("valid facts");
        c.bench_function(&format!("preread/compiled/{name}"), |b| {
            b.iter(|| program.evaluate(&mut s, black_box(options.as_of)))
        });
        let facts = policy.facts_from_json(text).expect("valid facts");
        c.bench_function(&format!("preread/reference/{name}"), |b| {
            b.iter(|| {
                policy
                    .evaluate(black_box(&facts), &options)
                    .expect("decides")
            })
        });

        let mut s = Scratch::new(&program);
        let mut out = Vec::new();
        c.bench_function(&format!("json/compiled_compact/{name}"), |b| {
            b.iter(|| {
                program.read_json(&mut s, black_box(text)).expect("valid");
                program.evaluate(&mut s, options.as_of).expect("decides");
                out.clear();
                program.write_compact(&s, &mut out);
            })
        });
        c.bench_function(&format!("json/reference_full/{name}"), |b| {
            b.iter(|| {
                policy
                    .evaluate_json("case", black_box(text), &options)
                    .expect("decides")
            })
        });
        c.bench_function(&format!("json/floor_typed/{name}"), |b| {
            b.iter(|| assert!(typed_parse(black_box(text))))
        });
        c.bench_function(&format!("json/floor_value/{name}"), |b| {
            b.iter(|| serde_json::from_str::<Value>(black_box(text)).expect("JSON"))
        });
    }

    let lines = batch_lines(&policy);
    let bytes: usize = lines.iter().map(String::len).sum();
    eprintln!(
        "batch: {} cases, {:.0} bytes per case on average",
        lines.len(),
        bytes as f64 / lines.len() as f64
    );
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.sample_size(10);
    // The peers' "preparsed" mode: every case read beforehand, evaluation alone timed,
    // over varied cases (a single case repeated lets the branch predictor learn it).
    let mut s = Scratch::new(&program);
    let slots: Vec<Slots> = lines
        .iter()
        .filter_map(|l| {
            program.read_json(&mut s, l).ok()?;
            Some(s.slots())
        })
        .collect();
    eprintln!(
        "batch/preread: {} of {} cases read",
        slots.len(),
        lines.len()
    );
    group.bench_function("preread", |b| {
        b.iter(|| {
            slots
                .iter()
                .filter(|x| program.evaluate_slots(&mut s, x, options.as_of).is_ok())
                .count()
        })
    });
    // The same, 64 cases at a time, bit-sliced: each case's slots taken into a lane,
    // the lanes evaluated together, each lane's result settled as `preread`'s are.
    let mut lanes = program
        .lanes()
        .expect("the border policy has at most 64 facts");
    let settle = |lanes: &mut Lanes, s: &mut Scratch| {
        (0..lanes.len())
            .filter(|l| program.settle_lane(lanes, *l, s).is_ok())
            .count()
    };
    group.bench_function("preread_lanes", |b| {
        b.iter(|| {
            let mut ok = 0;
            for chunk in slots.chunks(LANES) {
                for x in chunk {
                    let _ = program.push_slots(&mut lanes, x);
                }
                program.evaluate_lanes(&mut lanes, options.as_of);
                ok += settle(&mut lanes, &mut s);
                lanes.clear();
            }
            ok
        })
    });
    // The bit-sliced evaluator's own pre-read form: the cases read into packs of 64
    // beforehand, as the peers' `preparsed` mode keeps each engine's input form.
    let packs: Vec<Pack> = slots
        .chunks(LANES)
        .map(|chunk| {
            for x in chunk {
                let _ = program.push_slots(&mut lanes, x);
            }
            lanes.take_pack()
        })
        .collect();
    group.bench_function("preread_packed", |b| {
        b.iter(|| {
            let mut ok = 0;
            for pack in &packs {
                program.evaluate_pack(&mut lanes, pack, options.as_of);
                ok += (0..pack.len())
                    .filter(|l| program.settle_lane(&lanes, *l, &mut s).is_ok())
                    .count();
            }
            ok
        })
    });
    group.bench_function("json_eval_lanes", |b| {
        b.iter(|| {
            let mut ok = 0;
            for chunk in lines.chunks(LANES) {
                for l in chunk {
                    let _ = program.read_json_lane(&mut lanes, l);
                }
                program.evaluate_lanes(&mut lanes, options.as_of);
                ok += settle(&mut lanes, &mut s);
                lanes.clear();
            }
            ok
        })
    });
    // `asylon batch`'s own loop: the lines as one block, results 64 cases at a time.
    let (block, ranges) = {
        let mut block = Vec::new();
        let mut ranges = Vec::new();
        for line in &lines {
            let start = block.len();
            block.extend_from_slice(line.as_bytes());
            block.push(b'\n');
            ranges.push((start, block.len()));
        }
        (block, ranges)
    };
    for compact in [true, false] {
        let evaluator = LineEvaluator::new(policy.clone(), options.clone(), compact);
        let mut worker = evaluator.worker();
        let mut out = Vec::new();
        let name = if compact { "compact" } else { "full" };
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                evaluator.lines(&mut worker, 1, &block, &ranges, &mut out);
                out.len()
            })
        });
    }
    // JSON text → validated slots → verdicts and missing facts, as the peers' "json"
    // mode (text → input → outcome set); no result text written.
    group.bench_function("json_eval", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| {
                    program
                        .read_json(&mut s, l)
                        .and_then(|()| program.evaluate(&mut s, options.as_of))
                        .is_ok()
                })
                .count()
        })
    });
    // Reading alone (into a scratch's slots, validated), to set beside the floor.
    group.bench_function("read_only", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| program.read_json(&mut s, l).is_ok())
                .count()
        })
    });
    group.bench_function("floor_typed", |b| {
        b.iter(|| lines.iter().filter(|l| typed_parse(l)).count())
    });
    group.bench_function("floor_value", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|l| serde_json::from_str::<Value>(l).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(eval, benches);
criterion_main!(eval);
