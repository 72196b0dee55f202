//! The compiled evaluator: a checked policy turned into a straight-line program over
//! registers, for evaluating many cases fast.
//!
//! | what | where |
//! |---|---|
//! | the program: instructions, registers, fact readers | this module ([`Program`]) |
//! | checked rules and exceptions → instructions in dependency order | `emit` |
//! | values that are `Copy` (strings and lists are slices of arenas) | [`value`] |
//! | reading a fact object from JSON text into slots | [`read`] |
//! | evaluating one case, and the facts that would decide it | [`run`] |
//! | evaluating 64 cases at once, bit-sliced | [`lanes`] |
//! | the compact JSON result | [`compact`] |
//! | what a pass found, for the reference evaluator to start from | `seed` |
//!
//! Facts are slots and rules are registers: no name is looked up and no string hashed
//! while evaluating. Every rule, exception and sub-expression is one instruction, emitted
//! once and ordered so that its operands come first; a case is one pass over the
//! instructions, with no recursion, no memo to check and no branch on what was already
//! computed. A definition shared by several outcomes is one register, computed once. Each
//! register also carries, as a bit set, the unknown facts that would decide it, so the
//! missing facts of every outcome come out of the same pass. Every per-case buffer lives
//! in a [`Scratch`] that is reused from case to case: a case allocates nothing once the
//! buffers have grown.
//!
//! The pass evaluates everything, where the reference evaluator stops at the first `false`
//! of an `and`: Kleene logic gives the same values either way, and the one difference —
//! an arithmetic failure in a part the reference would not have looked at — only sends
//! the case to the reference. The compiled path decides the common case: valid facts, no
//! conflict between exceptions, no arithmetic failure. Anything else is reported as
//! [`Fallback`], and the caller runs the reference evaluator
//! ([`crate::Policy::evaluate_json`]), whose diagnostics are the ones users see. Where
//! the pass did not fall back, a full decision starts from what it found (`seed`). The
//! differential tests in `tests/compiled.rs` hold the two to the same verdicts and
//! missing lists, and to the same full decisions.

pub mod compact;
mod emit;
pub mod lanes;
mod pattern;
pub mod read;
pub mod run;
mod seed;
pub mod value;

use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use crate::checked::{ArithOp, CheckedPolicy, CmpOp, Constraint, FactNode, FactTree};
use crate::limits::Limits;
use crate::syntax::ast::Test;
use crate::value::Type;

pub use lanes::Lanes;
use read::Names;
pub use run::{Scratch, Slots, Verdict};
use value::V;

/// Why the compiled path gave up on a case: the reference evaluator must decide it (and
/// describe what is wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The facts are not a valid fact object for this policy.
    Facts,
    /// The facts break one of the policy's `impossible` rules.
    Impossible,
    /// Two exceptions applied and disagreed.
    Conflict,
    /// Arithmetic with no result for these facts.
    Arithmetic,
}

