//! The compiled evaluator: a checked policy turned into flat arrays indexed by slot
//! numbers, for evaluating many cases fast.
//!
//! | what | where |
//! |---|---|
//! | the program: nodes, rules, exceptions, fact readers | this module ([`Program`]) |
//! | values that are `Copy` (strings and lists are slices of arenas) | [`value`] |
//! | reading a fact object from JSON text into slots | [`read`] |
//! | evaluating one case, and the facts that would decide it | [`run`] |
//! | the compact JSON result | [`compact`] |
//! | one line of `asylon batch` | [`lines`] |
//!
//! Facts are slots and rules are indices: no name is looked up and no string hashed while
//! evaluating, and every per-case buffer lives in a [`Scratch`] that is reused from case to
//! case, so a case allocates nothing once the buffers have grown.
//!
//! The compiled path decides the common case — valid facts, no conflict between
//! exceptions, no arithmetic failure. Anything else (an invalid fact set, a contradiction,
//! a conflict, a failure) is reported as [`Fallback`], and the caller runs the reference
//! evaluator ([`crate::Policy::evaluate_json`]), whose diagnostics are the ones users see.
//! The differential tests in `tests/compiled.rs` hold the two to the same verdicts and
//! missing lists.

pub mod compact;
pub mod lines;
mod pattern;
pub mod read;
pub mod run;
pub mod value;

use crate::checked::{
    ArithOp, CheckedPolicy, CmpOp, Constraint, Expr, ExprKind, FactNode, FactTree,
};
use crate::limits::Limits;
use crate::syntax::ast::Test;
use crate::value::{Type, Value};

use read::Names;
pub use run::{Scratch, Verdict};
use value::{Slice, V};

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

/// A node of a compiled expression; children are indices into [`Program::nodes`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node {
    Const(V),
    Fact(u32),
    Rule(u32),
    Today,
    /// A list built per case: its items are `kids[start..start + len]`.
    List(u32, u32),
    Not(u32),
    Neg(u32),
    And(u32, u32),
    Or(u32, u32),
    Cmp(CmpOp, u32, u32),
    /// `int_typed`: the checker typed the result `int` (whole-number arithmetic).
    Arith(ArithOp, u32, u32, bool),
    In(u32, u32, bool),
    Test(Test, u32),
    If(u32, u32, u32),
    DaysFrom(u32, u32),
    /// `fact is variant` (`negated`: `is not`) on an enum fact.
    EnumIs(u32, u32, bool),
    /// `fact in [variants]` (`negated`: `not in`) on an enum fact, the variants as bits.
    EnumIn(u32, u64, bool),
}

/// A rule: its body and its exceptions (`exc_lists[start..start + len]`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CRule {
    pub(crate) body: u32,
    pub(crate) exceptions: (u32, u32),
}

/// An exception: when it applies, what it gives, and the exceptions to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CException {
    pub(crate) when: u32,
    pub(crate) gives: u32,
    pub(crate) exceptions: (u32, u32),
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
    pub(crate) nodes: Vec<Node>,
    pub(crate) kids: Vec<u32>,
    /// Constant strings, sliced by [`Slice`]s that are not per case.
    pub(crate) strs: String,
    /// Items of constant lists.
    pub(crate) items: Vec<V>,
    pub(crate) rules: Vec<CRule>,
    pub(crate) exceptions: Vec<CException>,
    pub(crate) exc_lists: Vec<u32>,
    pub(crate) impossibles: Vec<u32>,
    /// The outcomes' rule indices, in policy order.
    pub(crate) outcomes: Vec<u32>,
    pub(crate) facts: Vec<CFact>,
    /// Each enum's variant names, in order.
    pub(crate) enums: Vec<Names>,
    pub(crate) tree: CTree,
    /// Each outcome's id as a JSON string, quotes included.
    pub(crate) outcome_json: Vec<Box<str>>,
    /// Each fact's dotted name as a JSON string, quotes included.
    pub(crate) fact_json: Vec<Box<str>>,
    /// Each fact's position in name order, for ordering the top-level `missing` list.
    pub(crate) fact_rank: Vec<u32>,
    /// The bounds the reference reader holds fact sets to ([`crate::Policy::limits`]):
    /// the fast reader must refuse whatever they refuse.
    pub(crate) limits: Limits,
}

impl crate::Policy {
    /// Compiles the policy for evaluating many cases fast (see [`Program`]).
    pub fn compile(&self) -> Program {
        Program {
            limits: *self.limits(),
            ..Program::compile(self.checked())
        }
    }
}

