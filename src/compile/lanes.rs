//! Up to 64 cases evaluated together, bit-sliced: each `bool` register is two words, the
//! lanes (cases) where it is known and those where it is true, so that one `and` of two
//! registers is three machine instructions for 64 cases, and the facts that would decide
//! a register are one word per fact it depends on.
//!
//! The instructions are those of [`super::run`], with the same results lane by lane:
//! Kleene logic on the planes is the logic of `run` on each bit, and instructions on
//! values (comparisons, arithmetic, lists) run lane by lane with `run`'s own functions,
//! only for the lanes where their operands are known. A register's missing-fact planes
//! are kept only for the facts it depends on (its *cone*, known when the lanes are made),
//! and each is the union of its operands' planes, limited to the lanes where the register
//! is unknown — `run`'s invariant, one bit at a time.
//!
//! The caller reads cases into lanes ([`Program::read_json_lane`],
//! [`Program::push_slots`]), evaluates them all ([`Program::evaluate_lanes`]), then takes
//! each lane's result into a [`Scratch`] ([`Program::settle_lane`]), where it reads as
//! after [`Program::evaluate`] (and [`Program::write_compact`] writes it). Cases read can
//! also be kept as a [`Pack`] ([`Lanes::take_pack`]) and evaluated later, at any date
//! ([`Program::evaluate_pack`]).

use super::run::{self, bits, Settled, Slots, F, T, U};
use super::value::{Arenas, Slice, V};
use super::{FactType, Fallback, Op, Program, Scratch};
use crate::syntax::ast::Test;
use crate::value::{days_between, Date};

/// How many cases a [`Lanes`] holds: the bits of a word.
pub const LANES: usize = 64;

/// Where a register's value is, lane by lane.
#[derive(Debug, Clone, Copy)]
enum Src {
    /// The same in every lane: a constant, the date, or the prelude's.
    Shared,
    /// A fact's value: the `k`th of [`Plan::loaded`].
    Fact(u32),
    /// Computed per lane, in slot `k` of [`Lanes::vals`].
    Lane(u32),
}

/// What bit-sliced evaluation needs of a program, worked out once.
#[derive(Debug, Clone)]
struct Plan {
    src: Vec<Src>,
    slots: usize,
    /// Register `r`'s missing-fact planes are `planes[cone_at[r]..cone_at[r + 1]]`, one per
    /// fact of `cone[cone_at[r]..cone_at[r + 1]]` (ascending).
    cone_at: Vec<u32>,
    cone: Vec<u32>,
    /// For operand `k` of instruction `i` (in [`operands`]' order), the (source plane,
    /// destination plane) pairs `moves[at..end]`, where `(at, end)` is
    /// `move_at[op_at[i] + k]`; instruction `i` has `op_at[i + 1] - op_at[i]` operands.
    moves: Vec<(u32, u32)>,
    move_at: Vec<(u32, u32)>,
    op_at: Vec<u32>,
    /// The facts read as `bool`s, as enum variants (with each one's first variant
    /// plane), and as values; the planes' count.
    bools: Vec<u32>,
    enums: Vec<(u32, u32)>,
    loaded: Vec<u32>,
    variants: usize,
}

/// The registers whose missing facts make up instruction `op`'s, in a fixed order.
fn operands(kids: &[u32], op: &Op, out: &mut Vec<u32>) {
    out.clear();
    let range = |start: u32, len: u32| &kids[start as usize..(start + len) as usize];
    match *op {
        Op::Bool(_) | Op::EnumIs(..) | Op::EnumIn(..) | Op::Load(_) => {}
        Op::Not(a) | Op::Truth(a) | Op::Test(_, a) | Op::Value(a) | Op::Neg(a) => out.push(a),
        Op::All(s, n) | Op::Any(s, n) | Op::Unless(s, n) | Op::List(s, n) => {
            out.extend_from_slice(range(s, n))
        }
        Op::Cmp(_, x, y) | Op::In(x, y, _) | Op::Arith(_, x, y, _) | Op::DaysFrom(x, y) => {
            out.extend([x, y])
        }
        Op::IfB(c, x, y) | Op::IfV(c, x, y) => out.extend([c, x, y]),
        Op::Applies { when, gives, subs } => {
            out.extend([when, gives]);
            out.extend_from_slice(range(subs.0, subs.1));
        }
        Op::ExceptB { base, excs } | Op::ExceptV { base, excs } => {
            // Each exception's `Applies` register carries what would decide it and what
            // it gives.
            out.push(base);
            out.extend(range(excs.0, 2 * excs.1).iter().step_by(2));
        }
    }
}