/// One instruction of the straight-line program. Instruction `i` writes register
/// `Program::base + i`; its operands are registers written before it (constants, the
/// evaluation date, or earlier instructions), so one pass in order evaluates everything.
///
/// Registers are typed when the program is emitted. A `bool` register holds a Kleene
/// value ([`run::F`], [`run::U`] or [`run::T`], so that `and` is `min`, `or` is `max` and
/// `not` is `T - x`); any other register holds an `Option<V>` (`None`: unknown). Each
/// instruction reads and writes one kind, as named below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Op {
    /// A `bool` fact → `bool`.
    Bool(u32),
    /// `fact is variant` (`negated`: `is not`) on an enum fact → `bool`.
    EnumIs(u32, u32, bool),
    /// `fact in [variants]` (`negated`: `not in`) on an enum fact, the variants as bits →
    /// `bool`.
    EnumIn(u32, u64, bool),
    /// value → `bool` (only where the checker left a type open).
    Truth(u32),
    /// `bool` → `bool`.
    Not(u32),
    /// Kleene `and` of the `bool`s `kids[start..start + len]`: a chain of `and`s,
    /// flattened.
    All(u32, u32),
    /// Kleene `or` of the `bool`s `kids[start..start + len]`.
    Any(u32, u32),
    /// values → `bool`.
    Cmp(CmpOp, u32, u32),
    /// values → `bool`.
    In(u32, u32, bool),
    /// value → `bool`.
    Test(Test, u32),
    /// `bool`s → `bool`: `kids[start]` unless any of `kids[start + 1..start + len]`, in
    /// Kleene logic. A `bool` rule whose exceptions all give `false`, and an exception
    /// whose own exceptions stop it, are this.
    Unless(u32, u32),
    /// `if` on `bool`s.
    IfB(u32, u32, u32),
    /// Whether an exception applies → `bool`: its `when`, its `gives`, and the `Applies`
    /// registers of the exceptions to it (`kids[start..start + len]`). Its missing facts
    /// are those that would decide the exception and what it gives.
    Applies {
        when: u32,
        gives: u32,
        subs: (u32, u32),
    },
    /// A `bool` rule with exceptions: its base value and, in `kids[start..start + 2 *
    /// len]`, each exception's `Applies` register followed by its `gives` register.
    ExceptB { base: u32, excs: (u32, u32) },
    /// A fact of any type but `bool` → value.
    Load(u32),
    /// `bool` → value.
    Value(u32),
    /// A list built per case from the values `kids[start..start + len]`.
    List(u32, u32),
    /// values → value.
    Neg(u32),
    /// values → value; `int_typed`: the checker typed the result `int` (whole-number
    /// arithmetic).
    Arith(ArithOp, u32, u32, bool),
    /// values → value.
    DaysFrom(u32, u32),
    /// `if` on a `bool` condition and value branches.
    IfV(u32, u32, u32),
    /// [`Op::ExceptB`] for a rule whose value is not a `bool`.
    ExceptV { base: u32, excs: (u32, u32) },
}

/// How to read one fact's JSON value.
#[derive(Debug, Clone)]
pub(crate) enum FactType {
    Bool,
    Int,
    Decimal,
    String,
    Date,
    Duration,
    /// The enum's variant names, in order.
    Enum(u32),
    List(Box<FactType>),
    /// A type no JSON value has (`Any`, only on a policy with errors): `null` only.
    Never,
}

/// A fact: how to read it and what its values must satisfy.
#[derive(Debug, Clone)]
pub(crate) struct CFact {
    pub(crate) ty: FactType,
    pub(crate) constraint: Constraint,
    /// The `matching` pattern, when it is simple enough to check without the regex engine.
    pub(crate) fixed: Option<pattern::Fixed>,
}

/// The nested-object shape of the facts, keys sorted for binary search.
#[derive(Debug, Clone, Default)]
pub(crate) struct CTree {
    pub(crate) keys: Names,
    pub(crate) nodes: Vec<CTreeNode>,
}

#[derive(Debug, Clone)]
pub(crate) enum CTreeNode {
    Fact(u32),
    Group(CTree),
}

/// A checked policy compiled for fast evaluation of many cases.
///
/// Build it once with [`Program::compile`] and share it between threads (it is
/// `Send + Sync`); give each thread its own [`Scratch`].
#[derive(Debug, Clone)]
pub struct Program {
    /// Tells programs apart, so that a [`Scratch`] made for one is never used as if made
    /// for another.
    pub(crate) id: u64,
    /// The instructions, in an order where every operand comes first.
    pub(crate) ops: Vec<Op>,
    /// Operand lists of n-ary instructions.
    pub(crate) kids: Vec<u32>,
    /// The register instruction 0 writes; below it are the evaluation date (register
    /// [`TODAY`]) and the constants.
    pub(crate) base: u32,
    /// Instructions `0..prelude` depend on no fact, only on the evaluation date: they
    /// run once per date, not once per case.
    pub(crate) prelude: u32,
    /// The registers as a case starts: constants set, everything else unknown.
    pub(crate) init_b: Vec<u8>,
    pub(crate) init_v: Vec<Option<V>>,
    /// Constant strings, sliced by [`value::Slice`]s that are not per case.
    pub(crate) strs: String,
    /// Items of constant lists.
    pub(crate) items: Vec<V>,
    /// The registers of the `impossible` rules.
    pub(crate) impossibles: Vec<u32>,
    /// The outcomes' registers, in policy order.
    pub(crate) outcomes: Vec<u32>,
    /// Each rule's register, by [`crate::checked::RuleId`]: a Kleene `bool` for a rule
    /// typed `bool`, a value for the others.
    pub(crate) rules: Vec<u32>,
    /// Each exception's `Applies` register (a Kleene `bool`), by
    /// [`crate::checked::ExceptionId`]; `None` for one never emitted.
    pub(crate) exceptions: Vec<Option<u32>>,
    pub(crate) facts: Vec<CFact>,
    /// Each enum's variant names, in order.
    pub(crate) enums: Vec<Names>,
    pub(crate) tree: CTree,
    /// The texts compact results are written from.
    pub(crate) texts: compact::Texts,
    /// Each fact's position in name order, for ordering the top-level `missing` list.
    pub(crate) fact_rank: Vec<u32>,
    /// The facts in name order.
    pub(crate) by_rank: Vec<u32>,
    /// The bounds the reference reader holds fact sets to ([`crate::Policy::limits`]):
    /// the fast reader must refuse whatever they refuse.
    pub(crate) limits: Limits,
}

