//! Checked rules and exceptions → the instructions of a [`super::Program`], in an order
//! where every operand comes first.
//!
//! Rules and exceptions are emitted once each, depth first from the rules that use them,
//! so a definition shared by several outcomes is one register; the same instruction on
//! the same registers is emitted once. Constants are not instructions: they are registers
//! set once, when a [`super::Scratch`] is made. While emitting, constants and instructions
//! are numbered apart (constants carry [`CONST`]); once all are known, constants are laid
//! out below the first instruction, the instructions that read no fact move to the front
//! (the prelude, run once per evaluation date), and every operand is renumbered.

use std::collections::HashMap;

use super::run::{F, T, U};
use super::value::{Slice, V};
use super::{Op, TODAY};
use crate::checked::{CheckedPolicy, CmpOp, ExceptionId, Expr, ExprKind, RuleId};
use crate::value::{Type, Value};

/// Marks a constant's number while emitting.
const CONST: u32 = 1 << 31;
/// The evaluation date while emitting.
const DATE: u32 = u32::MAX;

/// The emitted program, before it joins the fact readers in a [`super::Program`].
pub(super) struct Code {
    pub(super) ops: Vec<Op>,
    pub(super) kids: Vec<u32>,
    pub(super) base: u32,
    pub(super) prelude: u32,
    pub(super) init_b: Vec<u8>,
    pub(super) init_v: Vec<Option<V>>,
    pub(super) strs: String,
    pub(super) items: Vec<V>,
    pub(super) impossibles: Vec<u32>,
    pub(super) outcomes: Vec<u32>,
    /// Each rule's register, by [`RuleId`].
    pub(super) rules: Vec<u32>,
    /// Each exception's `Applies` register, by [`ExceptionId`] (`None`: never emitted).
    pub(super) exceptions: Vec<Option<u32>>,
}

/// A rule's or an exception's registers: not emitted yet, being emitted, or emitted.
#[derive(Clone, Copy)]
enum Slot<T> {
    Todo,
    Busy,
    Done(T),
}

pub(super) struct Emitter<'p> {
    policy: &'p CheckedPolicy,
    ops: Vec<Op>,
    op_bool: Vec<bool>,
    kids: Vec<u32>,
    /// Constants: `Ok(tri)` for a `bool`, else the value (`None`: unknown).
    consts: Vec<Result<u8, Option<V>>>,
    strs: String,
    items: Vec<V>,
    rules: Vec<Slot<u32>>,
    /// Each exception's `Applies` register and `gives` register.
    exceptions: Vec<Slot<(u32, u32)>>,
    /// Every instruction emitted, so that the same computation on the same registers
    /// (`today >= 2024-06-05` in every rule in force from that day, a fact read twice)
    /// is one register.
    emitted: HashMap<Op, u32>,
    /// Every constant, by its value's text (`Value` holds `f64`s, so it is not `Hash`).
    constants: HashMap<String, u32>,
}

impl<'p> Emitter<'p> {
    pub(super) fn emit(policy: &'p CheckedPolicy) -> Code {
        let mut e = Emitter {
            policy,
            ops: Vec::new(),
            op_bool: Vec::new(),
            kids: Vec::new(),
            consts: Vec::new(),
            strs: String::new(),
            items: Vec::new(),
            rules: vec![Slot::Todo; policy.rules.len()],
            exceptions: vec![Slot::Todo; policy.exceptions.len()],
            emitted: HashMap::new(),
            constants: HashMap::new(),
        };
        // Every rule, as the reference evaluates every rule: a conflict or a failure
        // anywhere sends the case to it.
        for r in 0..policy.rules.len() {
            e.rule(RuleId(r as u32));
        }
        let outcomes: Vec<u32> = policy
            .outcomes
            .iter()
            .map(|r| {
                let reg = e.rule(*r);
                e.as_bool(reg)
            })
            .collect();
        let impossibles: Vec<u32> = policy
            .impossibles
            .iter()
            .map(|i| e.bool_expr(&i.when))
            .collect();
        let rules: Vec<u32> = (0..policy.rules.len())
            .map(|r| e.rule(RuleId(r as u32)))
            .collect();
        let exceptions: Vec<Option<u32>> = (e.exceptions.iter())
            .map(|slot| match slot {
                Slot::Done((applies, _)) => Some(*applies),
                Slot::Todo | Slot::Busy => None,
            })
            .collect();
        e.finish(outcomes, impossibles, rules, exceptions)
    }

