//! Evaluating one case with a compiled [`Program`]: the same Kleene three-valued logic,
//! exceptions and missing-fact walk as the reference evaluator (`crate::eval`), on slots.

use crate::value::{and3, or3};
use std::cmp::Ordering;

use super::value::{Arenas, Slice, V};
use super::{Fallback, Node, Program};
use crate::checked::{ArithOp, CmpOp};
use crate::syntax::ast::Test;
use crate::value::{add_duration, days_between, sub_duration, Date, Duration};

/// Facts in a [`Mask`]: policies with more facts take the walk that lists facts instead.
pub(crate) const MASK_FACTS: usize = 256;
const MASK_WORDS: usize = MASK_FACTS / 64;
/// A set of facts, one bit each.
type Mask = [u64; MASK_WORDS];

fn or(m: &mut Mask, other: Mask) {
    for (a, b) in m.iter_mut().zip(other) {
        *a |= b;
    }
}

/// The verdict on one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Its condition holds.
    Holds,
    /// It does not hold.
    DoesNotHold,
    /// It depends on unknown facts.
    Undetermined,
}

#[derive(Debug, Clone, Copy)]
enum Memo<T> {
    Todo,
    Busy,
    Done(T),
}

/// Everything one case needs while it is read and evaluated, reused from case to case so
/// that evaluation allocates nothing once the buffers have grown. One per thread.
#[derive(Debug, Clone)]
pub struct Scratch {
    pub(crate) facts: Vec<Option<V>>,
    pub(crate) strs: String,
    pub(crate) items: Vec<V>,
    /// Items of lists being read, before they move to `items`.
    pub(crate) stack: Vec<V>,
    rules: Vec<Memo<Option<V>>>,
    exceptions: Vec<Memo<Option<bool>>>,
    today: Date,
    failed: bool,
    conflict: bool,
    /// Per outcome, in policy order.
    verdicts: Vec<Verdict>,
    /// Per outcome, its missing facts: `missing[ranges[i].0..ranges[i].1]`.
    missing: Vec<u32>,
    ranges: Vec<(u32, u32)>,
    /// The top-level missing list.
    top: Vec<u32>,
    counts: Vec<u32>,
    /// Stamps: a fact, rule or exception is seen in the current walk when its stamp is
    /// `stamp`, so walks need no clearing.
    stamp: u32,
    fact_seen: Vec<u32>,
    rule_seen: Vec<u32>,
    exc_seen: Vec<u32>,
    /// Each node's value for the case whose stamp is `case_stamp` (the missing-fact walk
    /// asks again for values the evaluation computed).
    case_stamp: u32,
    node_cache: Vec<(u32, Option<V>)>,
    rule_mask: Vec<(u32, Mask)>,
    exc_mask: Vec<(u32, Mask)>,
}

impl Scratch {
    /// Buffers sized for a program.
    pub fn new(p: &Program) -> Scratch {
        Scratch {
            facts: vec![None; p.facts.len()],
            strs: String::new(),
            items: Vec::new(),
            stack: Vec::new(),
            rules: vec![Memo::Todo; p.rules.len()],
            exceptions: vec![Memo::Todo; p.exceptions.len()],
            today: Date::constant(2000, 1, 1),
            failed: false,
            conflict: false,
            verdicts: Vec::with_capacity(p.outcomes.len()),
            missing: Vec::new(),
            ranges: Vec::with_capacity(p.outcomes.len()),
            top: Vec::new(),
            counts: vec![0; p.facts.len()],
            stamp: 0,
            fact_seen: vec![0; p.facts.len()],
            rule_seen: vec![0; p.rules.len()],
            exc_seen: vec![0; p.exceptions.len()],
            case_stamp: 0,
            node_cache: vec![(0, None); p.nodes.len()],
            rule_mask: vec![(0, [0; MASK_WORDS]); p.rules.len()],
            exc_mask: vec![(0, [0; MASK_WORDS]); p.exceptions.len()],
        }
    }

    /// Forgets the previous case's facts.
    pub(crate) fn clear_facts(&mut self) {
        self.facts.iter_mut().for_each(|f| *f = None);
        self.strs.clear();
        self.items.clear();
        self.stack.clear();
    }

    /// The verdict on each outcome, in policy order.
    pub fn verdicts(&self) -> &[Verdict] {
        &self.verdicts
    }

