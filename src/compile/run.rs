//! Evaluating one case with a compiled [`Program`]: one pass over the instructions, in
//! the same Kleene three-valued logic as the reference evaluator (`crate::eval`), with
//! each register's missing facts as a bit set beside its value.
//!
//! A register's bit set holds the unknown facts that would decide it, and is empty when
//! the register is known: that invariant is what lets `and`, `or` and comparisons take
//! the union of their operands' sets without looking at which operand was unknown, as
//! the reference's missing-fact walk (`crate::eval::missing`) does.

use std::cmp::Ordering;
use std::ops::Range;

use super::value::{Arenas, Slice, V};
use super::{Fallback, Op, Program, TODAY};
use crate::checked::{ArithOp, CmpOp};
use crate::syntax::ast::Test;
use crate::value::{add_duration, days_between, sub_duration, sum_durations, Date, Duration};

/// Kleene `false`, `unknown` and `true`, ordered so that `and` is `min`, `or` is `max`
/// and `not` is `T - x`.
pub(crate) const F: u8 = 0;
/// Kleene `unknown`.
pub(crate) const U: u8 = 1;
/// Kleene `true`.
pub(crate) const T: u8 = 2;

/// Adds up the one-word sets `sets[o]` of the outcomes `o` in `outcomes`, fact by fact,
/// as `N` bit planes of counts (see [`Program::settle_top`]).
fn count_planes<const N: usize>(sets: &[u64], outcomes: impl Iterator<Item = usize>) -> [u64; N] {
    let mut count = [0u64; N];
    for o in outcomes {
        let mut carry = sets.get(o).copied().unwrap_or(0);
        for c in &mut count {
            let next = *c & carry;
            *c ^= carry;
            carry = next;
        }
    }
    count
}

/// The set bits of `w`, lowest first.
pub(super) fn bits(mut w: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (w != 0).then(|| {
            let l = w.trailing_zeros() as usize;
            w &= w - 1;
            l
        })
    })
}