    /// Lays constants out below the instructions, moves the instructions that read no
    /// fact to the front (the prelude), and renumbers every operand.
    fn finish(
        self,
        outcomes: Vec<u32>,
        impossibles: Vec<u32>,
        rules: Vec<u32>,
        exceptions: Vec<Option<u32>>,
    ) -> Code {
        let base = 1 + self.consts.len() as u32;
        // Whether each instruction reads no fact, even through its operands. A list
        // built per case lives in the case's arena, so it is never in the prelude.
        let mut fixed = vec![false; self.ops.len()];
        for (i, op) in self.ops.iter().enumerate() {
            let mut all = !matches!(
                op,
                Op::Bool(_) | Op::EnumIs(..) | Op::EnumIn(..) | Op::Load(_) | Op::List(..)
            );
            operands(op, &self.kids, &mut |r| {
                if r != DATE && r & CONST == 0 {
                    all &= fixed.get(r as usize).copied().unwrap_or(false);
                }
            });
            fixed[i] = all;
        }
        // Both parts keep their order, so operands still come first.
        let order: Vec<usize> = (0..self.ops.len())
            .filter(|i| fixed[*i])
            .chain((0..self.ops.len()).filter(|i| !fixed[*i]))
            .collect();
        let mut place = vec![0u32; self.ops.len()];
        for (new, old) in order.iter().enumerate() {
            place[*old] = new as u32;
        }
        let prelude = fixed.iter().filter(|f| **f).count() as u32;
        let at = |r: u32| -> u32 {
            if r == DATE {
                TODAY
            } else if r & CONST != 0 {
                1 + (r & !CONST)
            } else {
                base + place[r as usize]
            }
        };
        let mut ops: Vec<Op> = order.iter().map(|i| self.ops[*i]).collect();
        for op in &mut ops {
            renumber(op, at);
        }
        let kids: Vec<u32> = self.kids.iter().map(|k| at(*k)).collect();
        let registers = base as usize + ops.len();
        let mut init_b = vec![U; registers];
        let mut init_v = vec![None; registers];
        for (i, c) in self.consts.iter().enumerate() {
            match c {
                Ok(tri) => init_b[1 + i] = *tri,
                Err(v) => init_v[1 + i] = *v,
            }
        }
        Code {
            ops,
            kids,
            base,
            prelude,
            init_b,
            init_v,
            strs: self.strs,
            items: self.items,
            impossibles: impossibles.into_iter().map(at).collect(),
            outcomes: outcomes.into_iter().map(at).collect(),
            rules: rules.into_iter().map(at).collect(),
            exceptions: exceptions.into_iter().map(|r| r.map(at)).collect(),
        }
    }

    /// Emits `op`, or finds the register that already computes it.
    fn op(&mut self, op: Op, is_bool: bool) -> u32 {
        if let Some(r) = self.emitted.get(&op) {
            return *r;
        }
        self.ops.push(op);
        self.op_bool.push(is_bool);
        let r = (self.ops.len() - 1) as u32;
        self.emitted.insert(op, r);
        r
    }

    /// A list of registers laid out together in `kids`.
    fn kids(&mut self, regs: &[u32]) -> (u32, u32) {
        let start = self.kids.len() as u32;
        self.kids.extend_from_slice(regs);
        (start, regs.len() as u32)
    }

    fn is_bool(&self, r: u32) -> bool {
        if r == DATE {
            false
        } else if r & CONST != 0 {
            matches!(self.consts.get((r & !CONST) as usize), Some(Ok(_)))
        } else {
            self.op_bool.get(r as usize).copied().unwrap_or(false)
        }
    }

    /// Whether `r` is the constant `false`.
    fn is_false(&self, r: u32) -> bool {
        r & CONST != 0 && r != DATE && matches!(self.consts.get((r & !CONST) as usize), Some(Ok(F)))
    }

    /// `r` as a Kleene `bool` register.
    fn as_bool(&mut self, r: u32) -> u32 {
        if self.is_bool(r) {
            r
        } else {
            self.op(Op::Truth(r), true)
        }
    }