    /// The missing facts (indices in declaration order) of outcome `i`; empty unless it
    /// is undetermined.
    pub fn missing_of(&self, i: usize) -> &[u32] {
        match self.ranges.get(i) {
            Some(&(a, b)) => &self.missing[a as usize..b as usize],
            None => &[],
        }
    }

    /// The top-level missing list: the most needed first, ties by name.
    pub fn top_missing(&self) -> &[u32] {
        &self.top
    }
}

/// Candidates for a value, folded as they come: the value is known only when every
/// candidate is known and the same (the reference's `agree`).
struct Agree {
    first: Option<V>,
    ok: bool,
}

impl Agree {
    fn new() -> Agree {
        Agree {
            first: None,
            ok: true,
        }
    }

    fn add(&mut self, ar: &Arenas<'_>, c: Option<V>) {
        match (c, self.first) {
            (None, _) => self.ok = false,
            (Some(c), None) => self.first = Some(c),
            (Some(c), Some(f)) => {
                if !ar.same(f, c) {
                    self.ok = false;
                }
            }
        }
    }

    fn result(self) -> Option<V> {
        if self.ok {
            self.first
        } else {
            None
        }
    }
}

impl Program {
    /// Evaluates the facts in `s` (read by [`Program::read_json`]) as of `today`: the
    /// verdict on every outcome and the facts that would decide the undetermined ones.
    pub fn evaluate(&self, s: &mut Scratch, today: Date) -> Result<(), Fallback> {
        s.today = today;
        s.case_stamp = s.case_stamp.wrapping_add(1);
        if s.case_stamp == 0 {
            // After wrapping, old stamps could look current: start afresh.
            s.node_cache.iter_mut().for_each(|c| *c = (0, None));
            s.rule_mask.iter_mut().for_each(|c| c.0 = 0);
            s.exc_mask.iter_mut().for_each(|c| c.0 = 0);
            s.case_stamp = 1;
        }
        s.failed = false;
        s.conflict = false;
        s.rules.iter_mut().for_each(|m| *m = Memo::Todo);
        s.exceptions.iter_mut().for_each(|m| *m = Memo::Todo);
        for &when in &self.impossibles {
            if self.eval_bool(s, when) == Some(true) {
                return Err(Fallback::Impossible);
            }
        }
        // Every rule, as the reference does, so that a conflict or failure anywhere is
        // noticed.
        for r in 0..self.rules.len() {
            self.rule(s, r as u32);
        }
        if s.failed {
            return Err(Fallback::Arithmetic);
        }
        if s.conflict {
            return Err(Fallback::Conflict);
        }
        s.verdicts.clear();
        s.missing.clear();
        s.ranges.clear();
        s.top.clear();
        let mut any_missing = false;
        for i in 0..self.outcomes.len() {
            let r = self.outcomes[i];
            let start = s.missing.len() as u32;
            let verdict = match self.rule(s, r) {
                Some(V::Bool(true)) => Verdict::Holds,
                Some(V::Bool(false)) => Verdict::DoesNotHold,
                _ if self.facts.len() <= MASK_FACTS => {
                    let m = self.mask_rule(s, r);
                    for (w, word) in m.iter().enumerate() {
                        let mut bits = *word;
                        while bits != 0 {
                            let f = w * 64 + bits.trailing_zeros() as usize;
                            bits &= bits - 1;
                            s.missing.push(f as u32);
                            s.counts[f] += 1;
                        }
                    }
                    any_missing |= m != [0; MASK_WORDS];
                    Verdict::Undetermined
                }
                _ => {
                    s.stamp = s.stamp.wrapping_add(1);
                    if s.stamp == 0 {
                        // After wrapping, old stamps could look current: start afresh.
                        s.fact_seen.iter_mut().for_each(|x| *x = 0);
                        s.rule_seen.iter_mut().for_each(|x| *x = 0);
                        s.exc_seen.iter_mut().for_each(|x| *x = 0);
                        s.stamp = 1;
                    }
                    self.walk_rule(s, r);
                    let found = &mut s.missing[start as usize..];
                    found.sort_unstable();
                    for f in found.iter() {
                        s.counts[*f as usize] += 1;
                    }
                    any_missing |= !found.is_empty();
                    Verdict::Undetermined
                }
            };
            s.verdicts.push(verdict);
            s.ranges.push((start, s.missing.len() as u32));
        }
        if s.failed {
            return Err(Fallback::Arithmetic);
        }
        if any_missing {
            for (f, n) in s.counts.iter_mut().enumerate() {
                if *n > 0 {
                    s.top.push(f as u32);
                }
            }
            let counts = &s.counts;
            let rank = &self.fact_rank;
            s.top.sort_unstable_by(|a, b| {
                counts[*b as usize]
                    .cmp(&counts[*a as usize])
                    .then_with(|| rank[*a as usize].cmp(&rank[*b as usize]))
            });
            for f in &s.top {
                s.counts[*f as usize] = 0;
            }
        }
        Ok(())
    }