pub(super) fn tri(b: bool) -> u8 {
    if b {
        T
    } else {
        F
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

/// Everything one case needs while it is read and evaluated, reused from case to case so
/// that evaluation allocates nothing once the buffers have grown. One per thread.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// The [`Program::id`] this scratch was made for.
    program: u64,
    pub(crate) facts: Vec<Option<V>>,
    pub(crate) strs: String,
    pub(crate) items: Vec<V>,
    /// Items of lists being read, before they move to `items`.
    pub(crate) stack: Vec<V>,
    /// The registers: Kleene `bool`s, other values, and each one's missing facts
    /// (`words` words per register).
    b: Vec<u8>,
    v: Vec<Option<V>>,
    m: Vec<u64>,
    words: usize,
    failed: bool,
    conflict: bool,
    /// The date the prelude last ran for, and whether it failed or met a conflict.
    prelude_date: Option<Date>,
    prelude_trouble: (bool, bool),
    settled: Settled,
}

/// A case's result: the verdicts, each outcome's missing facts and the top-level list.
#[derive(Debug, Clone)]
pub(super) struct Settled {
    /// The outcomes that hold and those undetermined, as bits by outcome (in policy
    /// order), 64 to a word.
    holds: Vec<u64>,
    undetermined: Vec<u64>,
    outcomes: usize,
    /// Per outcome, its missing facts as a bit set of `stride` words: empty unless it is
    /// undetermined.
    sets: Vec<u64>,
    stride: usize,
    /// The top-level missing list.
    top: Vec<u32>,
    counts: Vec<u32>,
}

impl Scratch {
    /// Buffers sized for a program.
    pub fn new(p: &Program) -> Scratch {
        let words = p.facts.len().div_ceil(64).max(1);
        Scratch {
            program: p.id,
            facts: vec![None; p.facts.len()],
            strs: String::new(),
            items: Vec::new(),
            stack: Vec::new(),
            b: p.init_b.clone(),
            v: p.init_v.clone(),
            m: vec![0; p.registers() * words],
            words,
            failed: false,
            conflict: false,
            prelude_date: None,
            prelude_trouble: (false, false),
            settled: Settled {
                holds: vec![0; p.outcomes.len().div_ceil(64)],
                undetermined: vec![0; p.outcomes.len().div_ceil(64)],
                outcomes: p.outcomes.len(),
                sets: Vec::with_capacity(p.outcomes.len() * words),
                stride: words,
                top: Vec::new(),
                counts: vec![0; p.facts.len()],
            },
        }
    }

    /// Makes this scratch `p`'s, afresh, if it was made for another program: its
    /// registers, and the prelude's results, are one program's.
    pub(crate) fn adopt(&mut self, p: &Program) {
        if self.program != p.id {
            *self = Scratch::new(p);
        }
    }

    /// Forgets the previous case's facts.
    pub(crate) fn clear_facts(&mut self) {
        self.facts.iter_mut().for_each(|f| *f = None);
        self.strs.clear();
        self.items.clear();
        self.stack.clear();
    }

    /// The verdict on each outcome of the case last evaluated, in policy order.
    pub fn verdicts(&self) -> impl Iterator<Item = Verdict> + '_ {
        (0..self.settled.outcomes).map(|i| self.verdict(i))
    }

    /// The verdict on outcome `i` (in policy order).
    pub fn verdict(&self, i: usize) -> Verdict {
        let bit = |words: &[u64]| words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1);
        if bit(&self.settled.holds) {
            Verdict::Holds
        } else if bit(&self.settled.undetermined) {
            Verdict::Undetermined
        } else {
            Verdict::DoesNotHold
        }
    }

    /// How many facts outcome `i` misses ([`Scratch::missing_of`]).
    pub fn missing_count(&self, i: usize) -> usize {
        self.missing_set(i)
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum()
    }

    /// The missing facts (indices, in declaration order) of outcome `i`; none unless it
    /// is undetermined.
    pub fn missing_of(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        let set = self.missing_set(i);
        set.iter()
            .enumerate()
            .flat_map(|(k, word)| bits(*word).map(move |f| (k * 64 + f) as u32))
    }

    /// Outcome `i`'s missing facts as a bit set.
    fn missing_set(&self, i: usize) -> &[u64] {
        let w = self.settled.stride;
        self.settled.sets.get(i * w..(i + 1) * w).unwrap_or(&[])
    }

    /// The outcomes that hold and those undetermined, as bit words; each outcome's
    /// missing facts as a bit set of `stride` words, one after the other; and `stride`.
    pub(super) fn words(&self) -> (&[u64], &[u64], &[u64], usize) {
        let s = &self.settled;
        (&s.holds, &s.undetermined, &s.sets, s.stride)
    }

    /// The top-level missing list: the most needed first, ties by name.
    pub fn top_missing(&self) -> &[u32] {
        &self.settled.top
    }

    /// Where a case's result goes, for the bit-sliced evaluator to fill.
    pub(super) fn settled(&mut self) -> &mut Settled {
        &mut self.settled
    }
}

/// A case's facts read into slots and kept, to be evaluated later — at several dates,
/// say — without reading the JSON again ([`Scratch::slots`], [`Program::evaluate_slots`]).
#[derive(Debug, Clone, Default)]
pub struct Slots {
    facts: Vec<Option<V>>,
    strs: String,
    items: Vec<V>,
}

impl Slots {
    /// The facts, and the strings and lists they slice.
    pub(super) fn parts(&self) -> (&[Option<V>], &str, &[V]) {
        (&self.facts, &self.strs, &self.items)
    }
}

impl Scratch {
    /// The facts last read into this scratch, kept.
    pub fn slots(&self) -> Slots {
        Slots {
            facts: self.facts.clone(),
            strs: self.strs.clone(),
            items: self.items.clone(),
        }
    }
}

/// How many words a register's bit set has: one for policies of up to 64 facts, known
/// when the pass is compiled, so that its loops over words disappear.
trait Width: Copy {
    /// Whether a set is one word, so that values and sets can be folded in one loop.
    const ONE: bool;
    fn n(self) -> usize;
}

#[derive(Clone, Copy)]
struct OneWord;

impl Width for OneWord {
    const ONE: bool = true;
    #[inline(always)]
    fn n(self) -> usize {
        1
    }
}

#[derive(Clone, Copy)]
struct Words(usize);

impl Width for Words {
    const ONE: bool = false;
    #[inline(always)]
    fn n(self) -> usize {
        self.0
    }
}

/// The registers' bit sets, `n` words each.
struct Masks<'a, W: Width> {
    m: &'a mut [u64],
    w: W,
}