impl Program {
    /// Compiles a checked policy, to read fact sets within the default [`Limits`].
    pub fn compile(policy: &CheckedPolicy) -> Program {
        let mut p = Program {
            nodes: Vec::new(),
            kids: Vec::new(),
            strs: String::new(),
            items: Vec::new(),
            rules: Vec::with_capacity(policy.rules.len()),
            exceptions: Vec::with_capacity(policy.exceptions.len()),
            exc_lists: Vec::new(),
            impossibles: Vec::new(),
            outcomes: policy.outcomes.iter().map(|r| r.0).collect(),
            facts: Vec::with_capacity(policy.facts.len()),
            enums: policy
                .enums
                .iter()
                .map(|e| Names::new(e.variants.iter().map(|v| v.name.as_str())))
                .collect(),
            tree: CTree::default(),
            outcome_json: policy
                .outcomes
                .iter()
                .map(|r| json_string(&policy.rule(*r).name))
                .collect(),
            fact_json: policy.facts.iter().map(|f| json_string(&f.name)).collect(),
            fact_rank: Vec::new(),
            limits: Limits::default(),
        };
        for rule in &policy.rules {
            let body = p.expr(&rule.body);
            let exceptions = p.list(rule.exceptions.iter().map(|e| e.0));
            p.rules.push(CRule { body, exceptions });
        }
        for exc in &policy.exceptions {
            let when = p.expr(&exc.when);
            let gives = p.expr(&exc.gives);
            let exceptions = p.list(exc.exceptions.iter().map(|e| e.0));
            p.exceptions.push(CException {
                when,
                gives,
                exceptions,
            });
        }
        for imp in &policy.impossibles {
            let when = p.expr(&imp.when);
            p.impossibles.push(when);
        }
        for fact in &policy.facts {
            p.facts.push(CFact {
                ty: fact_type(&fact.ty),
                constraint: fact.constraint.clone(),
                fixed: fact
                    .constraint
                    .matching
                    .as_ref()
                    .and_then(|(p, _)| pattern::Fixed::of(p)),
            });
        }
        p.tree = tree(&policy.fact_tree);
        let mut by_name: Vec<usize> = (0..policy.facts.len()).collect();
        by_name.sort_by(|a, b| policy.facts[*a].name.cmp(&policy.facts[*b].name));
        p.fact_rank = vec![0; policy.facts.len()];
        for (rank, f) in by_name.into_iter().enumerate() {
            p.fact_rank[f] = rank as u32;
        }
        p
    }

    /// The number of outcomes, in policy order.
    pub fn outcome_count(&self) -> usize {
        self.outcomes.len()
    }

    fn list(&mut self, ids: impl Iterator<Item = u32>) -> (u32, u32) {
        let start = self.exc_lists.len() as u32;
        self.exc_lists.extend(ids);
        (start, self.exc_lists.len() as u32 - start)
    }

    fn push(&mut self, node: Node) -> u32 {
        self.nodes.push(node);
        (self.nodes.len() - 1) as u32
    }

    /// A constant value in the program's arenas.
    fn constant(&mut self, v: &Value) -> V {
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
                let values: Vec<V> = items.iter().map(|i| self.constant(i)).collect();
                let start = self.items.len() as u32;
                self.items.extend(values);
                V::List(Slice::program(start, items.len() as u32))
            }
        }
    }

    fn expr(&mut self, e: &Expr) -> u32 {
        if let Some(node) = enum_test(e) {
            return self.push(node);
        }
        let node = match &e.kind {
            ExprKind::Lit(v) => Node::Const(self.constant(v)),
            ExprKind::Fact(f) => Node::Fact(f.0),
            ExprKind::Rule(r) => Node::Rule(r.0),
            ExprKind::Today => Node::Today,
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
                    Node::Const(self.constant(&Value::List(values.into())))
                } else {
                    let children: Vec<u32> = items.iter().map(|i| self.expr(i)).collect();
                    let start = self.kids.len() as u32;
                    self.kids.extend(children);
                    Node::List(start, items.len() as u32)
                }
            }
            ExprKind::Not(a) => Node::Not(self.expr(a)),
            ExprKind::Neg(a) => Node::Neg(self.expr(a)),
            ExprKind::And(a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                Node::And(a, b)
            }
            ExprKind::Or(a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                Node::Or(a, b)
            }
            ExprKind::Cmp(op, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                Node::Cmp(*op, a, b)
            }
            ExprKind::Arith(op, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                Node::Arith(*op, a, b, e.ty == Type::Int)
            }
            ExprKind::In {
                item,
                list,
                negated,
            } => {
                let (a, b) = (self.expr(item), self.expr(list));
                Node::In(a, b, *negated)
            }
            ExprKind::Test(t, a) => Node::Test(*t, self.expr(a)),
            ExprKind::If(c, a, b) => {
                let (c, a, b) = (self.expr(c), self.expr(a), self.expr(b));
                Node::If(c, a, b)
            }
            ExprKind::DaysFrom(a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                Node::DaysFrom(a, b)
            }
        };
        self.push(node)
    }
}

/// `fact is variant` and `fact in [variants]` on an enum fact: one load and a comparison
/// or a bit test, instead of three nodes and a generic comparison.
fn enum_test(e: &Expr) -> Option<Node> {
    match &e.kind {
        ExprKind::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b) => {
            Some(Node::EnumIs(enum_fact(a)?, enum_lit(b)?, *op == CmpOp::Ne))
        }
        ExprKind::In {
            item,
            list,
            negated,
        } => Some(Node::EnumIn(enum_fact(item)?, enum_set(list)?, *negated)),
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

fn json_string(s: &str) -> Box<str> {
    serde_json::Value::String(s.to_string()).to_string().into()
}