    fn arenas<'a>(&'a self, s: &'a Scratch) -> Arenas<'a> {
        Arenas {
            program_strs: &self.strs,
            program_items: &self.items,
            case_strs: &s.strs,
            case_items: &s.items,
        }
    }

    fn rule(&self, s: &mut Scratch, r: u32) -> Option<V> {
        let i = r as usize;
        match s.rules[i] {
            Memo::Done(v) => return v,
            Memo::Busy => return None,
            Memo::Todo => {}
        }
        s.rules[i] = Memo::Busy;
        let rule = self.rules[i];
        let base = self.eval(s, rule.body);
        let value = if rule.exceptions.1 == 0 {
            base
        } else {
            self.with_exceptions(s, rule.exceptions, base)
        };
        s.rules[i] = Memo::Done(value);
        value
    }

    /// The reference's `with_exceptions`, folding candidates as they come instead of
    /// collecting them.
    fn with_exceptions(&self, s: &mut Scratch, list: (u32, u32), base: Option<V>) -> Option<V> {
        let mut possible = Agree::new();
        let mut applying: Option<Option<V>> = None;
        let mut applying_unknown = false;
        let mut applying_differ = false;
        for k in list.0..list.0 + list.1 {
            let e = self.exc_lists[k as usize];
            match self.applies(s, e) {
                Some(true) => {
                    let v = self.eval(s, self.exceptions[e as usize].gives);
                    match (applying, v) {
                        (None, _) => {
                            applying = Some(v);
                            applying_unknown |= v.is_none();
                        }
                        (Some(_), None) => applying_unknown = true,
                        (Some(Some(first)), Some(v)) => {
                            if !self.arenas(s).same(first, v) {
                                applying_differ = true;
                            }
                        }
                        (Some(None), Some(_)) => {}
                    }
                }
                None => {
                    let v = self.eval(s, self.exceptions[e as usize].gives);
                    possible.add(&self.arenas(s), v);
                }
                Some(false) => {}
            }
        }
        match applying {
            None => {
                possible.add(&self.arenas(s), base);
                possible.result()
            }
            Some(_) if applying_unknown => None,
            Some(_) if applying_differ => {
                s.conflict = true;
                None
            }
            Some(first) => {
                possible.add(&self.arenas(s), first);
                possible.result()
            }
        }
    }

    fn applies(&self, s: &mut Scratch, e: u32) -> Option<bool> {
        let i = e as usize;
        match s.exceptions[i] {
            Memo::Done(v) => return v,
            Memo::Busy => return None,
            Memo::Todo => {}
        }
        s.exceptions[i] = Memo::Busy;
        let exc = self.exceptions[i];
        let when = self.eval_bool(s, exc.when);
        let result = and3(when, || {
            let mut defeated = Some(false);
            for k in exc.exceptions.0..exc.exceptions.0 + exc.exceptions.1 {
                let sub = self.applies(s, self.exc_lists[k as usize]);
                defeated = or3(defeated, || sub);
            }
            defeated.map(|d| !d)
        });
        s.exceptions[i] = Memo::Done(result);
        result
    }

    fn eval_bool(&self, s: &mut Scratch, n: u32) -> Option<bool> {
        match self.eval(s, n) {
            Some(V::Bool(b)) => Some(b),
            _ => None,
        }
    }

    fn fail(&self, s: &mut Scratch) -> Option<V> {
        s.failed = true;
        None
    }

    /// A node's value, remembered for the missing-fact walk.
    fn eval(&self, s: &mut Scratch, n: u32) -> Option<V> {
        match self.nodes[n as usize] {
            // Leaves cost less to read again than to remember.
            Node::Const(v) => Some(v),
            Node::Fact(f) => s.facts[f as usize],
            Node::Rule(r) => self.rule(s, r),
            Node::EnumIs(f, v, negated) => match s.facts[f as usize] {
                Some(V::Enum(x)) => Some(V::Bool((x == v) != negated)),
                _ => None,
            },
            Node::EnumIn(f, set, negated) => match s.facts[f as usize] {
                Some(V::Enum(x)) => Some(V::Bool((x < 64 && set & (1 << x) != 0) != negated)),
                _ => None,
            },
            _ => {
                let v = self.compute(s, n);
                s.node_cache[n as usize] = (s.case_stamp, v);
                v
            }
        }
    }

