//! The fast reader against the reference reader ([`crate::facts`]), value by value, on
//! texts made to probe JSON's corners around valid fact sets: whitespace, escapes in keys
//! and strings, numbers in every form, duplicates, nesting, truncation, garbage.
//!
//! The fast reader has no fallback of its own for valid facts: whatever the reference
//! accepts, it must accept too (or the case silently loses the fast path), with the very
//! same values.

use proptest::prelude::*;

use super::super::value::V;
use super::super::{Program, Scratch};
use crate::checked::{CheckedPolicy, FactId, FactNode, FactTree};
use crate::value::{Type, Value};
use crate::{Limits, Policy};

/// Every type, groups within groups, an enum with variants sharing a first letter, a
/// fixed pattern and one left to the regex engine.
const SOURCE: &str = r#"
policy "Reader" version "1"

enum Colour { red, rose, green, blue_green, x }

fact flag: bool "a flag"
fact count: int at least -5 at most 1000 "a count"
fact big: int "any whole number"
fact amount: decimal "an amount"
fact name: string "a name"
fact code: string matching "^[A-Z]{2}$" "a code"
fact tag: string matching "[a-z]+[0-9]*" "a tag"
fact seen: date "a day"
fact wait: duration "a wait"
fact colour: Colour "a colour"
fact colours: list of Colour "colours"
fact grid: list of list of int "a grid"
fact amounts: list of decimal "amounts"
fact names: list of string "names"
fact dates: list of date "days"

facts person {
  child: bool "a child"
  nationality: string matching "^[A-Z]{2}$" "a nationality"
  facts address {
    street: string "a street"
    number: int at least 1 "a number"
    facts country {
      colour: Colour "a colour"
      founded: date "a date"
    }
  }
}

facts crowded {
  c0: bool "c"
  c1: bool "c"
  c2: bool "c"
  c3: bool "c"
  c4: bool "c"
  c5: bool "c"
  c6: bool "c"
  c7: bool "c"
  c8: bool "c"
  c9: bool "c"
  c10: bool "c"
  c11: bool "c"
  c12: bool "c"
  c13: bool "c"
  c14: bool "c"
  c15: bool "c"
  c16: bool "c"
  c17: bool "c"
  c18: bool "c"
  c19: bool "c"
}

outcome anything when flag title en "Anything"
"#;

fn policy() -> Policy {
    Policy::from_source("reader.asylon", SOURCE).expect("the test policy checks")
}

/// A group of 300 facts: duplicates beyond the first 64 keys, too many names to match
/// where they stand, a search by halves.
fn wide_policy() -> Policy {
    let mut source = String::from("policy \"Wide\" version \"1\"\nfacts w {\n");
    for i in 0..300 {
        source.push_str(&format!("  k{i}: int \"k\"\n"));
    }
    source.push_str("}\noutcome o when w.k0 > 0 title en \"O\"\n");
    Policy::from_source("wide.asylon", &source).expect("the wide policy checks")
}

/// Whether the fast reader's slot holds the reference reader's value.
fn same(s: &Scratch, v: Option<V>, r: Option<&Value>) -> bool {
    let (Some(v), Some(r)) = (v, r) else {
        return v.is_none() && r.is_none();
    };
    match (v, r) {
        (V::Bool(a), Value::Bool(b)) => a == *b,
        (V::Int(a), Value::Int(b)) => a == *b,
        // Bit for bit: `-0.0` is not `0.0`, and a decimal read differently by one ulp is a bug.
        (V::Dec(a), Value::Decimal(b)) => a.to_bits() == b.to_bits(),
        (V::Date(a), Value::Date(b)) => a == *b,
        (V::Dur(a), Value::Duration(b)) => a == *b,
        (V::Enum(a), Value::Enum(b)) => a == *b,
        (V::Str(a), Value::String(b)) => a.case && s.strs.get(a.range()) == Some(&**b),
        (V::List(a), Value::List(b)) => s.items.get(a.range()).is_some_and(|items| {
            a.case
                && items.len() == b.len()
                && items
                    .iter()
                    .zip(b.iter())
                    .all(|(x, y)| same(s, Some(*x), Some(y)))
        }),
        _ => false,
    }
}