/// The register that holds the evaluation date.
pub(crate) const TODAY: u32 = 0;

impl Program {
    /// Compiles a checked policy, to read fact sets within the default [`Limits`].
    pub fn compile(policy: &CheckedPolicy) -> Program {
        let (by_rank, fact_rank) = policy.facts_by_name();
        let code = emit::Emitter::emit(policy);
        static PROGRAMS: AtomicU64 = AtomicU64::new(0);
        Program {
            id: PROGRAMS.fetch_add(1, AtomicOrdering::Relaxed),
            ops: code.ops,
            kids: code.kids,
            base: code.base,
            prelude: code.prelude,
            init_b: code.init_b,
            init_v: code.init_v,
            strs: code.strs,
            items: code.items,
            impossibles: code.impossibles,
            outcomes: code.outcomes,
            rules: code.rules,
            exceptions: code.exceptions,
            facts: policy
                .facts
                .iter()
                .map(|fact| CFact {
                    ty: fact_type(&fact.ty),
                    constraint: fact.constraint.clone(),
                    fixed: fact
                        .constraint
                        .matching
                        .as_ref()
                        .and_then(|(p, _)| pattern::Fixed::of(p)),
                })
                .collect(),
            enums: policy
                .enums
                .iter()
                .map(|e| Names::new(e.variants.iter().map(|v| v.name.as_str())))
                .collect(),
            tree: tree(&policy.fact_tree),
            texts: compact::Texts::new(
                policy
                    .outcomes
                    .iter()
                    .map(|r| policy.rule(*r).name.as_str()),
                policy.facts.iter().map(|f| f.name.as_str()),
            ),
            fact_rank,
            by_rank,
            limits: Limits::default(),
        }
    }

    /// The number of outcomes, in policy order.
    pub fn outcome_count(&self) -> usize {
        self.outcomes.len()
    }

    /// The number of registers: the date, the constants and one per instruction.
    pub(crate) fn registers(&self) -> usize {
        self.init_b.len()
    }
}

fn fact_type(ty: &Type) -> FactType {
    match ty {
        Type::Bool => FactType::Bool,
        Type::Int => FactType::Int,
        Type::Decimal => FactType::Decimal,
        Type::Date => FactType::Date,
        Type::Duration => FactType::Duration,
        Type::Enum(id) => FactType::Enum(id.0),
        Type::List(inner) => FactType::List(Box::new(fact_type(inner))),
        Type::String => FactType::String,
        Type::Any => FactType::Never,
    }
}

fn tree(t: &FactTree) -> CTree {
    CTree {
        keys: Names::new(t.entries.iter().map(|(k, _)| k.as_str())),
        nodes: t
            .entries
            .iter()
            .map(|(_, n)| match n {
                FactNode::Fact(f) => CTreeNode::Fact(f.0),
                FactNode::Group(g) => CTreeNode::Group(tree(g)),
            })
            .collect(),
    }
}