impl Plan {
    fn new(p: &Program) -> Plan {
        let registers = p.registers();
        let base = p.base as usize;
        let mut src = vec![Src::Shared; registers];
        let mut slots = 0;
        let (mut bools, mut enums, mut loaded) = (Vec::new(), Vec::new(), Vec::new());
        let mut cones: Vec<Vec<u32>> = vec![Vec::new(); registers];
        let mut ops = Vec::new();
        for (i, op) in p.ops.iter().enumerate() {
            let r = base + i;
            if i < p.prelude as usize {
                continue;
            }
            match *op {
                Op::Bool(f) => bools.push(f),
                Op::EnumIs(f, ..) | Op::EnumIn(f, ..) => enums.push(f),
                Op::Load(f) => {
                    src[r] = Src::Fact(loaded.len() as u32);
                    loaded.push(f);
                }
                Op::Value(_)
                | Op::List(..)
                | Op::Neg(_)
                | Op::Arith(..)
                | Op::DaysFrom(..)
                | Op::IfV(..)
                | Op::ExceptV { .. } => {
                    src[r] = Src::Lane(slots as u32);
                    slots += 1;
                }
                _ => {}
            }
            let mut cone = match *op {
                Op::Bool(f) | Op::EnumIs(f, ..) | Op::EnumIn(f, ..) | Op::Load(f) => vec![f],
                _ => Vec::new(),
            };
            operands(&p.kids, op, &mut ops);
            for k in &ops {
                cone.extend_from_slice(&cones[*k as usize]);
            }
            cone.sort_unstable();
            cone.dedup();
            cones[r] = cone;
        }
        let mut cone_at = Vec::with_capacity(registers + 1);
        let mut cone = Vec::new();
        for c in &cones {
            cone_at.push(cone.len() as u32);
            cone.extend_from_slice(c);
        }
        cone_at.push(cone.len() as u32);
        let (mut moves, mut move_at, mut op_at) = (Vec::new(), Vec::new(), Vec::new());
        for (i, op) in p.ops.iter().enumerate() {
            let r = base + i;
            op_at.push(move_at.len() as u32);
            operands(&p.kids, op, &mut ops);
            for k in &ops {
                let start = moves.len() as u32;
                let k = *k as usize;
                for (j, f) in cones[k].iter().enumerate() {
                    // The operand's cone is part of the register's.
                    if let Ok(d) = cones[r].binary_search(f) {
                        moves.push((cone_at[k] + j as u32, cone_at[r] + d as u32));
                    }
                }
                move_at.push((start, moves.len() as u32));
            }
        }
        op_at.push(move_at.len() as u32);
        bools.sort_unstable();
        bools.dedup();
        enums.sort_unstable();
        enums.dedup();
        let mut variants = 0;
        let enums = enums
            .into_iter()
            .map(|f| {
                let at = variants as u32;
                if let Some(FactType::Enum(e)) = p.facts.get(f as usize).map(|x| &x.ty) {
                    variants += p.enums.get(*e as usize).map_or(0, |n| n.len());
                }
                (f, at)
            })
            .collect();
        Plan {
            src,
            slots,
            cone_at,
            cone,
            moves,
            move_at,
            op_at,
            bools,
            enums,
            loaded,
            variants,
        }
    }
}

/// The facts of up to [`LANES`] cases, laid out for evaluating them together: the
/// bit-sliced counterpart of [`Slots`], to keep cases read and evaluate them later
/// ([`Lanes::take_pack`], [`Program::evaluate_pack`]).
#[derive(Debug, Clone, Default)]
pub struct Pack {
    program: u64,
    len: usize,
    /// Lane `l`'s facts read as values are `facts[l * loaded..]` (see [`Plan::loaded`]);
    /// its strings and lists are the arenas from `str_at[l]` and `item_at[l]`.
    facts: Vec<Option<V>>,
    strs: String,
    items: Vec<V>,
    str_at: Vec<u32>,
    item_at: Vec<u32>,
    /// Per fact, the lanes where it is known as a `bool`, true, and known as an enum
    /// variant; per enum variant, the lanes where the fact is that variant. Per fact read
    /// as a value, the lanes where it is known.
    known_fact: Vec<u64>,
    bool_fact: Vec<u64>,
    true_fact: Vec<u64>,
    enum_fact: Vec<u64>,
    variant: Vec<u64>,
}

impl Pack {
    fn new(program: u64, facts: usize, plan: &Plan) -> Pack {
        Pack {
            program,
            len: 0,
            facts: vec![None; LANES * plan.loaded.len()],
            strs: String::new(),
            items: Vec::new(),
            str_at: vec![0; LANES],
            item_at: vec![0; LANES],
            known_fact: vec![0; plan.loaded.len()],
            bool_fact: vec![0; facts],
            true_fact: vec![0; facts],
            enum_fact: vec![0; facts],
            variant: vec![0; plan.variants],
        }
    }