/// Reads `text` both ways and holds them to the same answer; `true` when valid.
fn agree(policy: &Policy, program: &Program, s: &mut Scratch, text: &str) -> bool {
    let fast = program.read_json(s, text);
    match (fast, policy.facts_from_json(text)) {
        (Ok(()), Ok(facts)) => {
            for (i, info) in policy.checked().facts.iter().enumerate() {
                let (v, r) = (s.facts[i], facts.get(FactId(i as u32)));
                assert!(
                    same(s, v, r),
                    "{text:?}: `{}` read as {v:?}, the reference reads {r:?}",
                    info.name
                );
            }
            true
        }
        (Err(_), Err(_)) => false,
        (Ok(()), Err(e)) => {
            panic!("{text:?}: the fast reader accepted what the reference refuses: {e}")
        }
        (Err(_), Ok(_)) => {
            panic!("{text:?}: the fast reader refused what the reference accepts (the case loses the fast path)")
        }
    }
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
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Writes a fact object for a policy as JSON text, by hand (a JSON library would not
/// write duplicates, odd numbers or needless escapes). `wild` texts stray from valid
/// facts now and then; tame ones stay valid but for the policy's own rules.
struct Writer<'a> {
    policy: &'a CheckedPolicy,
    rng: Rng,
    wild: bool,
    out: String,
}

const INTS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "7",
    "-5",
    "-6",
    "999",
    "1000",
    "1001",
    "2500",
    "2500.0",
    "1e2",
    "1E2",
    "-1e-2",
    "0.0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "123456789012345678901234567890",
];

const DECIMALS: &[&str] = &[
    "0",
    "-0",
    "0.0",
    "-0.0",
    "1.5",
    "1.5E-3",
    "1.5e+3",
    "2500.0",
    "1e2",
    "0.1",
    "0.2",
    "0.30000000000000004",
    "123.456",
    "-98.76",
    "1e22",
    "1e23",
    "9007199254740993",
    "9007199254740993.0",
    "18446744073709551616",
    "123456789012345678901234567890",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "1e400",
    "-1e400",
    "1e-400",
    "4.9e-324",
    "2.2250738585072014e-308",
    "0.000000000000000000000000000001",
    "1.00000000000000000000000000000",
    "3.14159265358979323846264338327950288",
    "1e0000000000000000000001",
    "0e999999999999",
    "-0e-5",
];

const BAD_NUMBERS: &[&str] = &[
    "01",
    "1.",
    ".5",
    "+1",
    "1e",
    "1e+",
    "-",
    "--1",
    "1.e3",
    "0x10",
    "1_000",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e-",
    "١",
];

const STRINGS: &[&str] = &[
    "",
    "a",
    "Mary",
    "MX",
    "CU",
    "ab",
    "abc123",
    "Zoë",
    "a\"b",
    "back\\slash",
    "tab\there",
    "new\nline",
    "ctl\u{1}",
    "slash/",
    "😀",
    "日本",
    "\u{7f}",
    "é",
    "  spaced  ",
];