    /// `r` as a value register.
    fn as_value(&mut self, r: u32) -> u32 {
        if self.is_bool(r) {
            self.op(Op::Value(r), false)
        } else {
            r
        }
    }

    fn bool_expr(&mut self, e: &Expr) -> u32 {
        let r = self.expr(e);
        self.as_bool(r)
    }

    fn value_expr(&mut self, e: &Expr) -> u32 {
        let r = self.expr(e);
        self.as_value(r)
    }

    fn constant_reg(&mut self, c: Result<u8, Option<V>>) -> u32 {
        self.consts.push(c);
        CONST | (self.consts.len() - 1) as u32
    }

    /// An unknown value of type `ty`: what a rule reads while it is being emitted (only
    /// on a cycle, which the checker refuses).
    fn unknown(&mut self, ty: &Type) -> u32 {
        let c = if *ty == Type::Bool { Ok(U) } else { Err(None) };
        self.constant_reg(c)
    }

    fn rule(&mut self, r: RuleId) -> u32 {
        let i = r.0 as usize;
        match self.rules.get(i) {
            Some(Slot::Done(reg)) => return *reg,
            Some(Slot::Todo) => {}
            Some(Slot::Busy) | None => {
                let ty = self.policy.rules.get(i).map_or(Type::Any, |r| r.ty.clone());
                return self.unknown(&ty);
            }
        }
        self.rules[i] = Slot::Busy;
        let rule = &self.policy.rules[i];
        let is_bool = rule.ty == Type::Bool;
        let typed = |e: &mut Self, r: u32| {
            if is_bool {
                e.as_bool(r)
            } else {
                e.as_value(r)
            }
        };
        let base = self.expr(&rule.body);
        let base = typed(self, base);
        let reg = if rule.exceptions.is_empty() {
            base
        } else {
            let mut pairs = Vec::with_capacity(2 * rule.exceptions.len());
            for e in &rule.exceptions {
                let (applies, gives) = self.exception(*e);
                let gives = typed(self, gives);
                pairs.extend([applies, gives]);
            }
            let all_false = pairs.chunks_exact(2).all(|p| self.is_false(p[1]));
            if is_bool && all_false {
                // Exceptions that all give `false` agree with each other, and with a base
                // that is `false`: the rule is its base unless one of them applies.
                let terms: Vec<u32> = std::iter::once(base)
                    .chain(pairs.chunks_exact(2).map(|p| p[0]))
                    .collect();
                let (start, len) = self.kids(&terms);
                self.op(Op::Unless(start, len), true)
            } else {
                let (start, len) = self.kids(&pairs);
                let excs = (start, len / 2);
                if is_bool {
                    self.op(Op::ExceptB { base, excs }, true)
                } else {
                    self.op(Op::ExceptV { base, excs }, false)
                }
            }
        };
        self.rules[i] = Slot::Done(reg);
        reg
    }

    /// An exception's `Applies` register and its `gives` register.
    fn exception(&mut self, e: ExceptionId) -> (u32, u32) {
        let i = e.0 as usize;
        match self.exceptions.get(i) {
            Some(Slot::Done(regs)) => return *regs,
            Some(Slot::Todo) => {}
            Some(Slot::Busy) | None => {
                let unknown = self.unknown(&Type::Bool);
                return (unknown, unknown);
            }
        }
        self.exceptions[i] = Slot::Busy;
        let exc = &self.policy.exceptions[i];
        let when = self.bool_expr(&exc.when);
        let gives = self.expr(&exc.gives);
        let subs: Vec<u32> = exc
            .exceptions
            .iter()
            .map(|sub| self.exception(*sub).0)
            .collect();
        let applies = if gives & CONST != 0 {
            // What it gives is known whatever the facts, so what would decide whether it
            // applies is all that would decide it.
            if subs.is_empty() {
                when
            } else {
                let terms: Vec<u32> = std::iter::once(when).chain(subs).collect();
                let (start, len) = self.kids(&terms);
                self.op(Op::Unless(start, len), true)
            }
        } else {
            let subs = self.kids(&subs);
            self.op(Op::Applies { when, gives, subs }, true)
        };
        self.exceptions[i] = Slot::Done((applies, gives));
        (applies, gives)
    }

