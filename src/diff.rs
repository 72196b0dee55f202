//! Impact of a change: which outcomes two versions of a policy decide differently, each
//! with a *witness*, a fact set on which they disagree.
//!
//! For each outcome, the facts it reads in either policy (through definitions and
//! exceptions) are given candidate values: *unknown*, every `bool` and enum value, and
//! for numbers, dates and strings the boundary values of every constant the two
//! policies compare them against (a threshold `c` gives `c - 1`, `c` and `c + 1`; a
//! period of `n` days gives the dates `n - 1`, `n` and `n + 1` days before the
//! evaluation date; a duration `d` the day before, on and after `today - d`). Fact sets
//! are tried with the fewest known facts first, so a witness says no more than it must,
//! and fact sets either policy calls impossible are skipped.
//!
//! A witness is a fact set both policies accept: a fact only one of them declares (added,
//! removed, renamed) is left unknown in it, and a value only one side's type or bounds
//! allow is not tried.
//!
//! The search is *complete* — no witness found means the two agree on every input both
//! accept — when every such fact is a `bool`, an enum or a small list of enum values, or
//! is only ever compared directly with constants and `today`, and the combinations fit
//! in the budget. Otherwise the report says it is not complete, and why.
//!
//! Beside the verdicts, the report lists what a reviewer must see even when no verdict
//! changes: the texts people read ([`texts`]) and the facts contract ([`contract`]).

pub mod contract;
pub mod texts;

pub use contract::{ContractChange, ContractChangeKind, Which};
pub use texts::{TextChange, TextField, TextOwner};

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::checked::{CheckedPolicy, ExceptionId, Expr, ExprKind, FactId, RuleId, RuleKind};
use crate::decision::{value_json, Status};
use crate::eval::Evaluator;
use crate::facts::Facts;
use crate::value::{add_duration, sub_duration, Date, Duration, Type, Value};
use crate::Policy;

/// The most fact combinations tried for one outcome.
pub const DEFAULT_BUDGET: u64 = 2_000_000;

/// How to compare.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// The evaluation date of the new policy (and of the old one, unless `old_as_of`).
    pub as_of: Date,
    /// Another evaluation date for the old policy (to compare a policy with itself before
    /// and after a rule took effect).
    pub old_as_of: Option<Date>,
    /// The most fact combinations tried for one outcome.
    pub budget: u64,
}

/// One outcome the two policies decide differently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The outcome's id.
    pub outcome: String,
    /// The evaluation date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The old policy's evaluation date, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_as_of: Option<String>,
    /// A fact set `asylon eval` accepts, on which the verdicts differ.
    pub witness: serde_json::Value,
    /// The old policy's verdict.
    pub old: Status,
    /// The new policy's verdict.
    pub new: Status,
    /// `old` or `new` when the outcome exists in only one of them (it never holds in the
    /// other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_in: Option<String>,
}

/// The result of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffReport {
    /// Whether the search covered every input that can make a difference.
    pub complete: bool,
    /// Why it is not complete, when it is not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
    /// The outcomes decided differently, in the new policy's order.
    pub differences: Vec<Difference>,
    /// How many outcomes were compared.
    pub outcomes_compared: usize,
    /// The changes to the facts contract: facts added, removed, renamed, retyped.
    pub contract: Vec<ContractChange>,
    /// The texts people read that changed, per language.
    pub texts: Vec<TextChange>,
}

impl DiffReport {
    /// Whether the two policies differ in anything the report covers: a verdict, the
    /// facts contract or a text. `asylon diff` exits 1 when they do, as `diff(1)` does.
    pub fn differs(&self) -> bool {
        !(self.differences.is_empty() && self.contract.is_empty() && self.texts.is_empty())
    }
}

/// One side of the comparison.
struct Side<'p> {
    policy: &'p CheckedPolicy,
    as_of: Date,
}

/// A fact as both sides see it.
struct FactSlot {
    name: String,
    old: Option<FactId>,
    new: Option<FactId>,
    /// Candidate values: the JSON form, and the value on each side (`None` where that
    /// side cannot take it).
    candidates: Vec<(serde_json::Value, Option<Value>, Option<Value>)>,
}