impl Writer<'_> {
    fn ws(&mut self) {
        if self.rng.chance(80) {
            return;
        }
        let ws = if self.wild && self.rng.chance(3) {
            // Not JSON whitespace.
            self.rng.pick(&["\u{c}", "\u{a0}", "\u{feff}", "\u{b}"])
        } else {
            self.rng.pick(&[" ", "\n", "\t", "\r\n", "  \t ", "\r"])
        };
        self.out.push_str(ws);
    }

    /// A JSON string holding `s`, with needless escapes now and then.
    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            let escape = self.rng.chance(6);
            match c {
                '"' | '\\' if !escape => {
                    self.out.push('\\');
                    self.out.push(c);
                }
                '\n' if !escape => self.out.push_str("\\n"),
                '\t' if !escape => self.out.push_str(self.rng.pick(&["\\t", "\\u0009"])),
                '/' if escape => self.out.push_str("\\/"),
                c if c < ' ' || escape => {
                    let mut units = [0; 2];
                    for u in c.encode_utf16(&mut units) {
                        let hex = format!("\\u{:04x}", u);
                        let hex = if self.rng.chance(50) {
                            hex.to_uppercase().replace("\\U", "\\u")
                        } else {
                            hex
                        };
                        self.out.push_str(&hex);
                    }
                }
                c => self.out.push(c),
            }
        }
        if self.wild && self.rng.chance(1) {
            let bad = self.rng.pick(&[
                "\\x41",
                "\\ud800",
                "\\udc00",
                "\\ud800\\u0041",
                "\\ud800x",
                "\\u12",
                "\\u12g4",
                "\u{1}",
                "\\",
                "\\U0041",
                "\\ud83d\\ude00",
            ]);
            self.out.push_str(bad);
        }
        self.out.push('"');
    }

    /// A value of type `ty` for a fact matching `pattern`: now and then (more often in
    /// wild texts) one from the risky pools, which hold invalid values too.
    fn value(&mut self, ty: &Type, pattern: Option<&str>, top: bool) {
        let risky = self.rng.chance(if self.wild { 6 } else { 2 });
        if self.rng.chance(if top { 5 } else { 1 }) {
            self.out.push_str("null");
            return;
        }
        if self.wild && self.rng.chance(1) {
            let wrong = ["true", "\"x\"", "1", "[]", "{}", "[1]", "\"2024-01-01\""];
            let wrong = self.rng.pick(&wrong);
            self.out.push_str(wrong);
            return;
        }
        match ty {
            Type::Bool => {
                let b = self.rng.pick(&["true", "false"]);
                self.out.push_str(b);
            }
            Type::Int => {
                let n = if !risky {
                    format!("{}", self.rng.below(1000) + 1)
                } else if self.rng.chance(20) {
                    self.rng.pick(BAD_NUMBERS).to_string()
                } else {
                    self.rng.pick(INTS).to_string()
                };
                self.out.push_str(&n);
            }
            Type::Decimal => {
                let n = if !risky || self.rng.chance(50) {
                    self.decimal()
                } else if self.rng.chance(20) {
                    self.rng.pick(BAD_NUMBERS).to_string()
                } else {
                    self.rng.pick(DECIMALS).to_string()
                };
                self.out.push_str(&n);
            }
            Type::String => {
                let upper = |r: &mut Rng| char::from(b'A' + r.below(26) as u8);
                let s = if risky {
                    self.rng.pick(STRINGS).to_string()
                } else if pattern.is_some_and(|p| p.contains("A-Z")) {
                    format!("{}{}", upper(&mut self.rng), upper(&mut self.rng))
                } else if pattern.is_some() {
                    format!("tag{}", self.rng.below(100))
                } else {
                    let s = self.rng.pick(STRINGS).replace('\u{1}', "");
                    format!("{s}{}", upper(&mut self.rng))
                };
                self.string(&s);
            }
            Type::Date => {
                let valid = [
                    "2024-02-29",
                    "0000-01-01",
                    "9999-12-31",
                    "2024-06-17",
                    "1999-12-31",
                ];
                let invalid = [
                    "2023-02-29",
                    "2024-13-01",
                    "2024-1-01",
                    "2024-06-17T00:00",
                    "",
                ];
                let d = if risky {
                    self.rng.pick(&invalid)
                } else {
                    self.rng.pick(&valid)
                };
                self.string(d);
            }
            Type::Duration => {
                let valid = [
                    "3 days",
                    "1 day",
                    "2 months",
                    "1 month",
                    "5 years",
                    "1 year",
                    "0 days",
                    "2147483647 days",
                ];
                let invalid = [
                    "3  days",
                    "three days",
                    "-3 days",
                    "3 weeks",
                    "2147483648 days",
                    "200000000 years",
                    "3days",
                    "",
                ];
                let d = if risky {
                    self.rng.pick(&invalid)
                } else {
                    self.rng.pick(&valid)
                };
                self.string(d);
            }
            Type::Enum(id) => {
                let names: Vec<String> = self
                    .policy
                    .enum_info(*id)
                    .variants
                    .iter()
                    .map(|v| v.name.clone())
                    .collect();
                let name = if risky {
                    let wrong = ["Red", "reds", "re", "", "blue", "blue_greenx", "x\u{0}"];
                    self.rng.pick(&wrong).to_string()
                } else {
                    names[self.rng.below(names.len())].clone()
                };
                self.string(&name);
            }
            Type::List(item) => {
                self.out.push('[');
                let n = self.rng.below(4);
                for i in 0..n {
                    if i > 0 {
                        self.ws();
                        self.out.push(',');
                    }
                    self.ws();
                    self.value(item, pattern, false);
                    self.ws();
                }
                if self.wild && self.rng.chance(1) {
                    self.out.push(',');
                }
                self.out.push(']');
            }
            Type::Any => self.out.push_str("null"),
        }
    }

    /// A decimal with many digits and an exponent: the rounding must be serde_json's.
    fn decimal(&mut self) -> String {
        let digits: String = (0..1 + self.rng.below(24))
            .map(|_| char::from(b'0' + self.rng.below(10) as u8))
            .collect();
        let digits = digits.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        let split = self.rng.below(digits.len() + 1);
        let (int, frac) = digits.split_at(split);
        let int = if int.is_empty() { "0" } else { int };
        let mut n = format!("{}{int}", if self.rng.chance(30) { "-" } else { "" });
        if !frac.is_empty() {
            n = format!("{n}.{frac}");
        }
        if self.rng.chance(40) {
            let e = self.rng.below(70) as i64 - 35;
            n = format!("{n}{}{e}", self.rng.pick(&["e", "E"]));
        }
        n
    }

    fn object(&mut self, tree: &FactTree) {
        self.out.push('{');
        self.ws();
        let mut entries: Vec<&(String, FactNode)> = tree
            .entries
            .iter()
            .filter(|_| self.rng.chance(70))
            .collect();
        // Writers need not sort their keys.
        for i in (1..entries.len()).rev() {
            entries.swap(i, self.rng.below(i + 1));
        }
        if self.wild && self.rng.chance(5) && !entries.is_empty() {
            // A duplicate key.
            let again = entries[self.rng.below(entries.len())];
            entries.push(again);
        }
        for (i, (key, node)) in entries.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
                self.ws();
            }
            if self.wild && self.rng.chance(1) {
                self.string("not_a_fact");
            } else {
                self.string(key);
            }
            self.ws();
            self.out.push(':');
            self.ws();
            match node {
                FactNode::Fact(id) => {
                    let fact = self.policy.fact(*id);
                    let pattern = fact.constraint.matching.as_ref().map(|(p, _)| p.clone());
                    let ty = fact.ty.clone();
                    self.value(&ty, pattern.as_deref(), true);
                }
                FactNode::Group(inner) if self.rng.chance(90) => self.object(inner),
                FactNode::Group(_) => self.out.push_str("null"),
            }
            self.ws();
        }
        if self.wild && self.rng.chance(1) {
            self.out.push(',');
        }
        self.out.push('}');
    }

    /// A whole text: an object, now and then mangled as a whole.
    fn text(&mut self) -> String {
        self.out.clear();
        self.ws();
        let tree = self.policy.fact_tree.clone();
        self.object(&tree);
        self.ws();
        let mut text = std::mem::take(&mut self.out);
        if self.wild && self.rng.chance(20) {
            match self.rng.below(6) {
                0 => {
                    let mut cut = self.rng.below(text.len() + 1);
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    text.truncate(cut);
                }
                1 => text.push_str(self.rng.pick(&["x", "}", ",", " {}", "\u{0}", "null"])),
                2 => text.insert(0, '\u{feff}'),
                3 => text = format!("[{text}]"),
                4 => {
                    // A byte that is not UTF-8, as a lossy reader would let through.
                    let mut bytes = text.into_bytes();
                    let at = self.rng.below(bytes.len().max(1));
                    if let Some(b) = bytes.get_mut(at) {
                        *b = [0xff, 0xc3, 0x80, 0xed][self.rng.below(4)];
                    }
                    text = String::from_utf8_lossy(&bytes).into_owned();
                }
                _ => {
                    text = self
                        .rng
                        .pick(&["null", "[]", "\"facts\"", "1", "", " ", "{"])
                        .to_string()
                }
            }
        }
        text
    }
}