    fn expr(&mut self, e: &Expr) -> u32 {
        if let Some(op) = enum_test(e) {
            return self.op(op, true);
        }
        match &e.kind {
            ExprKind::Lit(v) => self.literal(v),
            ExprKind::Fact(f) if e.ty == Type::Bool => self.op(Op::Bool(f.0), true),
            ExprKind::Fact(f) => self.op(Op::Load(f.0), false),
            ExprKind::Rule(r) => self.rule(*r),
            ExprKind::Today => DATE,
            ExprKind::List(items) => {
                if let Some(values) = items
                    .iter()
                    .map(|i| match &i.kind {
                        ExprKind::Lit(v) => Some(v.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<Value>>>()
                {
                    // A list of literals is a constant, built once here.
                    self.literal(&Value::List(values.into()))
                } else {
                    let regs: Vec<u32> = items.iter().map(|i| self.value_expr(i)).collect();
                    let (start, len) = self.kids(&regs);
                    self.op(Op::List(start, len), false)
                }
            }
            ExprKind::Not(a) => {
                let a = self.bool_expr(a);
                self.op(Op::Not(a), true)
            }
            ExprKind::And(..) | ExprKind::Or(..) => {
                let and = matches!(e.kind, ExprKind::And(..));
                let mut terms = Vec::new();
                e.chain(and, &mut terms);
                let regs: Vec<u32> = terms.into_iter().map(|t| self.bool_expr(t)).collect();
                let (start, len) = self.kids(&regs);
                let op = if and {
                    Op::All(start, len)
                } else {
                    Op::Any(start, len)
                };
                self.op(op, true)
            }
            ExprKind::Cmp(op, a, b) => {
                let (a, b) = (self.value_expr(a), self.value_expr(b));
                self.op(Op::Cmp(*op, a, b), true)
            }
            ExprKind::Arith(op, a, b) => {
                let (a, b) = (self.value_expr(a), self.value_expr(b));
                self.op(Op::Arith(*op, a, b, e.ty == Type::Int), false)
            }
            ExprKind::In {
                item,
                list,
                negated,
            } => {
                let (a, b) = (self.value_expr(item), self.value_expr(list));
                self.op(Op::In(a, b, *negated), true)
            }
            ExprKind::Test(t, a) => {
                let a = self.value_expr(a);
                self.op(Op::Test(*t, a), true)
            }
            ExprKind::If(c, a, b) => {
                let c = self.bool_expr(c);
                if e.ty == Type::Bool {
                    let (a, b) = (self.bool_expr(a), self.bool_expr(b));
                    self.op(Op::IfB(c, a, b), true)
                } else {
                    let (a, b) = (self.value_expr(a), self.value_expr(b));
                    self.op(Op::IfV(c, a, b), false)
                }
            }
            ExprKind::DaysFrom(a, b) => {
                let (a, b) = (self.value_expr(a), self.value_expr(b));
                self.op(Op::DaysFrom(a, b), false)
            }
            ExprKind::Neg(a) => {
                let a = self.value_expr(a);
                self.op(Op::Neg(a), false)
            }
        }
    }

    fn literal(&mut self, v: &Value) -> u32 {
        let key = format!("{v:?}");
        if let Some(r) = self.constants.get(&key) {
            return *r;
        }
        let c = match v {
            Value::Bool(b) => Ok(if *b { T } else { F }),
            _ => Err(Some(self.value(v))),
        };
        let r = self.constant_reg(c);
        self.constants.insert(key, r);
        r
    }

    /// A constant value in the program's arenas.
    fn value(&mut self, v: &Value) -> V {
        match v {
            Value::Bool(b) => V::Bool(*b),
            Value::Int(n) => V::Int(*n),
            Value::Decimal(n) => V::Dec(*n),
            Value::Date(d) => V::Date(*d),
            Value::Duration(d) => V::Dur(*d),
            Value::Enum(e) => V::Enum(*e),
            Value::String(s) => {
                let start = self.strs.len() as u32;
                self.strs.push_str(s);
                V::Str(Slice::program(start, s.len() as u32))
            }
            Value::List(items) => {
                // Nested lists put their own items first, then this list's items follow
                // contiguously.
                let values: Vec<V> = items.iter().map(|i| self.value(i)).collect();
                let start = self.items.len() as u32;
                self.items.extend(values);
                V::List(Slice::program(start, items.len() as u32))
            }
        }
    }
}

/// Calls `f` on every register `op` reads.
fn operands(op: &Op, kids: &[u32], f: &mut dyn FnMut(u32)) {
    let range = |(start, len): (u32, u32)| &kids[start as usize..(start + len) as usize];
    match *op {
        Op::Bool(_) | Op::EnumIs(..) | Op::EnumIn(..) | Op::Load(_) => {}
        Op::All(start, len)
        | Op::Any(start, len)
        | Op::Unless(start, len)
        | Op::List(start, len) => range((start, len)).iter().for_each(|k| f(*k)),
        Op::Truth(a) | Op::Not(a) | Op::Test(_, a) | Op::Neg(a) | Op::Value(a) => f(a),
        Op::Cmp(_, a, b) | Op::In(a, b, _) | Op::Arith(_, a, b, _) | Op::DaysFrom(a, b) => {
            f(a);
            f(b);
        }
        Op::IfB(c, a, b) | Op::IfV(c, a, b) => {
            f(c);
            f(a);
            f(b);
        }
        Op::Applies { when, gives, subs } => {
            f(when);
            f(gives);
            range(subs).iter().for_each(|k| f(*k));
        }
        Op::ExceptB { base, excs } | Op::ExceptV { base, excs } => {
            f(base);
            range((excs.0, 2 * excs.1)).iter().for_each(|k| f(*k));
        }
    }
}

/// Renumbers the registers `op` names itself (those in `kids` are renumbered there).
fn renumber(op: &mut Op, at: impl Fn(u32) -> u32) {
    match op {
        Op::Bool(_) | Op::EnumIs(..) | Op::EnumIn(..) | Op::Load(_) => {}
        Op::All(..) | Op::Any(..) | Op::Unless(..) | Op::List(..) => {}
        Op::Truth(a) | Op::Not(a) | Op::Test(_, a) | Op::Neg(a) | Op::Value(a) => *a = at(*a),
        Op::Cmp(_, a, b) | Op::In(a, b, _) | Op::Arith(_, a, b, _) | Op::DaysFrom(a, b) => {
            *a = at(*a);
            *b = at(*b);
        }
        Op::IfB(c, a, b) | Op::IfV(c, a, b) => {
            *c = at(*c);
            *a = at(*a);
            *b = at(*b);
        }
        Op::Applies { when, gives, .. } => {
            *when = at(*when);
            *gives = at(*gives);
        }
        Op::ExceptB { base, .. } | Op::ExceptV { base, .. } => *base = at(*base),
    }
}

/// `fact is variant` and `fact in [variants]` on an enum fact: one load and a comparison
/// or a bit test, instead of three registers and a generic comparison.
fn enum_test(e: &Expr) -> Option<Op> {
    match &e.kind {
        ExprKind::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b) => {
            Some(Op::EnumIs(enum_fact(a)?, enum_lit(b)?, *op == CmpOp::Ne))
        }
        ExprKind::In {
            item,
            list,
            negated,
        } => Some(Op::EnumIn(enum_fact(item)?, enum_set(list)?, *negated)),
        _ => None,
    }
}

/// The fact an expression reads, when it is just an enum fact.
fn enum_fact(e: &Expr) -> Option<u32> {
    match (&e.kind, &e.ty) {
        (ExprKind::Fact(f), Type::Enum(_)) => Some(f.0),
        _ => None,
    }
}

/// The variant an expression is, when it is an enum literal.
fn enum_lit(e: &Expr) -> Option<u32> {
    match &e.kind {
        ExprKind::Lit(Value::Enum(v)) => Some(*v),
        _ => None,
    }
}

/// The variants of a literal list of enum values, as bits, when they all fit in 64.
fn enum_set(e: &Expr) -> Option<u64> {
    let one = |v: &Value| match v {
        Value::Enum(v) if *v < 64 => Some(1u64 << v),
        _ => None,
    };
    match &e.kind {
        ExprKind::Lit(Value::List(items)) => items
            .iter()
            .try_fold(0u64, |acc, v| one(v).map(|b| acc | b)),
        ExprKind::List(items) => items
            .iter()
            .map(|i| match &i.kind {
                ExprKind::Lit(v) => one(v),
                _ => None,
            })
            .try_fold(0u64, |acc, b| b.map(|b| acc | b)),
        _ => None,
    }
}