/// Compares every outcome of two policies.
pub fn diff(old: &Policy, new: &Policy, options: &DiffOptions) -> DiffReport {
    let old_side = Side {
        policy: old.checked(),
        as_of: options.old_as_of.unwrap_or(options.as_of),
    };
    let new_side = Side {
        policy: new.checked(),
        as_of: options.as_of,
    };
    let mut ids: Vec<String> = new_side
        .policy
        .outcomes
        .iter()
        .map(|r| new_side.policy.rule(*r).name.clone())
        .collect();
    for r in &old_side.policy.outcomes {
        let name = &old_side.policy.rule(*r).name;
        if !ids.contains(name) {
            ids.push(name.clone());
        }
    }
    let constants = Constants::of(&[old_side.policy, new_side.policy]);
    let mut report = DiffReport {
        complete: true,
        incomplete: Vec::new(),
        differences: Vec::new(),
        outcomes_compared: ids.len(),
        contract: contract::changes(old_side.policy, new_side.policy),
        texts: texts::changes(
            old_side.policy,
            old_side.as_of,
            new_side.policy,
            new_side.as_of,
        ),
    };
    for id in ids {
        let old_rule = old_side.policy.outcome_named(&id);
        let new_rule = new_side.policy.outcome_named(&id);
        let (found, notes) = compare(
            &old_side, &new_side, old_rule, new_rule, &constants, options,
        );
        for note in notes {
            report.incomplete.push(format!("{id}: {note}"));
        }
        if let Some((witness, o, n)) = found {
            report.differences.push(Difference {
                outcome: id.clone(),
                as_of: new_side.as_of.to_string(),
                old_as_of: options
                    .old_as_of
                    .filter(|d| *d != options.as_of)
                    .map(|d| d.to_string()),
                witness,
                old: o,
                new: n,
                only_in: match (old_rule, new_rule) {
                    (None, Some(_)) => Some("new".into()),
                    (Some(_), None) => Some("old".into()),
                    _ => None,
                },
            });
        }
    }
    report.complete = report.incomplete.is_empty();
    report
}

type Found = Option<(serde_json::Value, Status, Status)>;