/// Runs `n` texts from `seed` through both readers; the number of valid ones.
fn run(policy: &Policy, seed: u64, n: usize, wild: bool) -> usize {
    let program = policy.compile();
    let mut s = Scratch::new(&program);
    let mut writer = Writer {
        policy: policy.checked(),
        rng: Rng(seed),
        wild,
        out: String::new(),
    };
    (0..n)
        .filter(|_| {
            let text = writer.text();
            agree(policy, &program, &mut s, &text)
        })
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Valid-looking texts (odd numbers, escapes, whitespace, but no stray syntax):
    /// mostly valid, and read alike.
    #[test]
    fn tame_texts_read_alike(seed in any::<u64>()) {
        let valid = run(&policy(), seed, 40, false);
        prop_assert!(valid > 0, "no valid text in 40");
    }

    /// Texts with stray syntax, wrong types, duplicates, truncation, garbage: read alike.
    #[test]
    fn wild_texts_read_alike(seed in any::<u64>()) {
        run(&policy(), seed, 40, true);
    }

    /// Duplicates beyond the first 64 keys of a group, a group searched by halves.
    #[test]
    fn wide_groups_read_alike(seed in any::<u64>(), wild in any::<bool>()) {
        run(&wide_policy(), seed, 20, wild);
    }
}