    /// A node's value as computed earlier for this case, or now.
    fn cached(&self, s: &mut Scratch, n: u32) -> Option<V> {
        match s.node_cache[n as usize] {
            (stamp, v) if stamp == s.case_stamp => v,
            _ => self.eval(s, n),
        }
    }

    fn compute(&self, s: &mut Scratch, n: u32) -> Option<V> {
        match self.nodes[n as usize] {
            Node::EnumIs(..) | Node::EnumIn(..) => self.eval(s, n),
            Node::Const(v) => Some(v),
            Node::Fact(f) => s.facts[f as usize],
            Node::Rule(r) => self.rule(s, r),
            Node::Today => Some(V::Date(s.today)),
            Node::List(start, len) => {
                // Items are evaluated first (they may build lists of their own), then
                // laid out contiguously in the case arena.
                let mark = s.stack.len();
                for k in start..start + len {
                    let Some(v) = self.eval(s, self.kids[k as usize]) else {
                        s.stack.truncate(mark);
                        return None;
                    };
                    s.stack.push(v);
                }
                let at = s.items.len() as u32;
                s.items.extend_from_slice(&s.stack[mark..]);
                s.stack.truncate(mark);
                Some(V::List(Slice::case(at, len)))
            }
            Node::Not(a) => self.eval_bool(s, a).map(|b| V::Bool(!b)),
            Node::Neg(a) => match self.eval(s, a)? {
                V::Int(x) => match x.checked_neg() {
                    Some(x) => Some(V::Int(x)),
                    None => self.fail(s),
                },
                V::Dec(x) => Some(V::Dec(-x)),
                V::Dur(d) => Some(V::Dur(Duration {
                    months: d.months.wrapping_neg(),
                    days: d.days.wrapping_neg(),
                })),
                _ => None,
            },
            Node::And(a, b) => {
                let a = self.eval_bool(s, a);
                and3(a, || self.eval_bool(s, b)).map(V::Bool)
            }
            Node::Or(a, b) => {
                let a = self.eval_bool(s, a);
                or3(a, || self.eval_bool(s, b)).map(V::Bool)
            }
            Node::Cmp(op, a, b) => {
                let a = self.eval(s, a);
                let b = self.eval(s, b);
                let (a, b) = (a?, b?);
                let ar = self.arenas(s);
                let result = match op {
                    CmpOp::Eq => ar.same(a, b),
                    CmpOp::Ne => !ar.same(a, b),
                    _ => {
                        let Some(ord) = self.order(&ar, s.today, a, b) else {
                            return self.fail(s);
                        };
                        match op {
                            CmpOp::Lt => ord == Ordering::Less,
                            CmpOp::Le => ord != Ordering::Greater,
                            CmpOp::Gt => ord == Ordering::Greater,
                            _ => ord != Ordering::Less,
                        }
                    }
                };
                Some(V::Bool(result))
            }
            Node::Arith(op, a, b, int_typed) => {
                let a = self.eval(s, a);
                let b = self.eval(s, b);
                let (a, b) = (a?, b?);
                self.arith(s, op, a, b, int_typed)
            }
            Node::In(item, list, negated) => {
                let item = self.eval(s, item);
                let list = self.eval(s, list);
                let (Some(item), Some(V::List(list))) = (item, list) else {
                    return None;
                };
                let ar = self.arenas(s);
                let found = ar.items(list).iter().any(|v| ar.same(*v, item));
                Some(V::Bool(found != negated))
            }
            Node::Test(test, a) => {
                let v = self.eval(s, a);
                match test {
                    Test::Known => Some(V::Bool(v.is_some())),
                    Test::Unknown => Some(V::Bool(v.is_none())),
                    Test::Empty => match v? {
                        V::List(l) => Some(V::Bool(l.len == 0)),
                        _ => None,
                    },
                    Test::NotEmpty => match v? {
                        V::List(l) => Some(V::Bool(l.len != 0)),
                        _ => None,
                    },
                }
            }
            Node::If(c, a, b) => match self.eval_bool(s, c) {
                Some(true) => self.eval(s, a),
                Some(false) => self.eval(s, b),
                None => {
                    let a = self.eval(s, a)?;
                    let b = self.eval(s, b)?;
                    self.arenas(s).same(a, b).then_some(a)
                }
            },
            Node::DaysFrom(a, b) => {
                let a = self.eval(s, a);
                let b = self.eval(s, b);
                match (a?, b?) {
                    (V::Date(a), V::Date(b)) => Some(V::Int(days_between(a, b))),
                    _ => None,
                }
            }
        }
    }