    /// How many cases it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no case.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn clear(&mut self) {
        self.len = 0;
        self.strs.clear();
        self.items.clear();
        for planes in [
            &mut self.known_fact,
            &mut self.bool_fact,
            &mut self.true_fact,
            &mut self.enum_fact,
            &mut self.variant,
        ] {
            planes.iter_mut().for_each(|w| *w = 0);
        }
    }

    /// Adds a case; the caller has checked that a lane is free.
    fn push(&mut self, plan: &Plan, facts: &[Option<V>], strs: &str, items: &[V]) -> usize {
        let lane = self.len;
        self.len += 1;
        self.str_at[lane] = self.strs.len() as u32;
        self.item_at[lane] = self.items.len() as u32;
        self.strs.push_str(strs);
        self.items.extend_from_slice(items);
        // Without a branch on the values: cases vary, and mispredictions cost more than
        // the work.
        for &f in &plan.bools {
            // Copied whole before it is looked at (here and below), so that all of it is
            // loaded whatever it holds: matching on it in place branched on its kind.
            let value: Option<V> = *facts.get(f as usize).unwrap_or(&None);
            let known = matches!(value, Some(V::Bool(_))) as u64;
            let truth = matches!(value, Some(V::Bool(true))) as u64;
            self.bool_fact[f as usize] |= known << lane;
            self.true_fact[f as usize] |= truth << lane;
        }
        for &(f, at) in &plan.enums {
            let value: Option<V> = *facts.get(f as usize).unwrap_or(&None);
            let (known, e) = match value {
                Some(V::Enum(e)) => (1, e as usize),
                _ => (0, 0),
            };
            self.enum_fact[f as usize] |= known << lane;
            if let Some(plane) = self.variant.get_mut(at as usize + e) {
                *plane |= known << lane;
            }
        }
        let row = lane * plan.loaded.len();
        for (k, &f) in plan.loaded.iter().enumerate() {
            // Chosen by reference, then copied whole: choosing the value itself sent its
            // bytes through the stack in two overlapping halves, a store-forwarding stall.
            let value: &Option<V> = facts.get(f as usize).unwrap_or(&None);
            self.facts[row + k] = *value;
            self.known_fact[k] |= (value.is_some() as u64) << lane;
        }
        lane
    }
}

/// A register's values lane by lane, found once for a loop over the lanes: lane `l`'s is
/// the one value, or `rows[l * stride]`. Only known lanes are read.
#[derive(Clone, Copy)]
enum Column<'a> {
    One(Option<V>),
    Rows(&'a [Option<V>], usize),
}

impl Column<'_> {
    #[inline(always)]
    fn at(self, l: usize) -> Option<V> {
        match self {
            Column::One(v) => v,
            Column::Rows(rows, stride) => rows.get(l * stride).copied().flatten(),
        }
    }
}

/// Up to [`LANES`] cases, read and evaluated together: the cases being read (a
/// [`Pack`]), and everything evaluating them needs. One per thread; reuse it from batch
/// to batch: once its buffers have grown, nothing is allocated.
#[derive(Debug, Clone)]
pub struct Lanes {
    program: u64,
    plan: Plan,
    facts_len: usize,
    /// Per fact, its place in [`Plan::enums`] (`u32::MAX` for others).
    enum_of: Vec<u32>,
    /// Reads one case at a time, and keeps the prelude's registers.
    one: Scratch,
    /// The cases being read.
    input: Pack,
    /// How many cases were last evaluated.
    evaluated: usize,
    /// The evaluated cases' strings and lists, and the lists built while evaluating.
    strs: String,
    items: Vec<V>,
    str_at: [u32; LANES],
    item_at: [u32; LANES],
    /// Per register, the lanes where it is known, and (for a `bool`) true.
    known: Vec<u64>,
    truth: Vec<u64>,
    /// Values computed per lane: slot `k`, lane `l` at `k * LANES + l`.
    vals: Vec<Option<V>>,
    /// Missing-fact planes (see [`Plan::cone_at`]).
    planes: Vec<u64>,
    /// The lanes where arithmetic failed, exceptions conflicted, or an `impossible`
    /// rule held.
    failed: u64,
    conflict: u64,
    impossible: u64,
    /// Per outcome `o` and lane `l`, its missing facts as a bit set, at `o * LANES + l`.
    missing: Vec<u64>,
    /// Per lane, the outcomes that hold and those undetermined, as bits.
    holds: [u64; LANES],
    undetermined: [u64; LANES],
    /// How many outcomes wait on each fact, lane by lane, in `count_planes` bit planes:
    /// bit `l` of `counts[f * count_planes + b]` is bit `b` of fact `f`'s count in lane
    /// `l`.
    counts: Vec<u64>,
    count_planes: usize,
}