fn compare(
    old: &Side<'_>,
    new: &Side<'_>,
    old_rule: Option<RuleId>,
    new_rule: Option<RuleId>,
    constants: &Constants,
    options: &DiffOptions,
) -> (Found, Vec<String>) {
    let mut notes = BTreeSet::new();
    let mut names: Vec<String> = Vec::new();
    for (side, rule) in [(old, old_rule), (new, new_rule)] {
        if let Some(r) = rule {
            let mut facts = Vec::new();
            let mut complete = true;
            reads_rule(
                side.policy,
                r,
                &mut facts,
                &mut complete,
                &mut Vec::new(),
                &mut Vec::new(),
            );
            for f in facts {
                let name = &side.policy.fact(f).name;
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
            if !complete {
                notes.insert(
                    "it reads facts in ways other than direct comparisons with constants"
                        .to_string(),
                );
            }
        }
    }
    let dates: Vec<Date> = [old.as_of, new.as_of]
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let slots: Vec<FactSlot> = names
        .iter()
        .map(|name| fact_slot(name, old.policy, new.policy, constants, &dates, &mut notes))
        .collect();
    let monotone = [(old, old_rule), (new, new_rule)]
        .iter()
        .all(|(side, rule)| rule.is_none_or(|r| !tests_knowledge(side.policy, r)));
    let mut search = Search {
        old,
        new,
        old_rule,
        new_rule,
        slots: &slots,
        choice: vec![None; slots.len()],
        old_facts: Facts::unknown(old.policy.facts.len()),
        new_facts: Facts::unknown(new.policy.facts.len()),
        monotone,
        visited: 0,
        budget: options.budget,
    };
    let found = search.node(0);
    if search.visited > search.budget {
        notes.insert(format!(
            "the search stopped after {} fact sets (the budget)",
            search.budget
        ));
    }
    let found = found.map(|choice| search.minimise(choice));
    (found, notes.into_iter().collect())
}

/// A depth-first search over the facts' candidate values, one fact after the other, each
/// first left unknown. Kleene logic is monotone: filling in unknown facts never changes a
/// verdict that is already decided, so when both policies have decided the same verdict
/// the whole subtree agrees and is skipped. (A rule that asks `is known` is not
/// monotone; then nothing is skipped.)
struct Search<'a, 'p> {
    old: &'a Side<'p>,
    new: &'a Side<'p>,
    old_rule: Option<RuleId>,
    new_rule: Option<RuleId>,
    slots: &'a [FactSlot],
    choice: Vec<Option<usize>>,
    old_facts: Facts,
    new_facts: Facts,
    monotone: bool,
    visited: u64,
    budget: u64,
}

impl Search<'_, '_> {
    /// Searches below the current choice, from slot `next` on; returns the choice of a
    /// witness.
    fn node(&mut self, next: usize) -> Option<Vec<Option<usize>>> {
        self.visited += 1;
        if self.visited > self.budget {
            return None;
        }
        let choice = self.choice.clone();
        if let Some((o, n)) = self.verdicts(&choice) {
            if o != n {
                return Some(choice);
            }
            if self.monotone && o != Status::Undetermined {
                return None;
            }
        }
        for slot in next..self.slots.len() {
            for c in 0..self.slots[slot].candidates.len() {
                self.choice[slot] = Some(c);
                let found = self.node(slot + 1);
                self.choice[slot] = None;
                if found.is_some() {
                    return found;
                }
                if self.visited > self.budget {
                    return None;
                }
            }
        }
        None
    }

    /// Both verdicts for a choice; `None` when the facts cannot be given to both
    /// policies (a value one cannot take, or facts one calls impossible).
    fn verdicts(&mut self, choice: &[Option<usize>]) -> Option<(Status, Status)> {
        for (slot, c) in self.slots.iter().zip(choice) {
            let (o, n) = match c {
                Some(i) => {
                    let (_, o, n) = &slot.candidates[*i];
                    if (slot.old.is_some() && o.is_none()) || (slot.new.is_some() && n.is_none()) {
                        return None;
                    }
                    (o.clone(), n.clone())
                }
                None => (None, None),
            };
            if let Some(f) = slot.old {
                self.old_facts.set(f, o);
            }
            if let Some(f) = slot.new {
                self.new_facts.set(f, n);
            }
        }
        let o = verdict(self.old, self.old_rule, &self.old_facts)?;
        let n = verdict(self.new, self.new_rule, &self.new_facts)?;
        Some((o, n))
    }

    /// Makes a witness easy to read: first fills in facts while that decides more of the
    /// two verdicts (a person reads "holds → does not hold" more easily than a change
    /// from undetermined), then leaves out every known fact the difference does not
    /// need.
    fn minimise(&mut self, mut choice: Vec<Option<usize>>) -> (serde_json::Value, Status, Status) {
        let undecided = |v: (Status, Status)| {
            usize::from(v.0 == Status::Undetermined) + usize::from(v.1 == Status::Undetermined)
        };
        // INVARIANT: the search only returns a choice whose verdicts differ.
        let mut best = self
            .verdicts(&choice)
            .unwrap_or((Status::Undetermined, Status::Holds));
        for i in 0..choice.len() {
            if choice[i].is_some() || undecided(best) == 0 {
                continue;
            }
            // The candidate that decides most while keeping the difference; facts that
            // decide nothing yet may still help together with a later one, and the
            // second pass takes out those that did not.
            let mut pick: Option<(usize, (Status, Status))> = None;
            for c in 0..self.slots[i].candidates.len() {
                choice[i] = Some(c);
                if let Some(v) = self.verdicts(&choice) {
                    if v.0 != v.1
                        && undecided(v) <= undecided(best)
                        && pick.is_none_or(|(_, p)| undecided(v) < undecided(p))
                    {
                        pick = Some((c, v));
                    }
                }
            }
            choice[i] = pick.map(|(c, _)| c);
            if let Some((_, v)) = pick {
                best = v;
            }
        }
        for i in 0..choice.len() {
            if choice[i].is_none() {
                continue;
            }
            let kept = choice[i].take();
            match self.verdicts(&choice) {
                Some(v) if v.0 != v.1 && undecided(v) <= undecided(best) => best = v,
                _ => choice[i] = kept,
            }
        }
        let mut witness = serde_json::Map::new();
        for (slot, c) in self.slots.iter().zip(&choice) {
            if let Some(i) = c {
                insert_dotted(&mut witness, &slot.name, slot.candidates[*i].0.clone());
            }
        }
        (serde_json::Value::Object(witness), best.0, best.1)
    }
}

/// Whether a rule reads `is known` or `is unknown`, directly or through other rules.
fn tests_knowledge(policy: &CheckedPolicy, r: RuleId) -> bool {
    fn expr(policy: &CheckedPolicy, e: &Expr, seen: &mut Vec<RuleId>) -> bool {
        use crate::syntax::ast::Test;
        match &e.kind {
            ExprKind::Test(Test::Known | Test::Unknown, _) => true,
            ExprKind::Rule(r) => rule(policy, *r, seen),
            _ => {
                let mut found = false;
                e.for_each_child(|c| found = found || expr(policy, c, seen));
                found
            }
        }
    }
    fn rule(policy: &CheckedPolicy, r: RuleId, seen: &mut Vec<RuleId>) -> bool {
        if seen.contains(&r) {
            return false;
        }
        seen.push(r);
        let info = policy.rule(r);
        expr(policy, &info.body, seen)
            || info.exceptions.iter().any(|e| exception(policy, *e, seen))
    }
    fn exception(policy: &CheckedPolicy, e: ExceptionId, seen: &mut Vec<RuleId>) -> bool {
        let exc = policy.exception(e);
        expr(policy, &exc.when, seen)
            || expr(policy, &exc.gives, seen)
            || exc.exceptions.iter().any(|s| exception(policy, *s, seen))
    }
    rule(policy, r, &mut Vec::new())
}

/// The verdict on an outcome; `None` when the facts are impossible for this policy.
fn verdict(side: &Side<'_>, rule: Option<RuleId>, facts: &Facts) -> Option<Status> {
    let mut ev = Evaluator::new(side.policy, facts, side.as_of);
    for imp in &side.policy.impossibles {
        if ev.eval_bool(&imp.when) == Some(true) {
            return None;
        }
    }
    let Some(rule) = rule else {
        return Some(Status::DoesNotHold);
    };
    let value = ev.rule(rule);
    if ev.failure.is_some() {
        return None;
    }
    Some(match value.and_then(|v| v.as_bool()) {
        Some(true) => Status::Holds,
        Some(false) => Status::DoesNotHold,
        None => Status::Undetermined,
    })
}

pub(crate) fn insert_dotted(
    map: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    value: serde_json::Value,
) {
    match name.split_once('.') {
        None => {
            map.insert(name.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = map
                .entry(head.to_string())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            if let serde_json::Value::Object(inner) = entry {
                insert_dotted(inner, rest, value);
            }
        }
    }
}

/// The constants both policies compare against.
#[derive(Default)]
struct Constants {
    ints: BTreeSet<i64>,
    decimals: Vec<f64>,
    strings: BTreeSet<String>,
    dates: BTreeSet<Date>,
    durations: Vec<Duration>,
}

impl Constants {
    fn of(policies: &[&CheckedPolicy]) -> Constants {
        let mut c = Constants::default();
        for p in policies {
            let exprs = p
                .rules
                .iter()
                .map(|r| &r.body)
                .chain(p.exceptions.iter().flat_map(|e| [&e.when, &e.gives]))
                .chain(p.impossibles.iter().map(|i| &i.when));
            for e in exprs {
                c.collect(e);
            }
        }
        c
    }

    fn collect(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Lit(v) => self.value(v),
            _ => e.for_each_child(|c| self.collect(c)),
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Int(n) => {
                self.ints.insert(*n);
            }
            Value::Decimal(d) => self.decimals.push(*d),
            Value::String(s) => {
                self.strings.insert(s.to_string());
            }
            Value::Date(d) => {
                self.dates.insert(*d);
            }
            Value::Duration(d) => self.durations.push(*d),
            Value::List(items) => items.iter().for_each(|i| self.value(i)),
            Value::Bool(_) | Value::Enum(_) => {}
        }
    }
}

/// A fact's candidate values, as JSON and on each side.
fn fact_slot(
    name: &str,
    old: &CheckedPolicy,
    new: &CheckedPolicy,
    constants: &Constants,
    as_of: &[Date],
    notes: &mut BTreeSet<String>,
) -> FactSlot {
    let old_id = old.fact_named(name);
    let new_id = new.fact_named(name);
    let mut json: Vec<serde_json::Value> = Vec::new();
    if old_id.is_none() || new_id.is_none() {
        // The other policy refuses a fact set naming it: a witness leaves it unknown.
        return FactSlot {
            name: name.to_string(),
            old: old_id,
            new: new_id,
            candidates: Vec::new(),
        };
    }
    for (policy, id) in [(new, new_id), (old, old_id)] {
        if let Some(id) = id {
            for v in candidates(policy, id, constants, as_of, notes) {
                if !json.contains(&v) {
                    json.push(v);
                }
            }
        }
    }
    let convert =
        |policy: &CheckedPolicy, id: Option<FactId>, v: &serde_json::Value| -> Option<Value> {
            let id = id?;
            let mut object = serde_json::Map::new();
            insert_dotted(&mut object, name, v.clone());
            let facts = Facts::from_value(
                policy,
                &serde_json::Value::Object(object),
                &crate::limits::Limits::default(),
            )
            .ok()?;
            facts.get(id).cloned()
        };
    let candidates = json
        .into_iter()
        .map(|v| {
            let o = convert(old, old_id, &v);
            let n = convert(new, new_id, &v);
            (v, o, n)
        })
        // A witness is accepted by both policies.
        .filter(|(_, o, n)| o.is_some() && n.is_some())
        .collect();
    FactSlot {
        name: name.to_string(),
        old: old_id,
        new: new_id,
        candidates,
    }
}

fn candidates(
    policy: &CheckedPolicy,
    id: FactId,
    constants: &Constants,
    as_of: &[Date],
    notes: &mut BTreeSet<String>,
) -> Vec<serde_json::Value> {
    let fact = policy.fact(id);
    let json = |v: &Value| value_json(policy, &fact.ty, v);
    match &fact.ty {
        Type::Bool => vec![false.into(), true.into()],
        Type::Enum(e) => {
            let info = policy.enum_info(*e);
            info.variants
                .iter()
                .map(|v| v.name.clone().into())
                .collect()
        }
        Type::Int => {
            let mut out = BTreeSet::from([0i64]);
            for c in &constants.ints {
                for d in [-1, 0, 1] {
                    if let Some(v) = c.checked_add(d) {
                        out.insert(v);
                    }
                }
            }
            out.into_iter()
                .filter(|n| {
                    fact.constraint.at_least.is_none_or(|lo| *n >= lo)
                        && fact.constraint.at_most.is_none_or(|hi| *n <= hi)
                })
                .map(|n| n.into())
                .collect()
        }
        Type::Decimal => {
            let mut points: Vec<f64> = constants.decimals.clone();
            points.extend(constants.ints.iter().map(|i| *i as f64));
            points.sort_by(f64::total_cmp);
            points.dedup();
            let mut out = vec![0.0];
            for (i, p) in points.iter().enumerate() {
                out.push(*p);
                out.push(p - 1.0);
                if let Some(next) = points.get(i + 1) {
                    out.push((p + next) / 2.0);
                } else {
                    out.push(p + 1.0);
                }
            }
            out.sort_by(f64::total_cmp);
            out.dedup();
            out.into_iter()
                .filter_map(|d| serde_json::Number::from_f64(d).map(serde_json::Value::Number))
                .collect()
        }
        Type::String => {
            let ok = |s: &str| {
                fact.constraint
                    .matching
                    .as_ref()
                    .is_none_or(|(_, re)| re.is_match(s))
            };
            let mut out: Vec<serde_json::Value> = constants
                .strings
                .iter()
                .filter(|s| ok(s))
                .map(|s| s.clone().into())
                .collect();
            let other = ["ZZ", "zz", "Z", "z", "0", "00", "x", ""]
                .into_iter()
                .find(|s| ok(s) && !constants.strings.contains(*s));
            match other {
                Some(s) => out.push(s.into()),
                None => {
                    notes.insert(format!(
                        "no value of `{}` other than the policies' own could be made",
                        fact.name
                    ));
                }
            }
            out
        }
        Type::Date => {
            let mut out: BTreeSet<Date> = BTreeSet::new();
            let mut around = |d: Option<Date>| {
                if let Some(d) = d {
                    for k in [-1, 0, 1] {
                        if let Some(x) = add_duration(d, Duration::days(k)) {
                            out.insert(x);
                        }
                    }
                }
            };
            for today in as_of {
                around(Some(*today));
                for c in &constants.ints {
                    if let Ok(days) = i32::try_from(*c) {
                        if (0..=36_600).contains(&days) {
                            around(sub_duration(*today, Duration::days(days)));
                        }
                    }
                }
                for d in &constants.durations {
                    around(sub_duration(*today, *d));
                }
            }
            for d in &constants.dates {
                around(Some(*d));
            }
            out.into_iter().map(|d| json(&Value::Date(d))).collect()
        }
        Type::Duration => {
            notes.insert(format!(
                "`{}` is a duration: only the policies' own durations were tried",
                fact.name
            ));
            constants
                .durations
                .iter()
                .map(|d| json(&Value::Duration(*d)))
                .collect()
        }
        Type::List(inner) => match inner.as_ref() {
            Type::Enum(e) if policy.enum_info(*e).variants.len() <= 6 => {
                let variants: Vec<String> = policy
                    .enum_info(*e)
                    .variants
                    .iter()
                    .map(|v| v.name.clone())
                    .collect();
                (0u32..1 << variants.len())
                    .map(|mask| {
                        let items: Vec<serde_json::Value> = variants
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask & (1 << i) != 0)
                            .map(|(_, v)| v.clone().into())
                            .collect();
                        serde_json::Value::Array(items)
                    })
                    .collect()
            }
            _ => {
                notes.insert(format!(
                    "`{}` is a list: only the empty list was tried",
                    fact.name
                ));
                vec![serde_json::Value::Array(Vec::new())]
            }
        },
        Type::Any => Vec::new(),
    }
}

