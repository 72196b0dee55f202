//! Typing expressions: names resolved to facts, rules and enum variants; operators
//! checked against their operands' types.

use super::{did_you_mean, CheckError, Checker, Symbol};
use crate::checked::RuleId;
use crate::checked::{ArithOp, CmpOp, Expr, ExprKind};
use crate::syntax::ast::{self, BinOp, Test, Unit};
use crate::value::{parse_date, Duration, Type, Value};

impl Checker<'_> {
    /// A type in words, for diagnostics: `` `bool` ``, `` `list of Location` ``.
    pub(super) fn type_words(&self, ty: &Type) -> String {
        format!("`{}`", self.type_name(ty))
    }

    fn type_name(&self, ty: &Type) -> String {
        ty.written(&|id| self.enums[id.0 as usize].name.clone())
    }

    /// Reports a mismatch unless `e` fits `expected`.
    pub(super) fn expect_type(&mut self, e: &Expr, expected: &Type, help: Option<String>) {
        if !e.ty.fits(expected) {
            let help = help.or_else(|| self.mismatch_help(e, expected));
            self.error(CheckError::TypeMismatch {
                expected: self.type_words(expected),
                found: self.type_words(&e.ty),
                span: e.span,
                help,
            });
        }
    }

    fn mismatch_help(&self, e: &Expr, expected: &Type) -> Option<String> {
        match (&e.ty, expected) {
            (Type::Enum(id), Type::Bool) => {
                let en = &self.enums[id.0 as usize];
                let v = en.variants.first().map_or("…", |v| v.name.as_str());
                Some(format!(
                    "compare it with a variant of `{}`: `… is {v}`",
                    en.name
                ))
            }
            (Type::List(_), Type::Bool) => {
                Some("test the list: `… is empty`, `… is not empty` or `… contains x`".into())
            }
            (Type::Int, Type::Decimal) | (Type::Decimal, Type::Int) => None,
            (_, Type::Bool) => Some(
                "a condition must be `true` or `false`: compare the value with something".into(),
            ),
            _ => None,
        }
    }

    /// Types an expression. `expected` is the type the context wants, used to read bare
    /// enum variants and `[]`; the caller still checks the result against it.
    pub(super) fn check_expr(
        &mut self,
        e: &ast::Expr,
        expected: Option<&Type>,
        refs: &mut Vec<RuleId>,
    ) -> Expr {
        let span = e.span;
        let (kind, ty) = match &e.kind {
            ast::ExprKind::Bool(b) => (ExprKind::Lit(Value::Bool(*b)), Type::Bool),
            ast::ExprKind::Int(text) => {
                match text.parse::<i64>() {
                    Ok(n) => (ExprKind::Lit(Value::Int(n)), Type::Int),
                    Err(_) => {
                        self.error(CheckError::BadLiteral {
                        text: text.clone(),
                        what: "whole number",
                        span,
                        help: Some("whole numbers range from -9223372036854775808 to 9223372036854775807".into()),
                    });
                        (ExprKind::Lit(Value::Int(0)), Type::Int)
                    }
                }
            }
            ast::ExprKind::Decimal(text) => match text.parse::<f64>() {
                Ok(n) if n.is_finite() => (ExprKind::Lit(Value::Decimal(n)), Type::Decimal),
                _ => {
                    self.error(CheckError::BadLiteral {
                        text: text.clone(),
                        what: "decimal number",
                        span,
                        help: None,
                    });
                    (ExprKind::Lit(Value::Decimal(0.0)), Type::Decimal)
                }
            },
            ast::ExprKind::String(s) => (
                ExprKind::Lit(Value::String(s.as_str().into())),
                Type::String,
            ),
            ast::ExprKind::Date(text) => match parse_date(text) {
                Some(d) => (ExprKind::Lit(Value::Date(d)), Type::Date),
                None => {
                    self.error(CheckError::BadLiteral {
                        text: text.clone(),
                        what: "date",
                        span,
                        help: Some("a date is YYYY-MM-DD and a real calendar day".into()),
                    });
                    (
                        ExprKind::Lit(Value::Date(jiff::civil::Date::default())),
                        Type::Date,
                    )
                }
            },
            ast::ExprKind::Duration(n, unit) => {
                let parsed = n.parse::<i32>().ok().and_then(|n| match unit {
                    Unit::Days => Some(Duration::days(n)),
                    Unit::Months => Some(Duration::months(n)),
                    Unit::Years => n.checked_mul(12).map(Duration::months),
                });
                match parsed {
                    Some(d) => (ExprKind::Lit(Value::Duration(d)), Type::Duration),
                    None => {
                        self.error(CheckError::BadLiteral {
                            text: n.clone(),
                            what: "duration",
                            span,
                            help: Some("a duration is at most 2147483647 days or months".into()),
                        });
                        (
                            ExprKind::Lit(Value::Duration(Duration::default())),
                            Type::Duration,
                        )
                    }
                }
            }
            ast::ExprKind::Today => (ExprKind::Today, Type::Date),
            ast::ExprKind::Name(name) => self.check_name(name, expected, refs),
            ast::ExprKind::List(items) => {
                let elem_expected = match expected {
                    Some(Type::List(t)) => Some((**t).clone()),
                    _ => None,
                };
                let mut elem_ty = elem_expected.clone();
                let mut checked = Vec::with_capacity(items.len());
                for item in items {
                    let c = self.check_expr(item, elem_ty.as_ref(), refs);
                    match &elem_ty {
                        Some(t) if !(c.ty.fits(t) || c.ty.is_number() && t.is_number()) => {
                            self.expect_type(
                                &c,
                                t,
                                Some("every item of a list has one type".into()),
                            );
                        }
                        Some(_) => {}
                        None if c.ty != Type::Any => elem_ty = Some(c.ty.clone()),
                        None => {}
                    }
                    checked.push(c);
                }
                (
                    ExprKind::List(checked),
                    Type::List(Box::new(elem_ty.unwrap_or(Type::Any))),
                )
            }
            ast::ExprKind::Paren(inner) => {
                let c = self.check_expr(inner, expected, refs);
                return Expr { span, ..c };
            }
            ast::ExprKind::Not(inner) => {
                let c = self.check_expr(inner, Some(&Type::Bool), refs);
                self.expect_type(&c, &Type::Bool, None);
                (ExprKind::Not(Box::new(c)), Type::Bool)
            }
            ast::ExprKind::Neg(inner) => {
                let c = self.check_expr(inner, expected, refs);
                let ty = c.ty.clone();
                if !(ty.is_number() || ty == Type::Duration) {
                    self.bad_operands("-", &[&c], span, None);
                }
                if let ExprKind::Lit(v) = &c.kind {
                    // Fold `-2500` into a literal so constants stay literals.
                    let folded = match v {
                        Value::Int(n) => n.checked_neg().map(Value::Int),
                        Value::Decimal(n) => Some(Value::Decimal(-n)),
                        _ => None,
                    };
                    if let Some(v) = folded {
                        return Expr {
                            kind: ExprKind::Lit(v),
                            ty,
                            span,
                        };
                    }
                }
                (ExprKind::Neg(Box::new(c)), ty)
            }
            ast::ExprKind::Test(test, inner) => {
                let c = self.check_expr(inner, None, refs);
                if matches!(test, Test::Empty | Test::NotEmpty)
                    && !matches!(c.ty, Type::List(_) | Type::Any)
                {
                    let op = if *test == Test::Empty {
                        "is empty"
                    } else {
                        "is not empty"
                    };
                    self.bad_operands(op, &[&c], span, Some("only a list can be empty".into()));
                }
                (ExprKind::Test(*test, Box::new(c)), Type::Bool)
            }
            ast::ExprKind::If(c, a, b) => {
                let c = self.check_expr(c, Some(&Type::Bool), refs);
                self.expect_type(&c, &Type::Bool, None);
                let a = self.check_expr(a, expected, refs);
                let b = self.check_expr(
                    b,
                    Some(&a.ty).filter(|t| **t != Type::Any).or(expected),
                    refs,
                );
                let ty = match (&a.ty, &b.ty) {
                    (Type::Any, t) | (t, Type::Any) => t.clone(),
                    (x, y) if x == y => x.clone(),
                    (x, y) if x.is_number() && y.is_number() => Type::Decimal,
                    _ => {
                        self.expect_type(
                            &b,
                            &a.ty.clone(),
                            Some("both branches of `if` give one type".into()),
                        );
                        a.ty.clone()
                    }
                };
                (ExprKind::If(Box::new(c), Box::new(a), Box::new(b)), ty)
            }
            ast::ExprKind::DaysFrom(a, b) => {
                let a = self.check_expr(a, Some(&Type::Date), refs);
                let b = self.check_expr(b, Some(&Type::Date), refs);
                self.expect_type(&a, &Type::Date, None);
                self.expect_type(&b, &Type::Date, None);
                (ExprKind::DaysFrom(Box::new(a), Box::new(b)), Type::Int)
            }
            ast::ExprKind::DaysSince(a) => {
                let a = self.check_expr(a, Some(&Type::Date), refs);
                self.expect_type(&a, &Type::Date, None);
                let today = Expr {
                    kind: ExprKind::Today,
                    ty: Type::Date,
                    span,
                };
                (ExprKind::DaysFrom(Box::new(a), Box::new(today)), Type::Int)
            }
            ast::ExprKind::Binary(op, a, b) => return self.check_binary(*op, a, b, span, refs),
        };
        Expr { kind, ty, span }
    }

    /// Whether an expression's type comes from its context (a bare enum variant, `[]`),
    /// so that the other operand should be typed first.
    fn needs_context(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ast::ExprKind::Name(n) => !self.symbols.contains_key(&n.text) && !n.text.contains('.'),
            ast::ExprKind::List(items) => items.first().is_none_or(|i| self.needs_context(i)),
            ast::ExprKind::Paren(inner) => self.needs_context(inner),
            _ => false,
        }
    }

    /// Types two operands, the one that gives context first. `expect_b` maps the type
    /// of `a` to what `b` should be, and back.
    fn check_pair(
        &mut self,
        a: &ast::Expr,
        b: &ast::Expr,
        refs: &mut Vec<RuleId>,
        a_to_b: impl Fn(&Type) -> Option<Type>,
        b_to_a: impl Fn(&Type) -> Option<Type>,
    ) -> (Expr, Expr) {
        if self.needs_context(a) && !self.needs_context(b) {
            let cb = self.check_expr(b, None, refs);
            let ea = b_to_a(&cb.ty);
            let ca = self.check_expr(a, ea.as_ref(), refs);
            (ca, cb)
        } else {
            let ca = self.check_expr(a, None, refs);
            let eb = a_to_b(&ca.ty);
            let cb = self.check_expr(b, eb.as_ref(), refs);
            (ca, cb)
        }
    }

    fn check_binary(
        &mut self,
        op: BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: crate::source::Span,
        refs: &mut Vec<RuleId>,
    ) -> Expr {
        let same = |t: &Type| (*t != Type::Any).then(|| t.clone());
        let (kind, ty) = match op {
            BinOp::And | BinOp::Or => {
                let ca = self.check_expr(a, Some(&Type::Bool), refs);
                let cb = self.check_expr(b, Some(&Type::Bool), refs);
                self.expect_type(&ca, &Type::Bool, None);
                self.expect_type(&cb, &Type::Bool, None);
                let kind = if op == BinOp::And {
                    ExprKind::And(Box::new(ca), Box::new(cb))
                } else {
                    ExprKind::Or(Box::new(ca), Box::new(cb))
                };
                (kind, Type::Bool)
            }
            BinOp::Is | BinOp::IsNot => {
                let (ca, cb) = self.check_pair(a, b, refs, same, same);
                if !comparable(&ca.ty, &cb.ty) {
                    self.bad_operands(
                        op.as_str(),
                        &[&ca, &cb],
                        span,
                        Some("both sides of `is` must have one type".into()),
                    );
                }
                let cmp = if op == BinOp::Is {
                    CmpOp::Eq
                } else {
                    CmpOp::Ne
                };
                (ExprKind::Cmp(cmp, Box::new(ca), Box::new(cb)), Type::Bool)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (ca, cb) = self.check_pair(a, b, refs, same, same);
                let ordered = |t: &Type| {
                    t.is_number() || matches!(t, Type::Date | Type::Duration | Type::Any)
                };
                if !(comparable(&ca.ty, &cb.ty) && ordered(&ca.ty) && ordered(&cb.ty)) {
                    self.bad_operands(
                        op.as_str(),
                        &[&ca, &cb],
                        span,
                        Some(
                            "numbers, dates and durations can be ordered, each with its own kind"
                                .into(),
                        ),
                    );
                }
                let cmp = match op {
                    BinOp::Lt => CmpOp::Lt,
                    BinOp::Le => CmpOp::Le,
                    BinOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                (ExprKind::Cmp(cmp, Box::new(ca), Box::new(cb)), Type::Bool)
            }
            BinOp::In | BinOp::NotIn => {
                let (item, list) = self.check_pair(
                    a,
                    b,
                    refs,
                    |t| (*t != Type::Any).then(|| Type::List(Box::new(t.clone()))),
                    |t| match t {
                        Type::List(inner) => Some((**inner).clone()),
                        _ => None,
                    },
                );
                self.membership(op.as_str(), &item, &list, span);
                (
                    ExprKind::In {
                        item: Box::new(item),
                        list: Box::new(list),
                        negated: op == BinOp::NotIn,
                    },
                    Type::Bool,
                )
            }
            BinOp::Contains => {
                let (list, item) = self.check_pair(
                    a,
                    b,
                    refs,
                    |t| match t {
                        Type::List(inner) => Some((**inner).clone()),
                        _ => None,
                    },
                    |t| (*t != Type::Any).then(|| Type::List(Box::new(t.clone()))),
                );
                self.membership("contains", &item, &list, span);
                (
                    ExprKind::In {
                        item: Box::new(item),
                        list: Box::new(list),
                        negated: false,
                    },
                    Type::Bool,
                )
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let ca = self.check_expr(a, None, refs);
                let hint = match (&ca.ty, op) {
                    (Type::Date, _) => Some(Type::Duration),
                    (t, _) if *t != Type::Any => Some(t.clone()),
                    _ => None,
                };
                let cb = self.check_expr(b, hint.as_ref(), refs);
                let ty = self.arith_type(op, &ca, &cb, span);
                let aop = match op {
                    BinOp::Add => ArithOp::Add,
                    BinOp::Sub => ArithOp::Sub,
                    BinOp::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                (ExprKind::Arith(aop, Box::new(ca), Box::new(cb)), ty)
            }
        };
        Expr { kind, ty, span }
    }

    fn arith_type(&mut self, op: BinOp, a: &Expr, b: &Expr, span: crate::source::Span) -> Type {
        use Type::*;
        match (op, &a.ty, &b.ty) {
            (_, Any, t) | (_, t, Any) if *t != Date => t.clone(),
            (BinOp::Add | BinOp::Sub | BinOp::Mul, Int, Int) => Int,
            (BinOp::Div, x, y) if x.is_number() && y.is_number() => Decimal,
            (_, x, y) if x.is_number() && y.is_number() => Decimal,
            (BinOp::Add | BinOp::Sub, Date, Duration | Any) => Date,
            (BinOp::Add, Duration, Date) => Date,
            (BinOp::Add | BinOp::Sub, Duration, Duration) => Duration,
            (BinOp::Sub, Date, Date) => {
                self.bad_operands(
                    "-",
                    &[a, b],
                    span,
                    Some("to count the days between two dates, write `days from A to B`".into()),
                );
                Int
            }
            _ => {
                let help = match (&a.ty, &b.ty) {
                    (Date, Int) => Some("add a duration to a date: `… + 30 days`".to_string()),
                    _ => None,
                };
                self.bad_operands(op.as_str(), &[a, b], span, help);
                Any
            }
        }
    }

    fn membership(&mut self, op: &str, item: &Expr, list: &Expr, span: crate::source::Span) {
        match &list.ty {
            Type::List(inner) if comparable(&item.ty, inner) => {}
            Type::Any => {}
            _ => self.bad_operands(
                op,
                &[item, list],
                span,
                Some("membership looks for a value in a list of values of its type".into()),
            ),
        }
    }

    fn bad_operands(
        &mut self,
        op: &str,
        operands: &[&Expr],
        span: crate::source::Span,
        help: Option<String>,
    ) {
        if operands.iter().any(|e| e.ty == Type::Any) && operands.len() > 1 {
            // One side already has an error; reporting the operator too would be noise.
            return;
        }
        let words: Vec<String> = operands.iter().map(|e| self.type_words(&e.ty)).collect();
        let operands = match words.as_slice() {
            [one] => one.clone(),
            [a, b] if a == b => format!("two {a}s"),
            [a, b] => format!("{a} and {b}"),
            more => more.join(", "),
        };
        self.error(CheckError::BadOperands {
            op: op.to_string(),
            operands,
            span,
            help,
        });
    }

    /// Resolves a name: a variant of the expected enum, `Enum.variant`, a fact, or a rule.
    fn check_name(
        &mut self,
        name: &ast::Name,
        expected: Option<&Type>,
        refs: &mut Vec<RuleId>,
    ) -> (ExprKind, Type) {
        let text = name.text.as_str();
        if let Some(Type::Enum(id)) = expected {
            if let Some(v) = self.enums[id.0 as usize].variant(text) {
                return (ExprKind::Lit(Value::Enum(v)), Type::Enum(*id));
            }
        }
        if let Some((enum_name, variant)) = text.split_once('.') {
            if let Some(&id) = self.enum_names.get(enum_name) {
                let en = &self.enums[id.0 as usize];
                if let Some(v) = en.variant(variant) {
                    return (ExprKind::Lit(Value::Enum(v)), Type::Enum(id));
                }
                let help = did_you_mean(variant, en.variants.iter().map(|v| v.name.as_str()));
                self.error(CheckError::UnknownVariant {
                    name: variant.to_string(),
                    enum_name: en.name.clone(),
                    span: name.span,
                    help,
                });
                return (ExprKind::Lit(Value::Bool(false)), Type::Any);
            }
        }
        match self.symbols.get(text).copied() {
            Some((Symbol::Fact(f), _)) => (ExprKind::Fact(f), self.fact_type_of(f)),
            Some((Symbol::Rule(r), _)) => {
                refs.push(r);
                let ty = self.rule_type(r);
                (ExprKind::Rule(r), ty)
            }
            Some((Symbol::Exception(_) | Symbol::Impossible(_), _)) => {
                self.error(CheckError::UnknownName {
                    name: text.to_string(),
                    span: name.span,
                    help: Some("exceptions and consistency rules have no value of their own; use the rule they belong to".into()),
                });
                (ExprKind::Lit(Value::Bool(false)), Type::Any)
            }
            None if self.groups.contains_key(text) => {
                let prefix = format!("{text}.");
                let mut members: Vec<&str> = self
                    .facts
                    .iter()
                    .filter_map(|f| f.name.strip_prefix(&prefix))
                    .collect();
                members.truncate(6);
                self.error(CheckError::GroupAsValue {
                    name: text.to_string(),
                    span: name.span,
                    help: Some(format!(
                        "use one of its facts: {}",
                        members
                            .iter()
                            .map(|m| format!("`{text}.{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                });
                (ExprKind::Lit(Value::Bool(false)), Type::Any)
            }
            None => {
                self.unknown_name(name, expected);
                (ExprKind::Lit(Value::Bool(false)), Type::Any)
            }
        }
    }

    fn unknown_name(&mut self, name: &ast::Name, expected: Option<&Type>) {
        let text = name.text.as_str();
        if let Some(Type::Enum(id)) = expected {
            let en = &self.enums[id.0 as usize];
            let help =
                did_you_mean(text, en.variants.iter().map(|v| v.name.as_str())).or_else(|| {
                    Some(format!(
                        "the variants of `{}` are {}",
                        en.name,
                        en.variants
                            .iter()
                            .map(|v| format!("`{}`", v.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                });
            self.error(CheckError::UnknownVariant {
                name: text.to_string(),
                enum_name: en.name.clone(),
                span: name.span,
                help,
            });
            return;
        }
        let names: Vec<&str> = self
            .symbols
            .iter()
            .filter(|(_, (s, _))| matches!(s, Symbol::Fact(_) | Symbol::Rule(_)))
            .map(|(k, _)| k.as_str())
            .collect();
        let mut help = did_you_mean(text, names);
        if help.is_none() {
            let owner = self.enums.iter().find(|e| e.variant(text).is_some());
            if let Some(en) = owner {
                help = Some(format!(
                    "`{text}` is a variant of `{}`: compare it with a value of that type, or write `{}.{text}`",
                    en.name, en.name
                ));
            }
        }
        self.error(CheckError::UnknownName {
            name: text.to_string(),
            span: name.span,
            help,
        });
    }
}

/// Whether values of the two types can be compared for equality.
fn comparable(a: &Type, b: &Type) -> bool {
    a.fits(b) || (a.is_number() && b.is_number())
}