impl Program {
    /// Lanes for evaluating this program's cases 64 at a time, when it has at most 64
    /// facts and 64 outcomes (each lane's missing facts and verdicts are words).
    ///
    /// ```
    /// use asylon::compile::{Scratch, Verdict};
    /// use asylon::{EvalOptions, Policy};
    ///
    /// let policy = Policy::from_source("tiny.asylon", r#"
    ///     policy "Tiny" version "1"
    ///     fact age: int "age in years"
    ///     outcome adult when age >= 18 title en "An adult"
    /// "#)?;
    /// let program = policy.compile();
    /// let mut lanes = program.lanes().expect("one fact, one outcome");
    /// let mut result = Scratch::new(&program);
    /// let today = EvalOptions::on("2024-06-17")?.as_of;
    /// for case in [r#"{"age": 20}"#, r#"{"age": 12}"#, "{}"] {
    ///     program.read_json_lane(&mut lanes, case).expect("valid facts");
    /// }
    /// program.evaluate_lanes(&mut lanes, today);
    /// let mut verdicts = Vec::new();
    /// for lane in 0..lanes.len() {
    ///     program.settle_lane(&lanes, lane, &mut result).expect("decided here");
    ///     verdicts.push(result.verdict(0));
    /// }
    /// assert_eq!(verdicts, [Verdict::Holds, Verdict::DoesNotHold, Verdict::Undetermined]);
    /// assert_eq!(result.missing_of(0).collect::<Vec<_>>(), [0]); // `age`, the first fact
    /// lanes.clear(); // for the next 64
    /// # Ok::<(), asylon::Error>(())
    /// ```
    pub fn lanes(&self) -> Option<Lanes> {
        if self.facts.len() > 64 || self.outcomes.len() > 64 {
            return None;
        }
        let plan = Plan::new(self);
        let registers = self.registers();
        let count_planes = (usize::BITS - self.outcomes.len().leading_zeros()) as usize;
        let mut enum_of = vec![u32::MAX; self.facts.len()];
        for (k, (f, _)) in plan.enums.iter().enumerate() {
            enum_of[*f as usize] = k as u32;
        }
        Some(Lanes {
            program: self.id,
            facts_len: self.facts.len(),
            enum_of,
            one: Scratch::new(self),
            input: Pack::new(self.id, self.facts.len(), &plan),
            evaluated: 0,
            strs: String::new(),
            items: Vec::new(),
            str_at: [0; LANES],
            item_at: [0; LANES],
            known: vec![0; registers],
            truth: vec![0; registers],
            vals: vec![None; plan.slots * LANES],
            planes: vec![0; plan.cone.len()],
            failed: 0,
            conflict: 0,
            impossible: 0,
            missing: vec![0; self.outcomes.len() * LANES],
            holds: [0; LANES],
            undetermined: [0; LANES],
            counts: vec![0; self.facts.len() * count_planes],
            count_planes,
            plan,
        })
    }

    /// Reads a fact object from JSON text into the next free lane, and returns the lane.
    /// `Err(Fallback::Facts)` when the text is not a valid fact object (nothing is taken)
    /// or when every lane is taken, or the lanes were made for another program.
    pub fn read_json_lane(&self, lanes: &mut Lanes, text: &str) -> Result<usize, Fallback> {
        if lanes.program != self.id || lanes.is_full() {
            return Err(Fallback::Facts);
        }
        self.read_json(&mut lanes.one, text)?;
        let one = &lanes.one;
        Ok(lanes
            .input
            .push(&lanes.plan, &one.facts, &one.strs, &one.items))
    }

    /// Takes facts read earlier into the next free lane, and returns the lane; `Err` as
    /// for [`Program::read_json_lane`].
    pub fn push_slots(&self, lanes: &mut Lanes, slots: &Slots) -> Result<usize, Fallback> {
        let (facts, strs, items) = slots.parts();
        if lanes.program != self.id || lanes.is_full() || facts.len() != lanes.facts_len {
            return Err(Fallback::Facts);
        }
        Ok(lanes.input.push(&lanes.plan, facts, strs, items))
    }
}

impl Lanes {
    /// How many lanes are taken by cases read.
    pub fn len(&self) -> usize {
        self.input.len
    }

    /// Whether no lane is taken.
    pub fn is_empty(&self) -> bool {
        self.input.len == 0
    }

    /// Whether every lane is taken.
    pub fn is_full(&self) -> bool {
        self.input.len == LANES
    }

    /// Frees every lane, for the next cases.
    pub fn clear(&mut self) {
        self.input.clear();
    }

    /// The cases read so far, to keep and evaluate later; the lanes are then free.
    pub fn take_pack(&mut self) -> Pack {
        let empty = Pack::new(self.program, self.facts_len, &self.plan);
        std::mem::replace(&mut self.input, empty)
    }

    /// Lane `l`'s Kleene value of `bool` register `r`.
    #[inline(always)]
    fn kleene(&self, r: u32, l: usize) -> u8 {
        if self.truth[r as usize] >> l & 1 == 1 {
            T
        } else if self.known[r as usize] >> l & 1 == 1 {
            F
        } else {
            U
        }
    }