/// The facts a rule reads, through rules and exceptions; `complete` turns false when a
/// number, date or string fact is used other than in a direct comparison with constants
/// and `today`.
fn reads_rule(
    policy: &CheckedPolicy,
    r: RuleId,
    out: &mut Vec<FactId>,
    complete: &mut bool,
    rules: &mut Vec<RuleId>,
    excs: &mut Vec<ExceptionId>,
) {
    if rules.contains(&r) {
        return;
    }
    rules.push(r);
    let rule = policy.rule(r);
    reads(policy, &rule.body, out, complete, rules, excs);
    for &e in &rule.exceptions {
        reads_exception(policy, e, out, complete, rules, excs);
    }
}

fn reads_exception(
    policy: &CheckedPolicy,
    e: ExceptionId,
    out: &mut Vec<FactId>,
    complete: &mut bool,
    rules: &mut Vec<RuleId>,
    excs: &mut Vec<ExceptionId>,
) {
    if excs.contains(&e) {
        return;
    }
    excs.push(e);
    let exc = policy.exception(e);
    reads(policy, &exc.when, out, complete, rules, excs);
    reads(policy, &exc.gives, out, complete, rules, excs);
    for &sub in &exc.exceptions {
        reads_exception(policy, sub, out, complete, rules, excs);
    }
}