#[test]
fn every_corner_reads_as_the_reference_reads() {
    let policy = policy();
    let program = policy.compile();
    let mut s = Scratch::new(&program);
    let valid = [
        r#"{}"#,
        " \t\r\n{ } \n",
        r#"{"flag":true}"#,
        r#"{"amount":-0}"#,
        r#"{"amount":-0.0}"#,
        r#"{"amount":1e2,"big":100}"#,
        r#"{"amount":18446744073709551616}"#,
        r#"{"amount":9007199254740993}"#,
        r#"{"amount":0.1e1}"#,
        r#"{"amount":123456789.123456789e-5}"#,
        r#"{"big":-9223372036854775808}"#,
        r#"{"big":9223372036854775807}"#,
        r#"{"count":-5}"#,
        r#"{"count":1000}"#,
        r#"{"\u0066lag":false}"#,
        r#"{"fl\u0061g":false,"name":"\ud83d\ude00\n\"\\\/\b\f\r\t\u00e9"}"#,
        r#"{"colour":"\u0072ed"}"#,
        r#"{"colour":"x","colours":["x","rose","red"]}"#,
        r#"{"seen":"2024-02-29","dates":["2024\u002d01\u002d01"]}"#,
        r#"{"wait":"2 years"}"#,
        r#"{"code":"MX","tag":"abc123"}"#,
        r#"{"name":""}"#,
        r#"{"grid":[[],[1,2],[3]]}"#,
        r#"{"person":null}"#,
        r#"{"person":{"address":{"country":null}}}"#,
        r#"{"person":{"address":{"country":{"colour":"green"}}}}"#,
        r#"{"names":["a","b\u0000"]}"#,
        r#"{"name":"a\u0001"}"#,
        r#"{"crowded":{"c7":true,"c19":false,"c1":true,"c10":null}}"#,
    ];
    let invalid = [
        "",
        "null",
        "[]",
        r#"{"flag":true}x"#,
        r#"{"flag":true"#,
        r#"{"flag":true,}"#,
        r#"{,"flag":true}"#,
        r#"{"flag":true,"flag":false}"#,
        r#"{"flag":null,"flag":null}"#,
        r#"{"person":null,"person":{}}"#,
        r#"{"flag":"true"}"#,
        r#"{"flag":tru}"#,
        r#"{"flag":truee}"#,
        r#"{"big":-0}"#,
        r#"{"big":2500.0}"#,
        r#"{"big":1e2}"#,
        r#"{"big":9223372036854775808}"#,
        r#"{"big":-9223372036854775809}"#,
        r#"{"big":01}"#,
        r#"{"count":-6}"#,
        r#"{"count":1001}"#,
        r#"{"amount":1e400}"#,
        r#"{"amount":1.}"#,
        r#"{"amount":.5}"#,
        r#"{"amount":+1}"#,
        r#"{"amount":"1"}"#,
        r#"{"colour":"Red"}"#,
        r#"{"colour":"\ud800"}"#,
        r#"{"colours":[null]}"#,
        r#"{"colours":["red",]}"#,
        "{\"name\":\"a\u{1}\"}",
        r#"{"name":"\x"}"#,
        r#"{"code":"mx"}"#,
        r#"{"code":"MXX"}"#,
        r#"{"tag":"ABC"}"#,
        r#"{"seen":"2023-02-29"}"#,
        r#"{"wait":"3 weeks"}"#,
        r#"{"person":[]}"#,
        r#"{"person":{"nope":1}}"#,
        r#"{"grid":[[null]]}"#,
        r#"{"grid":[1]}"#,
        r#"{"crowded":{"c20":true}}"#,
        r#"{"crowded":{"c1":true,"c1":true}}"#,
        "\u{feff}{}",
        "{\"flag\":\u{a0}true}",
    ];
    for text in valid {
        assert!(agree(&policy, &program, &mut s, text), "{text:?} is valid");
    }
    for text in invalid {
        assert!(
            !agree(&policy, &program, &mut s, text),
            "{text:?} is invalid"
        );
    }
}