    /// Lane `l`'s value of register `r`.
    #[inline(always)]
    fn val(&self, pk: &Pack, r: u32, l: usize) -> Option<V> {
        if self.known[r as usize] >> l & 1 == 0 {
            return None;
        }
        self.column(pk, r).at(l)
    }

    /// Where register `r`'s values are, lane by lane.
    #[inline(always)]
    fn column<'a>(&'a self, pk: &'a Pack, r: u32) -> Column<'a> {
        match self.plan.src[r as usize] {
            Src::Shared => Column::One(Program::shared(&self.one, r as usize).1),
            Src::Fact(k) => Column::Rows(
                pk.facts.get(k as usize..).unwrap_or(&[]),
                self.plan.loaded.len(),
            ),
            Src::Lane(k) => Column::Rows(self.vals.get(k as usize * LANES..).unwrap_or(&[]), 1),
        }
    }

    fn arenas<'a>(&'a self, p: &'a Program, l: usize) -> Arenas<'a> {
        Arenas {
            program_strs: &p.strs,
            program_items: &p.items,
            case_strs: self.strs.get(self.str_at[l] as usize..).unwrap_or(""),
            case_items: self.items.get(self.item_at[l] as usize..).unwrap_or(&[]),
        }
    }

    /// The lanes taken, as bits.
    fn taken(&self) -> u64 {
        match self.evaluated {
            LANES => u64::MAX,
            n => (1 << n) - 1,
        }
    }
}

impl Program {
    /// Evaluates the cases read into `lanes` as of `today`; then
    /// [`Program::settle_lane`] gives each one's result.
    pub fn evaluate_lanes(&self, lanes: &mut Lanes, today: Date) {
        // Lent out while the rest of the lanes is written; nothing is allocated.
        let input = std::mem::take(&mut lanes.input);
        self.evaluate_pack(lanes, &input, today);
        lanes.input = input;
    }

    /// Evaluates the cases of `pack` (taken from lanes for this program) as of `today`,
    /// with `lanes` as buffers; then [`Program::settle_lane`] gives each one's result.
    pub fn evaluate_pack(&self, lanes: &mut Lanes, pack: &Pack, today: Date) {
        lanes.evaluated = 0;
        if lanes.program != self.id || pack.program != self.id {
            return;
        }
        lanes.evaluated = pack.len;
        // Lists built while evaluating go after the cases' own.
        lanes.strs.clone_from(&pack.strs);
        lanes.items.clone_from(&pack.items);
        lanes.str_at.copy_from_slice(&pack.str_at);
        lanes.item_at.copy_from_slice(&pack.item_at);
        let (failed, conflict) = self.prelude(&mut lanes.one, today);
        let all = lanes.taken();
        lanes.failed = if failed { all } else { 0 };
        lanes.conflict = if conflict { all } else { 0 };
        // The constants, the date and the prelude are the same in every lane.
        let shared = self.base as usize + self.prelude as usize;
        for r in 0..shared {
            let (b, v) = Program::shared(&lanes.one, r);
            lanes.known[r] = if b != U || v.is_some() { u64::MAX } else { 0 };
            lanes.truth[r] = if b == T { u64::MAX } else { 0 };
        }
        for i in self.prelude as usize..self.ops.len() {
            let r = self.base as usize + i;
            self.step(lanes, pack, i, r, today);
            self.spread(lanes, i, r);
        }
        lanes.impossible = self
            .impossibles
            .iter()
            .fold(0, |acc, r| acc | lanes.truth[*r as usize]);
        self.gather(lanes);
    }