fn reads(
    policy: &CheckedPolicy,
    e: &Expr,
    out: &mut Vec<FactId>,
    complete: &mut bool,
    rules: &mut Vec<RuleId>,
    excs: &mut Vec<ExceptionId>,
) {
    match &e.kind {
        ExprKind::Fact(f) => {
            if !out.contains(f) {
                out.push(*f);
            }
            // A fact standing alone (not inside a comparison) must have finite values.
            if !finite(&policy.fact(*f).ty, policy) {
                *complete = false;
            }
        }
        ExprKind::Cmp(_, a, b) => {
            for side in [a, b] {
                if let Some(f) = direct_fact(policy, side) {
                    if !out.contains(&f) {
                        out.push(f);
                    }
                    let other = if std::ptr::eq(side.as_ref(), a.as_ref()) {
                        b
                    } else {
                        a
                    };
                    if !finite(&policy.fact(f).ty, policy) && !constant(policy, other) {
                        *complete = false;
                    }
                } else {
                    reads(policy, side, out, complete, rules, excs);
                }
            }
        }
        ExprKind::Rule(r) => reads_rule(policy, *r, out, complete, rules, excs),
        ExprKind::Lit(_) | ExprKind::Today => {}
        ExprKind::List(items) => items
            .iter()
            .for_each(|i| reads(policy, i, out, complete, rules, excs)),
        ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Test(_, a) => {
            reads(policy, a, out, complete, rules, excs)
        }
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::DaysFrom(a, b) => {
            reads(policy, a, out, complete, rules, excs);
            reads(policy, b, out, complete, rules, excs);
        }
        ExprKind::In { item, list, .. } => {
            if let (Some(f), true) = (direct_fact(policy, item), constant(policy, list)) {
                if !out.contains(&f) {
                    out.push(f);
                }
            } else {
                reads(policy, item, out, complete, rules, excs);
                reads(policy, list, out, complete, rules, excs);
            }
        }
        ExprKind::If(c, a, b) => {
            reads(policy, c, out, complete, rules, excs);
            reads(policy, a, out, complete, rules, excs);
            reads(policy, b, out, complete, rules, excs);
        }
    }
}