    /// The reference's `order`: durations in months and in days compare by where they
    /// end when counted from the evaluation date.
    fn order(&self, ar: &Arenas<'_>, today: Date, a: V, b: V) -> Option<Ordering> {
        match (a, b) {
            (V::Dur(x), V::Dur(y)) => x.compare(y).or_else(|| {
                let ex = add_duration(today, x)?;
                let ey = add_duration(today, y)?;
                Some(ex.cmp(&ey))
            }),
            _ => ar.compare(a, b),
        }
    }

    fn arith(&self, s: &mut Scratch, op: ArithOp, a: V, b: V, int_typed: bool) -> Option<V> {
        let as_f64 = |v: V| match v {
            V::Int(n) => Some(n as f64),
            V::Dec(n) => Some(n),
            _ => None,
        };
        match (op, a, b) {
            (_, V::Int(x), V::Int(y)) if int_typed => {
                let r = match op {
                    ArithOp::Add => x.checked_add(y),
                    ArithOp::Sub => x.checked_sub(y),
                    ArithOp::Mul => x.checked_mul(y),
                    ArithOp::Div => None,
                };
                match r {
                    Some(n) => Some(V::Int(n)),
                    None => self.fail(s),
                }
            }
            (ArithOp::Add | ArithOp::Sub, V::Date(d), V::Dur(dur)) => {
                let r = if op == ArithOp::Add {
                    add_duration(d, dur)
                } else {
                    sub_duration(d, dur)
                };
                match r {
                    Some(d) => Some(V::Date(d)),
                    None => self.fail(s),
                }
            }
            (ArithOp::Add, V::Dur(dur), V::Date(d)) => match add_duration(d, dur) {
                Some(d) => Some(V::Date(d)),
                None => self.fail(s),
            },
            (ArithOp::Add | ArithOp::Sub, V::Dur(x), V::Dur(y)) => {
                let sign = if op == ArithOp::Add { 1 } else { -1 };
                let months = y
                    .months
                    .checked_mul(sign)
                    .and_then(|m| x.months.checked_add(m));
                let days = y.days.checked_mul(sign).and_then(|d| x.days.checked_add(d));
                match (months, days) {
                    (Some(months), Some(days)) => Some(V::Dur(Duration { months, days })),
                    _ => self.fail(s),
                }
            }
            _ => {
                let (x, y) = (as_f64(a)?, as_f64(b)?);
                let r = match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => {
                        if y == 0.0 {
                            return self.fail(s);
                        }
                        x / y
                    }
                };
                if r.is_finite() {
                    Some(V::Dec(r))
                } else {
                    self.fail(s)
                }
            }
        }
    }

    // The missing facts as bit sets, remembered per rule and exception for the case: the
    // facts a rule waits on do not depend on which outcome asks, so a definition shared
    // by many outcomes is walked once. Bits in ascending order are declaration order.

    fn mask_rule(&self, s: &mut Scratch, r: u32) -> Mask {
        let i = r as usize;
        if s.rule_mask[i].0 == s.case_stamp {
            return s.rule_mask[i].1;
        }
        let mut m = [0; MASK_WORDS];
        if self.rule(s, r).is_none() {
            let rule = self.rules[i];
            m = self.mask(s, rule.body);
            for k in rule.exceptions.0..rule.exceptions.0 + rule.exceptions.1 {
                or(&mut m, self.mask_exception(s, self.exc_lists[k as usize]));
            }
        }
        s.rule_mask[i] = (s.case_stamp, m);
        m
    }

    fn mask_exception(&self, s: &mut Scratch, e: u32) -> Mask {
        let i = e as usize;
        if s.exc_mask[i].0 == s.case_stamp {
            return s.exc_mask[i].1;
        }
        let exc = self.exceptions[i];
        let m = match self.applies(s, e) {
            Some(false) => [0; MASK_WORDS],
            Some(true) => self.mask(s, exc.gives),
            None => {
                let mut m = self.mask(s, exc.when);
                for k in exc.exceptions.0..exc.exceptions.0 + exc.exceptions.1 {
                    or(&mut m, self.mask_exception(s, self.exc_lists[k as usize]));
                }
                or(&mut m, self.mask(s, exc.gives));
                m
            }
        };
        s.exc_mask[i] = (s.case_stamp, m);
        m
    }

    fn mask(&self, s: &mut Scratch, n: u32) -> Mask {
        let mut m = [0; MASK_WORDS];
        if self.cached(s, n).is_some() {
            return m;
        }
        match self.nodes[n as usize] {
            Node::Fact(f) | Node::EnumIs(f, ..) | Node::EnumIn(f, ..) => {
                m[f as usize / 64] |= 1 << (f % 64)
            }
            Node::Rule(r) => m = self.mask_rule(s, r),
            Node::Const(_) | Node::Today => {}
            Node::List(start, len) => {
                for k in start..start + len {
                    or(&mut m, self.mask(s, self.kids[k as usize]));
                }
            }
            Node::Not(a) | Node::Neg(a) | Node::Test(_, a) => m = self.mask(s, a),
            Node::And(a, b)
            | Node::Or(a, b)
            | Node::Cmp(_, a, b)
            | Node::Arith(_, a, b, _)
            | Node::DaysFrom(a, b)
            | Node::In(a, b, _) => {
                m = self.mask(s, a);
                or(&mut m, self.mask(s, b));
            }
            Node::If(c, a, b) => {
                let cond = match self.cached(s, c) {
                    Some(V::Bool(b)) => Some(b),
                    _ => None,
                };
                match cond {
                    Some(true) => m = self.mask(s, a),
                    Some(false) => m = self.mask(s, b),
                    None => {
                        m = self.mask(s, c);
                        or(&mut m, self.mask(s, a));
                        or(&mut m, self.mask(s, b));
                    }
                }
            }
        }
        m
    }

    // The missing-fact walk (the reference's `missing.rs`), for policies with more facts
    // than a bit set holds: the unknown facts under the
    // unknown parts of an undetermined rule.

    fn walk_rule(&self, s: &mut Scratch, r: u32) {
        let i = r as usize;
        if s.rule_seen[i] == s.stamp {
            return;
        }
        s.rule_seen[i] = s.stamp;
        if self.rule(s, r).is_some() {
            return;
        }
        let rule = self.rules[i];
        self.walk(s, rule.body);
        for k in rule.exceptions.0..rule.exceptions.0 + rule.exceptions.1 {
            self.walk_exception(s, self.exc_lists[k as usize]);
        }
    }

    fn walk_exception(&self, s: &mut Scratch, e: u32) {
        let i = e as usize;
        if s.exc_seen[i] == s.stamp {
            return;
        }
        s.exc_seen[i] = s.stamp;
        let exc = self.exceptions[i];
        match self.applies(s, e) {
            Some(false) => {}
            Some(true) => self.walk(s, exc.gives),
            None => {
                self.walk(s, exc.when);
                for k in exc.exceptions.0..exc.exceptions.0 + exc.exceptions.1 {
                    self.walk_exception(s, self.exc_lists[k as usize]);
                }
                self.walk(s, exc.gives);
            }
        }
    }

    fn walk(&self, s: &mut Scratch, n: u32) {
        if self.cached(s, n).is_some() {
            return;
        }
        match self.nodes[n as usize] {
            Node::Fact(f) | Node::EnumIs(f, ..) | Node::EnumIn(f, ..) => {
                let i = f as usize;
                if s.fact_seen[i] != s.stamp {
                    s.fact_seen[i] = s.stamp;
                    s.missing.push(f);
                }
            }
            Node::Rule(r) => self.walk_rule(s, r),
            Node::Const(_) | Node::Today => {}
            Node::List(start, len) => {
                for k in start..start + len {
                    self.walk(s, self.kids[k as usize]);
                }
            }
            Node::Not(a) | Node::Neg(a) | Node::Test(_, a) => self.walk(s, a),
            Node::And(a, b)
            | Node::Or(a, b)
            | Node::Cmp(_, a, b)
            | Node::Arith(_, a, b, _)
            | Node::DaysFrom(a, b)
            | Node::In(a, b, _) => {
                self.walk(s, a);
                self.walk(s, b);
            }
            Node::If(c, a, b) => {
                let cond = match self.cached(s, c) {
                    Some(V::Bool(b)) => Some(b),
                    _ => None,
                };
                match cond {
                    Some(true) => self.walk(s, a),
                    Some(false) => self.walk(s, b),
                    None => {
                        self.walk(s, c);
                        self.walk(s, a);
                        self.walk(s, b);
                    }
                }
            }
        }
    }
}