impl<W: Width> Masks<'_, W> {
    /// `r`'s set: `f` when `unknown`, else empty.
    #[inline(always)]
    fn fact(&mut self, r: usize, f: u32, unknown: bool) {
        let n = self.w.n();
        let word = f as usize / 64;
        let bit = (unknown as u64) << (f % 64);
        for k in 0..n {
            self.m[r * n + k] = if k == word { bit } else { 0 };
        }
    }

    /// `r`'s set: the union of `srcs`' sets when `unknown`, else empty.
    #[inline(always)]
    fn union(&mut self, r: usize, srcs: &[u32], unknown: bool) {
        let n = self.w.n();
        if W::ONE {
            // One word: cheaper to compute and drop than to mispredict a branch on cases
            // that vary.
            let acc = srcs.iter().fold(0, |acc, s| acc | self.m[*s as usize]);
            self.m[r] = acc & (unknown as u64).wrapping_neg();
            return;
        }
        if !unknown {
            for k in 0..n {
                self.m[r * n + k] = 0;
            }
            return;
        }
        for k in 0..n {
            let mut acc = 0;
            for s in srcs {
                acc |= self.m[*s as usize * n + k];
            }
            self.m[r * n + k] = acc;
        }
    }

    /// Folds the Kleene values of `terms` with `f` from `init` into `r`, and its set from
    /// theirs: the hot path of `and`, `or` and `unless`, in one loop when sets are one
    /// word.
    #[inline(always)]
    fn fold(
        &mut self,
        b: &mut [u8],
        r: usize,
        terms: &[u32],
        init: u8,
        f: impl Fn(usize, u8, u8) -> u8,
    ) -> u8 {
        if W::ONE {
            let (mut t, mut acc) = (init, 0);
            for (i, k) in terms.iter().enumerate() {
                let k = *k as usize;
                t = f(i, t, b[k]);
                acc |= self.m[k];
            }
            b[r] = t;
            self.m[r] = if t == U { acc } else { 0 };
            t
        } else {
            let mut t = init;
            for (i, k) in terms.iter().enumerate() {
                t = f(i, t, b[*k as usize]);
            }
            b[r] = t;
            self.union(r, terms, t == U);
            t
        }
    }

    /// Adds `srcs`' sets to `r`'s.
    #[inline(always)]
    fn add(&mut self, r: usize, srcs: &[u32]) {
        self.add_each(r, srcs.iter());
    }

    /// Adds the sets of `srcs` to `r`'s.
    #[inline(always)]
    fn add_each<'s>(&mut self, r: usize, srcs: impl Iterator<Item = &'s u32> + Clone) {
        let n = self.w.n();
        for k in 0..n {
            let mut acc = 0;
            for s in srcs.clone() {
                acc |= self.m[*s as usize * n + k];
            }
            self.m[r * n + k] |= acc;
        }
    }

    /// The facts of `r`'s set, in ascending order.
    fn each(&self, r: usize, mut f: impl FnMut(u32)) {
        let n = self.w.n();
        for k in 0..n {
            let mut bits = self.m[r * n + k];
            while bits != 0 {
                f((k * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
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
        s.adopt(self);
        // The pass borrows the facts beside the rest of the scratch.
        let facts = std::mem::take(&mut s.facts);
        let result = self.evaluate_with(s, &facts, today);
        s.facts = facts;
        result
    }

    /// Evaluates facts read earlier (see [`Slots`]) as of `today`, with `s` as buffers;
    /// the verdicts and missing facts are then in `s`, as after [`Program::evaluate`].
    pub fn evaluate_slots(
        &self,
        s: &mut Scratch,
        slots: &Slots,
        today: Date,
    ) -> Result<(), Fallback> {
        s.adopt(self);
        if slots.facts.len() != self.facts.len() {
            // Read by another program.
            return Err(Fallback::Facts);
        }
        s.strs.clear();
        s.strs.push_str(&slots.strs);
        s.items.clear();
        s.items.extend_from_slice(&slots.items);
        self.evaluate_with(s, &slots.facts, today)
    }

    fn evaluate_with(
        &self,
        s: &mut Scratch,
        facts: &[Option<V>],
        today: Date,
    ) -> Result<(), Fallback> {
        // Lists built while evaluating go after the facts' lists, and go again after.
        let facts_items = s.items.len();
        (s.failed, s.conflict) = self.prelude(s, today);
        self.run(s, facts, self.prelude as usize..self.ops.len(), today);
        s.items.truncate(facts_items);
        if self.impossibles.iter().any(|r| s.b[*r as usize] == T) {
            return Err(Fallback::Impossible);
        }
        if s.failed {
            return Err(Fallback::Arithmetic);
        }
        if s.conflict {
            return Err(Fallback::Conflict);
        }
        if s.words == 1 {
            self.verdicts_one_word(s);
        } else {
            let w = Words(s.words);
            self.verdicts(s, w);
        }
        Ok(())
    }

    /// Runs the instructions that read no fact in `s`, unless they last ran there for
    /// `today`; whether they failed or met a conflict.
    pub(super) fn prelude(&self, s: &mut Scratch, today: Date) -> (bool, bool) {
        if s.prelude_date != Some(today) {
            s.v[TODAY as usize] = Some(V::Date(today));
            s.failed = false;
            s.conflict = false;
            // No instruction of the prelude reads a fact: an empty case will do.
            let facts = std::mem::take(&mut s.facts);
            self.run(s, &facts, 0..self.prelude as usize, today);
            s.facts = facts;
            s.prelude_date = Some(today);
            s.prelude_trouble = (s.failed, s.conflict);
        }
        s.prelude_trouble
    }

    /// A register's value as the prelude left it in `s`: a Kleene `bool` and a value.
    pub(super) fn shared(s: &Scratch, r: usize) -> (u8, Option<V>) {
        (s.b[r], s.v[r])
    }

    fn verdicts_one_word(&self, s: &mut Scratch) {
        let Scratch { b, m, settled, .. } = s;
        self.settle_one_word(settled, |_, r| (b[r], m[r]));
    }

    /// [`Program::verdicts`] when sets are one word (up to 64 facts), from each outcome
    /// register's Kleene value and set (`of(outcome, register)`), with no branch on an
    /// outcome's verdict.
    pub(super) fn settle_one_word(&self, s: &mut Settled, of: impl Fn(usize, usize) -> (u8, u64)) {
        let n = self.outcomes.len();
        s.stride = 1;
        s.sets.resize(n, 0);
        s.holds.iter_mut().for_each(|w| *w = 0);
        s.undetermined.iter_mut().for_each(|w| *w = 0);
        for (o, &r) in self.outcomes.iter().enumerate() {
            let (t, set) = of(o, r as usize);
            s.holds[o / 64] |= u64::from(t == T) << (o % 64);
            s.undetermined[o / 64] |= u64::from(t == U) << (o % 64);
            s.sets[o] = set;
        }
        self.settle_top(s, 0..n);
    }

    /// A case's result from its verdicts as bits by outcome (those that hold, those
    /// undetermined; at most 64 outcomes), each undetermined outcome's one-word set, and
    /// how many outcomes wait on each fact.
    pub(super) fn settle_masks(
        &self,
        s: &mut Settled,
        (holds, undetermined): (u64, u64),
        set_of: impl Fn(usize) -> u64,
        times: impl Fn(usize) -> usize,
    ) {
        s.stride = 1;
        s.sets.clear();
        s.sets.resize(self.outcomes.len(), 0);
        s.holds.clear();
        s.holds.push(holds);
        s.undetermined.clear();
        s.undetermined.push(undetermined);
        let mut needed = 0;
        for o in bits(undetermined) {
            if let Some(set) = s.sets.get_mut(o) {
                *set = set_of(o);
                needed |= *set;
            }
        }
        self.order_top(s, needed, times);
    }

    /// The top-level missing list of one-word sets, from the sets of the outcomes
    /// `undetermined` (any others must have empty sets).
    pub(super) fn settle_top(&self, s: &mut Settled, undetermined: impl Iterator<Item = usize>) {
        let n = self.outcomes.len();
        // How many outcomes wait on each fact, counted for 64 facts at once: bit `f` of
        // `count[b]` is bit `b` of fact `f`'s count. No branch on the cases' values, and
        // a fixed number of planes the compiler keeps in registers.
        fn order<const N: usize>(p: &Program, s: &mut Settled, count: [u64; N]) {
            let needed = count.iter().fold(0, |acc, c| acc | c);
            let times = |f| (0..N).fold(0, |acc, b| acc | (count[b] >> f & 1) << b) as usize;
            p.order_top(s, needed, times);
        }
        match n {
            0..32 => order(self, s, count_planes::<5>(&s.sets, undetermined)),
            32..64 => order(self, s, count_planes::<6>(&s.sets, undetermined)),
            _ => order(
                self,
                s,
                count_planes::<{ usize::BITS as usize }>(&s.sets, undetermined),
            ),
        }
    }

    /// The `needed` facts, most needed first (`times(f)`: how many outcomes wait on
    /// fact `f`), ties by name, as the top-level missing list.
    #[inline]
    pub(super) fn order_top(&self, s: &mut Settled, needed: u64, times: impl Fn(usize) -> usize) {
        let n = self.outcomes.len();
        // Each fact's key orders it, and keys differ (the rank is in the low bits); a
        // fact's place is how many keys are smaller. Few facts are needed at once, and
        // counting compares is cheaper than the branches of a sort.
        let mut keys = [0u32; 64];
        let mut k = 0;
        for f in bits(needed) {
            let fewer = n - times(f).min(n);
            keys[k] = (fewer as u32) << 6 | self.fact_rank[f];
            k += 1;
        }
        let keys = &keys[..k];
        s.top.clear();
        s.top.resize(k, 0);
        for key in keys {
            let place = keys.iter().filter(|other| *other < key).count();
            s.top[place] = self.by_rank[(key & 63) as usize];
        }
    }

    fn run(&self, s: &mut Scratch, facts: &[Option<V>], ops: Range<usize>, today: Date) {
        if s.words == 1 {
            self.pass(s, facts, OneWord, ops, today);
        } else {
            let w = Words(s.words);
            self.pass(s, facts, w, ops, today);
        }
    }

    /// One pass over instructions `ops`.
    fn pass<W: Width>(
        &self,
        s: &mut Scratch,
        facts: &[Option<V>],
        w: W,
        ops: Range<usize>,
        today: Date,
    ) {
        let Scratch {
            strs,
            items,
            b,
            v,
            m,
            failed,
            conflict,
            ..
        } = s;
        let mut masks = Masks { m, w };
        let kids = &self.kids[..];
        let range = |start: u32, len: u32| &kids[start as usize..(start + len) as usize];
        let first = ops.start;
        for (i, op) in self.ops[ops].iter().enumerate() {
            let r = self.base as usize + first + i;
            match *op {
                Op::Bool(f) => {
                    let t = match facts[f as usize] {
                        Some(V::Bool(x)) => tri(x),
                        _ => U,
                    };
                    b[r] = t;
                    masks.fact(r, f, t == U);
                }
                Op::EnumIs(f, x, negated) => {
                    let t = match facts[f as usize] {
                        Some(V::Enum(e)) => tri((e == x) != negated),
                        _ => U,
                    };
                    b[r] = t;
                    masks.fact(r, f, t == U);
                }
                Op::EnumIn(f, set, negated) => {
                    let t = match facts[f as usize] {
                        Some(V::Enum(e)) => tri((e < 64 && set & (1 << e) != 0) != negated),
                        _ => U,
                    };
                    b[r] = t;
                    masks.fact(r, f, t == U);
                }
                Op::Load(f) => {
                    let x = facts[f as usize];
                    v[r] = x;
                    masks.fact(r, f, x.is_none());
                }
                Op::Not(a) => {
                    let t = T - b[a as usize];
                    b[r] = t;
                    masks.union(r, &[a], t == U);
                }
                Op::All(start, len) => {
                    masks.fold(b, r, range(start, len), T, |_, acc, x| acc.min(x));
                }
                Op::Any(start, len) => {
                    masks.fold(b, r, range(start, len), F, |_, acc, x| acc.max(x));
                }
                Op::Unless(start, len) => {
                    // `base and not a and not b …`: the first term as it is, the others
                    // negated.
                    let unless = |i, acc: u8, x| acc.min(if i == 0 { x } else { T - x });
                    masks.fold(b, r, range(start, len), T, unless);
                }
                Op::IfB(c, x, y) => {
                    let (tx, ty) = (b[x as usize], b[y as usize]);
                    let t = match b[c as usize] {
                        T => tx,
                        F => ty,
                        _ if tx == ty => tx,
                        _ => U,
                    };
                    b[r] = t;
                    match b[c as usize] {
                        T => masks.union(r, &[x], t == U),
                        F => masks.union(r, &[y], t == U),
                        _ => masks.union(r, &[c, x, y], t == U),
                    }
                }
                Op::Applies { when, gives, subs } => {
                    let subs = range(subs.0, subs.1);
                    let defeated = subs.iter().fold(F, |acc, k| acc.max(b[*k as usize]));
                    let t = b[when as usize].min(T - defeated);
                    b[r] = t;
                    // What would decide the exception: nothing once it is known not to
                    // apply; what it gives once it does; everything while it may.
                    match t {
                        F => masks.union(r, &[], false),
                        T => masks.union(r, &[gives], true),
                        _ => {
                            masks.union(r, subs, true);
                            masks.add(r, &[when, gives]);
                        }
                    }
                }
                Op::ExceptB { base, excs } => {
                    let pairs = range(excs.0, 2 * excs.1);
                    let (t, trouble) = except_bool(|k| b[k as usize], b[base as usize], pairs);
                    *conflict |= trouble;
                    b[r] = t;
                    masks.union(r, &[base], t == U);
                    if t == U {
                        // Each exception's `Applies` register carries what would decide it.
                        masks.add_each(r, pairs.iter().step_by(2));
                    }
                }
                Op::Cmp(cmp, x, y) => {
                    let t = match (v[x as usize], v[y as usize]) {
                        (Some(V::Int(x)), Some(V::Int(y))) => tri(holds(cmp, x.cmp(&y))),
                        (Some(V::Date(x)), Some(V::Date(y))) => tri(holds(cmp, x.cmp(&y))),
                        (Some(x), Some(y)) => {
                            let ar = self.arenas(strs, items);
                            match compare(&ar, today, cmp, x, y) {
                                Some(h) => tri(h),
                                None => {
                                    *failed = true;
                                    U
                                }
                            }
                        }
                        _ => U,
                    };
                    b[r] = t;
                    masks.union(r, &[x, y], t == U);
                }
                Op::Test(test, x) => {
                    let t = match (test, v[x as usize]) {
                        (Test::Known, x) => tri(x.is_some()),
                        (Test::Unknown, x) => tri(x.is_none()),
                        (Test::Empty, Some(V::List(l))) => tri(l.len == 0),
                        (Test::NotEmpty, Some(V::List(l))) => tri(l.len != 0),
                        _ => U,
                    };
                    b[r] = t;
                    masks.union(r, &[x], t == U);
                }
                Op::In(x, y, negated) => {
                    let t = match (v[x as usize], v[y as usize]) {
                        (Some(item), Some(V::List(list))) => {
                            let ar = self.arenas(strs, items);
                            let found = ar.items(list).iter().any(|v| ar.same(*v, item));
                            tri(found != negated)
                        }
                        _ => U,
                    };
                    b[r] = t;
                    masks.union(r, &[x, y], t == U);
                }
                Op::Truth(x) => {
                    let t = match v[x as usize] {
                        Some(V::Bool(x)) => tri(x),
                        _ => U,
                    };
                    b[r] = t;
                    masks.union(r, &[x], t == U);
                }
                Op::Value(x) => {
                    let t = b[x as usize];
                    v[r] = (t != U).then_some(V::Bool(t == T));
                    masks.union(r, &[x], t == U);
                }
                Op::List(start, len) => {
                    let list = range(start, len);
                    let value = if list.iter().all(|k| v[*k as usize].is_some()) {
                        let at = items.len() as u32;
                        items.extend(list.iter().filter_map(|k| v[*k as usize]));
                        Some(V::List(Slice::case(at, len)))
                    } else {
                        None
                    };
                    v[r] = value;
                    masks.union(r, list, value.is_none());
                }
                Op::IfV(c, x, y) => {
                    let value = match b[c as usize] {
                        T => v[x as usize],
                        F => v[y as usize],
                        _ => match (v[x as usize], v[y as usize]) {
                            (Some(a), Some(z)) if self.arenas(strs, items).same(a, z) => Some(a),
                            _ => None,
                        },
                    };
                    v[r] = value;
                    let unknown = value.is_none();
                    match b[c as usize] {
                        T => masks.union(r, &[x], unknown),
                        F => masks.union(r, &[y], unknown),
                        _ => masks.union(r, &[c, x, y], unknown),
                    }
                }
                Op::ExceptV { base, excs } => {
                    let pairs = range(excs.0, 2 * excs.1);
                    let ar = self.arenas(strs, items);
                    let (kleene, value) = (|k: u32| b[k as usize], |k: u32| v[k as usize]);
                    let value = match except_value(&ar, kleene, value, v[base as usize], pairs) {
                        Ok(value) => value,
                        Err(()) => {
                            *conflict = true;
                            None
                        }
                    };
                    v[r] = value;
                    let unknown = value.is_none();
                    masks.union(r, &[base], unknown);
                    if unknown {
                        masks.add_each(r, pairs.iter().step_by(2));
                    }
                }
                Op::Neg(x) | Op::Arith(_, x, _, _) | Op::DaysFrom(x, _) => {
                    let y = match *op {
                        Op::Arith(_, _, y, _) | Op::DaysFrom(_, y) => y,
                        _ => x,
                    };
                    let value = match (*op, v[x as usize], v[y as usize]) {
                        (_, None, _) | (_, _, None) => None,
                        (Op::DaysFrom(..), Some(V::Date(a)), Some(V::Date(z))) => {
                            Some(V::Int(days_between(a, z)))
                        }
                        (Op::Arith(op, _, _, int_typed), Some(a), Some(z)) => {
                            arith(op, a, z, int_typed).unwrap_or_else(|()| {
                                *failed = true;
                                None
                            })
                        }
                        (Op::Neg(_), Some(a), _) => neg(a).unwrap_or_else(|()| {
                            *failed = true;
                            None
                        }),
                        _ => None,
                    };
                    v[r] = value;
                    masks.union(r, &[x, y], value.is_none());
                }
            }
        }
    }

    pub(super) fn arenas<'a>(&'a self, strs: &'a str, items: &'a [V]) -> Arenas<'a> {
        Arenas {
            program_strs: &self.strs,
            program_items: &self.items,
            case_strs: strs,
            case_items: items,
        }
    }

    /// Each outcome's verdict and missing facts, and the top-level missing list.
    fn verdicts<W: Width>(&self, s: &mut Scratch, w: W) {
        let Scratch { b, m, settled, .. } = s;
        let s = settled;
        let n = w.n();
        s.stride = n;
        s.sets.clear();
        s.top.clear();
        s.holds.iter_mut().for_each(|w| *w = 0);
        s.undetermined.iter_mut().for_each(|w| *w = 0);
        let masks = Masks { m, w };
        let mut any_missing = false;
        for (o, &r) in self.outcomes.iter().enumerate() {
            let r = r as usize;
            s.holds[o / 64] |= u64::from(b[r] == T) << (o % 64);
            s.undetermined[o / 64] |= u64::from(b[r] == U) << (o % 64);
            // Empty unless the outcome is undetermined.
            s.sets.extend_from_slice(&masks.m[r * n..(r + 1) * n]);
            masks.each(r, |f| {
                s.counts[f as usize] += 1;
                any_missing = true;
            });
        }
        if any_missing {
            for (f, n) in s.counts.iter().enumerate() {
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
    }
}

/// Whether `cmp` holds of two values ordered `ord`.
pub(super) fn holds(cmp: CmpOp, ord: Ordering) -> bool {
    match cmp {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

/// A comparison of any two known values, as the reference does it; `None` when they
/// have no order (a failure).
pub(super) fn compare(ar: &Arenas<'_>, today: Date, cmp: CmpOp, a: V, b: V) -> Option<bool> {
    match cmp {
        CmpOp::Eq => Some(ar.same(a, b)),
        CmpOp::Ne => Some(!ar.same(a, b)),
        _ => order(ar, today, a, b).map(|ord| holds(cmp, ord)),
    }
}

pub(super) fn neg(a: V) -> Result<Option<V>, ()> {
    Ok(match a {
        V::Int(x) => Some(V::Int(x.checked_neg().ok_or(())?)),
        V::Dec(x) => Some(V::Dec(-x)),
        V::Dur(d) => Some(V::Dur(Duration {
            months: d.months.wrapping_neg(),
            days: d.days.wrapping_neg(),
        })),
        _ => None,
    })
}

/// The reference's `with_exceptions` on Kleene `bool`s; `true` beside the value when
/// applying exceptions conflict.
pub(super) fn except_bool(b: impl Fn(u32) -> u8, base: u8, pairs: &[u32]) -> (u8, bool) {
    // The candidates agree when all are known and equal (the reference's `agree`).
    let mut agreed: Option<u8> = None;
    let mut agree = true;
    let mut add = |c: u8| {
        if c == U || agreed.is_some_and(|a| a != c) {
            agree = false;
        } else {
            agreed = Some(c);
        }
    };
    let mut applying: Option<u8> = None;
    let mut applying_unknown = false;
    let mut applying_differ = false;
    for pair in pairs.chunks_exact(2) {
        let gives = b(pair[1]);
        match b(pair[0]) {
            T => match applying {
                None => {
                    applying = Some(gives);
                    applying_unknown |= gives == U;
                }
                Some(_) if gives == U => applying_unknown = true,
                Some(first) => applying_differ |= first != U && first != gives,
            },
            F => {}
            _ => add(gives),
        }
    }
    match applying {
        None => add(base),
        Some(_) if applying_unknown => return (U, false),
        Some(_) if applying_differ => return (U, true),
        Some(first) => add(first),
    }
    (if agree { agreed.unwrap_or(U) } else { U }, false)
}

/// The reference's `with_exceptions` on values; `Err` when applying exceptions
/// conflict.
pub(super) fn except_value(
    ar: &Arenas<'_>,
    b: impl Fn(u32) -> u8,
    v: impl Fn(u32) -> Option<V>,
    base: Option<V>,
    pairs: &[u32],
) -> Result<Option<V>, ()> {
    let mut possible = Agree::new();
    let mut applying: Option<Option<V>> = None;
    let mut applying_unknown = false;
    let mut applying_differ = false;
    for pair in pairs.chunks_exact(2) {
        let gives = v(pair[1]);
        match b(pair[0]) {
            T => match (applying, gives) {
                (None, _) => {
                    applying = Some(gives);
                    applying_unknown |= gives.is_none();
                }
                (Some(_), None) => applying_unknown = true,
                (Some(Some(first)), Some(v)) => {
                    if !ar.same(first, v) {
                        applying_differ = true;
                    }
                }
                (Some(None), Some(_)) => {}
            },
            F => {}
            _ => possible.add(ar, gives),
        }
    }
    Ok(match applying {
        None => {
            possible.add(ar, base);
            possible.result()
        }
        Some(_) if applying_unknown => None,
        Some(_) if applying_differ => return Err(()),
        Some(first) => {
            possible.add(ar, first);
            possible.result()
        }
    })
}

/// The reference's `order`: durations in months and in days compare by where they end
/// when counted from the evaluation date.
fn order(ar: &Arenas<'_>, today: Date, a: V, b: V) -> Option<Ordering> {
    match (a, b) {
        (V::Dur(x), V::Dur(y)) => x.compare(y).or_else(|| {
            let ex = add_duration(today, x)?;
            let ey = add_duration(today, y)?;
            Some(ex.cmp(&ey))
        }),
        _ => ar.compare(a, b),
    }
}

/// Arithmetic as the reference does it: `Ok(None)` for operands it does not apply to,
/// `Err` for a result that does not exist (overflow, division by zero).
pub(super) fn arith(op: ArithOp, a: V, b: V, int_typed: bool) -> Result<Option<V>, ()> {
    let as_f64 = |v: V| match v {
        V::Int(n) => Some(n as f64),
        V::Dec(n) => Some(n),
        _ => None,
    };
    let failed = ();
    Ok(Some(match (op, a, b) {
        (_, V::Int(x), V::Int(y)) if int_typed => V::Int(
            match op {
                ArithOp::Add => x.checked_add(y),
                ArithOp::Sub => x.checked_sub(y),
                ArithOp::Mul => x.checked_mul(y),
                ArithOp::Div => None,
            }
            .ok_or(failed)?,
        ),
        (ArithOp::Add | ArithOp::Sub, V::Date(d), V::Dur(dur)) => V::Date(
            if op == ArithOp::Add {
                add_duration(d, dur)
            } else {
                sub_duration(d, dur)
            }
            .ok_or(failed)?,
        ),
        (ArithOp::Add, V::Dur(dur), V::Date(d)) => V::Date(add_duration(d, dur).ok_or(failed)?),
        (ArithOp::Add | ArithOp::Sub, V::Dur(x), V::Dur(y)) => {
            V::Dur(sum_durations(x, y, op == ArithOp::Sub).ok_or(failed)?)
        }
        _ => {
            let (Some(x), Some(y)) = (as_f64(a), as_f64(b)) else {
                return Ok(None);
            };
            let r = match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                ArithOp::Div => {
                    if y == 0.0 {
                        return Err(failed);
                    }
                    x / y
                }
            };
            if !r.is_finite() {
                return Err(failed);
            }
            V::Dec(r)
        }
    }))
}