/// A fact read as itself or through simple date or day arithmetic with constants:
/// `f`, `f + 1 year`, `days from f to today`.
fn direct_fact(policy: &CheckedPolicy, e: &Expr) -> Option<FactId> {
    match &e.kind {
        ExprKind::Fact(f) => Some(*f),
        ExprKind::Arith(_, a, b) if constant(policy, b) => direct_fact(policy, a),
        ExprKind::DaysFrom(a, b) if constant(policy, b) => direct_fact(policy, a),
        ExprKind::Rule(r) => {
            let rule = policy.rule(*r);
            if rule.exceptions.is_empty() && rule.kind == RuleKind::Define {
                direct_fact(policy, &rule.body)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Built from literals, constants and `today` only.
fn constant(policy: &CheckedPolicy, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Lit(_) | ExprKind::Today => true,
        ExprKind::Rule(r) => policy.rule(*r).kind == RuleKind::Const,
        ExprKind::List(items) => items.iter().all(|i| constant(policy, i)),
        ExprKind::Neg(a) => constant(policy, a),
        ExprKind::Arith(_, a, b) | ExprKind::DaysFrom(a, b) => {
            constant(policy, a) && constant(policy, b)
        }
        _ => false,
    }
}

fn finite(ty: &Type, policy: &CheckedPolicy) -> bool {
    match ty {
        Type::Bool | Type::Enum(_) => true,
        Type::List(inner) => {
            matches!(inner.as_ref(), Type::Enum(e) if policy.enum_info(*e).variants.len() <= 6)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_nest() {
        let mut m = serde_json::Map::new();
        insert_dotted(&mut m, "person.child", true.into());
        insert_dotted(&mut m, "person.age", 3.into());
        insert_dotted(&mut m, "location", "x".into());
        assert_eq!(
            serde_json::Value::Object(m),
            serde_json::json!({"person": {"child": true, "age": 3}, "location": "x"})
        );
    }
}