    /// Instruction `i`'s value planes (and per-lane values) into register `r`.
    fn step(&self, ln: &mut Lanes, pk: &Pack, i: usize, r: usize, today: Date) {
        let kids = &self.kids[..];
        let range = |start: u32, len: u32| &kids[start as usize..(start + len) as usize];
        let k = |ln: &Lanes, x: u32| ln.known[x as usize];
        let t = |ln: &Lanes, x: u32| ln.truth[x as usize];
        let fal = |ln: &Lanes, x: u32| ln.known[x as usize] & !ln.truth[x as usize];
        let (known, truth) = match self.ops[i] {
            Op::Bool(f) => (pk.bool_fact[f as usize], pk.true_fact[f as usize]),
            Op::EnumIs(f, x, negated) => {
                let known = pk.enum_fact[f as usize];
                let is = self.variant_plane(ln, pk, f, x);
                (known, if negated { known & !is } else { is })
            }
            Op::EnumIn(f, set, negated) => {
                let known = pk.enum_fact[f as usize];
                let is = bits(set).fold(0, |acc, x| acc | self.variant_plane(ln, pk, f, x as u32));
                (known, if negated { known & !is } else { is })
            }
            Op::Load(_) => match ln.plan.src[r] {
                Src::Fact(k) => (pk.known_fact[k as usize], 0),
                // `Plan::new` gives every `Load` after the prelude its place.
                _ => (0, 0),
            },
            Op::Not(a) => (k(ln, a), fal(ln, a)),
            Op::All(s, n) => {
                let (tr, fa) = range(s, n).iter().fold((u64::MAX, 0), |(tr, fa), x| {
                    (tr & t(ln, *x), fa | fal(ln, *x))
                });
                (tr | fa, tr)
            }
            Op::Any(s, n) => {
                let (tr, fa) = range(s, n).iter().fold((0, u64::MAX), |(tr, fa), x| {
                    (tr | t(ln, *x), fa & fal(ln, *x))
                });
                (tr | fa, tr)
            }
            Op::Unless(s, n) => {
                let terms = range(s, n);
                let (first, rest) = terms
                    .split_first()
                    .map_or((None, &[][..]), |(f, r)| (Some(*f), r));
                let (mut tr, mut fa) = first.map_or((u64::MAX, 0), |x| (t(ln, x), fal(ln, x)));
                for x in rest {
                    tr &= fal(ln, *x);
                    fa |= t(ln, *x);
                }
                (tr | fa, tr)
            }
            Op::IfB(c, x, y) => {
                let (tc, fc, uc) = (t(ln, c), fal(ln, c), !k(ln, c));
                let tr = tc & t(ln, x) | fc & t(ln, y) | uc & t(ln, x) & t(ln, y);
                let fa = tc & fal(ln, x) | fc & fal(ln, y) | uc & fal(ln, x) & fal(ln, y);
                (tr | fa, tr)
            }
            Op::Applies { when, subs, .. } => {
                let (dt, df) = range(subs.0, subs.1)
                    .iter()
                    .fold((0, u64::MAX), |(tr, fa), x| {
                        (tr | t(ln, *x), fa & fal(ln, *x))
                    });
                let tr = t(ln, when) & df;
                let fa = fal(ln, when) | dt;
                (tr | fa, tr)
            }
            Op::ExceptB { base, excs } => {
                let pairs = range(excs.0, 2 * excs.1);
                let (mut known, mut truth, mut conflict) = (0, 0, 0);
                for l in 0..ln.evaluated {
                    let b = |x: u32| ln.kleene(x, l);
                    let (v, trouble) = run::except_bool(b, b(base), pairs);
                    conflict |= (trouble as u64) << l;
                    known |= ((v != U) as u64) << l;
                    truth |= ((v == T) as u64) << l;
                }
                ln.conflict |= conflict;
                (known, truth)
            }
            Op::Cmp(cmp, x, y) => {
                let (mut known, mut truth, mut failed) = (0, 0, 0);
                let (cx, cy) = (ln.column(pk, x), ln.column(pk, y));
                for l in bits(k(ln, x) & k(ln, y)) {
                    let answer = match (cx.at(l), cy.at(l)) {
                        (Some(V::Int(a)), Some(V::Int(b))) => Some(run::holds(cmp, a.cmp(&b))),
                        (Some(V::Date(a)), Some(V::Date(b))) => Some(run::holds(cmp, a.cmp(&b))),
                        (Some(a), Some(b)) => run::compare(&ln.arenas(self, l), today, cmp, a, b),
                        _ => None,
                    };
                    match answer {
                        Some(h) => {
                            known |= 1 << l;
                            truth |= (h as u64) << l;
                        }
                        None => failed |= 1 << l,
                    }
                }
                ln.failed |= failed;
                (known, truth)
            }
            Op::In(x, y, negated) => {
                let (mut known, mut truth) = (0, 0);
                let (cx, cy) = (ln.column(pk, x), ln.column(pk, y));
                for l in bits(k(ln, x) & k(ln, y)) {
                    if let (Some(item), Some(V::List(list))) = (cx.at(l), cy.at(l)) {
                        let ar = ln.arenas(self, l);
                        let found = ar.items(list).iter().any(|v| ar.same(*v, item));
                        known |= 1 << l;
                        truth |= ((found != negated) as u64) << l;
                    }
                }
                (known, truth)
            }
            Op::Test(test, x) => match test {
                Test::Known => (u64::MAX, k(ln, x)),
                Test::Unknown => (u64::MAX, !k(ln, x)),
                Test::Empty | Test::NotEmpty => {
                    let (mut known, mut truth) = (0, 0);
                    for l in bits(k(ln, x)) {
                        if let Some(V::List(list)) = ln.val(pk, x, l) {
                            known |= 1 << l;
                            truth |= (((list.len == 0) == (test == Test::Empty)) as u64) << l;
                        }
                    }
                    (known, truth)
                }
            },
            Op::Truth(x) => {
                let (mut known, mut truth) = (0, 0);
                for l in bits(k(ln, x)) {
                    if let Some(V::Bool(b)) = ln.val(pk, x, l) {
                        known |= 1 << l;
                        truth |= (b as u64) << l;
                    }
                }
                (known, truth)
            }
            Op::Value(x) => match self.slot(ln, r) {
                Some(slot) => {
                    for l in bits(k(ln, x)) {
                        ln.vals[slot + l] = Some(V::Bool(t(ln, x) >> l & 1 == 1));
                    }
                    (k(ln, x), 0)
                }
                None => (0, 0),
            },
            op @ (Op::List(..)
            | Op::Neg(_)
            | Op::Arith(..)
            | Op::DaysFrom(..)
            | Op::IfV(..)
            | Op::ExceptV { .. }) => (self.values(ln, pk, op, r), 0),
        };
        ln.known[r] = known;
        ln.truth[r] = truth & known;
    }