/// serde_json refuses a 128th nested array or object, whatever it holds.
#[test]
fn nesting_is_bounded_as_serde_json_bounds_it() {
    let mut ty = String::from("bool");
    for _ in 0..130 {
        ty = format!("list of {ty}");
    }
    let source = format!("policy \"Deep\" version \"1\"\nfact deep: {ty} \"deep\"\n");
    let policy = Policy::from_source("deep.asylon", &source).expect("a deep policy checks");
    let program = policy.compile();
    let mut s = Scratch::new(&program);
    for depth in [1, 100, 125, 126, 127, 128, 129] {
        let text = format!("{{\"deep\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        // The object is one level: lists up to 126 deep make 127.
        assert_eq!(
            agree(&policy, &program, &mut s, &text),
            depth <= 126,
            "{depth}"
        );
    }
}

/// The policy's limits bound the fast reader as they bound the reference.
#[test]
fn limits_bound_the_fast_reader_too() {
    let limits = Limits {
        max_facts_bytes: 60,
        max_string_bytes: 4,
        max_list_items: 3,
        ..Limits::default()
    };
    let policy = policy().with_limits(limits);
    let program = policy.compile();
    let mut s = Scratch::new(&program);
    let long = format!("{{\"flag\":true,{}\"big\":1}}", " ".repeat(40));
    for (text, valid) in [
        (r#"{"name":"abcd"}"#, true),
        (r#"{"name":"abcde"}"#, false),
        (r#"{"name":"ab\u0063d"}"#, true),
        (r#"{"name":"\u00e9\u00e9\u00e9"}"#, false),
        (r#"{"colour":"green"}"#, false),
        (r#"{"colour":"rose"}"#, true),
        (r#"{"seen":"2024-01-01"}"#, false),
        (r#"{"colours":["red","red"]}"#, true),
        // The reference refuses a list as soon as it holds the limit.
        (r#"{"colours":["red","red","red"]}"#, false),
        (r#"{"grid":[[1,2],[],[3,4]]}"#, false),
        (r#"{"grid":[[1,2],[3,4]]}"#, true),
        (long.as_str(), false),
        (&long.replace("    ", ""), true),
    ] {
        assert_eq!(agree(&policy, &program, &mut s, text), valid, "{text}");
    }
}