    /// The lanes where enum fact `f` is variant `x`.
    fn variant_plane(&self, ln: &Lanes, pk: &Pack, f: u32, x: u32) -> u64 {
        let Some(&(_, at)) = ln.plan.enums.get(ln.enum_of[f as usize] as usize) else {
            return 0;
        };
        pk.variant
            .get(at as usize + x as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Where register `r`'s per-lane values start in [`Lanes::vals`].
    /// `Plan::new` gives one to every instruction after the prelude that writes per-lane
    /// values; without one, the register stays unknown in every lane.
    fn slot(&self, ln: &Lanes, r: usize) -> Option<usize> {
        match ln.plan.src[r] {
            Src::Lane(k) => Some(k as usize * LANES),
            _ => None,
        }
    }

    /// An instruction with a value result, lane by lane; the lanes where it is known.
    fn values(&self, ln: &mut Lanes, pk: &Pack, op: Op, r: usize) -> u64 {
        let Some(slot) = self.slot(ln, r) else {
            return 0;
        };
        let kids = &self.kids[..];
        let mut known = 0;
        for l in 0..ln.evaluated {
            let value = match op {
                Op::List(start, len) => {
                    let list = &kids[start as usize..(start + len) as usize];
                    if list.iter().all(|x| ln.known[*x as usize] >> l & 1 == 1) {
                        let at = (ln.items.len() - ln.item_at[l] as usize) as u32;
                        for x in list {
                            if let Some(v) = ln.val(pk, *x, l) {
                                ln.items.push(v);
                            }
                        }
                        Some(V::List(Slice::case(at, len)))
                    } else {
                        None
                    }
                }
                Op::IfV(c, x, y) => match ln.kleene(c, l) {
                    T => ln.val(pk, x, l),
                    F => ln.val(pk, y, l),
                    _ => match (ln.val(pk, x, l), ln.val(pk, y, l)) {
                        (Some(a), Some(z)) if ln.arenas(self, l).same(a, z) => Some(a),
                        _ => None,
                    },
                },
                Op::ExceptV { base, excs } => {
                    let pairs = &kids[excs.0 as usize..(excs.0 + 2 * excs.1) as usize];
                    let ar = ln.arenas(self, l);
                    let (b, v) = (|x: u32| ln.kleene(x, l), |x: u32| ln.val(pk, x, l));
                    match run::except_value(&ar, b, v, ln.val(pk, base, l), pairs) {
                        Ok(value) => value,
                        Err(()) => {
                            ln.conflict |= 1 << l;
                            None
                        }
                    }
                }
                Op::Neg(x) => match ln.val(pk, x, l).map(run::neg) {
                    Some(Ok(value)) => value,
                    Some(Err(())) => {
                        ln.failed |= 1 << l;
                        None
                    }
                    None => None,
                },
                Op::Arith(aop, x, y, int_typed) => match (ln.val(pk, x, l), ln.val(pk, y, l)) {
                    (Some(a), Some(z)) => run::arith(aop, a, z, int_typed).unwrap_or_else(|()| {
                        ln.failed |= 1 << l;
                        None
                    }),
                    _ => None,
                },
                Op::DaysFrom(x, y) => match (ln.val(pk, x, l), ln.val(pk, y, l)) {
                    (Some(V::Date(a)), Some(V::Date(z))) => Some(V::Int(days_between(a, z))),
                    _ => None,
                },
                _ => None,
            };
            known |= (value.is_some() as u64) << l;
            ln.vals[slot + l] = value;
        }
        known
    }

    /// Instruction `i`'s missing-fact planes into register `r`: each operand's planes,
    /// in the lanes where the operand decides `r` and `r` is unknown.
    fn spread(&self, ln: &mut Lanes, i: usize, r: usize) {
        let unknown = !ln.known[r];
        let (at, end) = (ln.plan.cone_at[r] as usize, ln.plan.cone_at[r + 1] as usize);
        let op = self.ops[i];
        if let Op::Bool(_) | Op::EnumIs(..) | Op::EnumIn(..) | Op::Load(_) = op {
            // Its cone is its fact.
            ln.planes[at] = unknown;
            return;
        }
        ln.planes[at..end].iter_mut().for_each(|w| *w = 0);
        let (first, last) = (ln.plan.op_at[i] as usize, ln.plan.op_at[i + 1] as usize);
        for n in 0..last - first {
            let mask = match op {
                // `if`: the condition while it is unknown, the branch it picks otherwise.
                Op::IfB(c, ..) | Op::IfV(c, ..) => {
                    let (kc, tc) = (ln.known[c as usize], ln.truth[c as usize]);
                    unknown
                        & match n {
                            0 => !kc,
                            1 => !(kc & !tc),
                            _ => !tc,
                        }
                }
                // An exception that applies is decided by what it gives.
                Op::Applies { .. } if n == 1 => unknown | ln.truth[r],
                _ => unknown,
            };
            let (from, to) = ln.plan.move_at[first + n];
            for &(src, dst) in &ln.plan.moves[from as usize..to as usize] {
                ln.planes[dst as usize] |= ln.planes[src as usize] & mask;
            }
        }
    }

    /// Each outcome's verdict and missing facts, lane by lane.
    fn gather(&self, ln: &mut Lanes) {
        // Outcome by outcome, the lanes; transposed, lane by lane, the outcomes.
        for (o, &r) in self.outcomes.iter().enumerate() {
            ln.holds[o] = ln.truth[r as usize];
            ln.undetermined[o] = !ln.known[r as usize];
        }
        for o in self.outcomes.len()..LANES {
            (ln.holds[o], ln.undetermined[o]) = (0, 0);
        }
        transpose(&mut ln.holds);
        transpose(&mut ln.undetermined);
        ln.missing.iter_mut().for_each(|w| *w = 0);
        ln.counts.iter_mut().for_each(|w| *w = 0);
        let taken = ln.taken();
        let n = ln.count_planes;
        for (o, &r) in self.outcomes.iter().enumerate() {
            let (at, end) = (
                ln.plan.cone_at[r as usize] as usize,
                ln.plan.cone_at[r as usize + 1] as usize,
            );
            for j in at..end {
                let f = ln.plan.cone[j] as usize;
                let plane = ln.planes[j] & taken;
                for l in bits(plane) {
                    ln.missing[o * LANES + l] |= 1 << f;
                }
                // Counted for all lanes at once, without a branch.
                let mut carry = plane;
                for c in &mut ln.counts[f * n..(f + 1) * n] {
                    let next = *c & carry;
                    *c ^= carry;
                    carry = next;
                }
            }
        }
    }

    /// Lane `lane`'s result (of the cases last evaluated) into `s`, to read as after [`Program::evaluate`]; `Err` for
    /// a case the reference evaluator must decide, as [`Program::evaluate`] says it.
    pub fn settle_lane(&self, lanes: &Lanes, lane: usize, s: &mut Scratch) -> Result<(), Fallback> {
        if lanes.program != self.id || lane >= lanes.evaluated {
            return Err(Fallback::Facts);
        }
        let bit = 1u64 << lane;
        if lanes.impossible & bit != 0 {
            return Err(Fallback::Impossible);
        }
        if lanes.failed & bit != 0 {
            return Err(Fallback::Arithmetic);
        }
        if lanes.conflict & bit != 0 {
            return Err(Fallback::Conflict);
        }
        s.adopt(self);
        let settled: &mut Settled = s.settled();
        let verdicts = (lanes.holds[lane], lanes.undetermined[lane]);
        let set_of = |o| lanes.missing[o * LANES + lane];
        let n = lanes.count_planes;
        let times = |f: usize| {
            let count = &lanes.counts[f * n..(f + 1) * n];
            (0..n).fold(0, |acc, b| acc | (count[b] >> lane & 1) << b) as usize
        };
        self.settle_masks(settled, verdicts, set_of, times);
        Ok(())
    }
}

/// Transposes a 64 × 64 bit matrix: bit `j` of `a[i]` becomes bit `i` of `a[j]`, by
/// swapping ever smaller blocks (Hacker's Delight, 7-3).
fn transpose(a: &mut [u64; 64]) {
    let mut j = 32;
    let mut m: u64 = 0x0000_0000_FFFF_FFFF;
    while j != 0 {
        let mut k = 0;
        while k < 64 {
            let t = ((a[k] >> j) ^ a[k + j]) & m;
            a[k] ^= t << j;
            a[k + j] ^= t;
            k = (k + j + 1) & !j;
        }
        j >>= 1;
        m ^= m << j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposing_swaps_rows_and_columns() {
        let mut seed = 12345u64;
        let mut a = [0u64; 64];
        for x in a.iter_mut() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *x = seed;
        }
        let before = a;
        transpose(&mut a);
        for (i, row) in before.iter().enumerate() {
            for (j, column) in a.iter().enumerate() {
                assert_eq!(column >> i & 1, row >> j & 1, "bit {j} of row {i}");
            }
        }
    }
}
