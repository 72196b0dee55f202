//! Rules that change over time: `effective from … until …` periods, and a rule declared
//! several times, once per period, as its versions.
//!
//! Versions are folded into one body that picks the version in force on the evaluation
//! date (`today`), so every later stage evaluates a versioned rule like any other.

use super::{CheckError, Checker};
use crate::checked::{CmpOp, Expr, ExprKind, Period};
use crate::source::Span;
use crate::syntax::ast;
use crate::value::{parse_date, Type, Value};

impl Checker<'_> {
    /// Reads a written period, reporting dates that are not dates and empty periods.
    pub(super) fn period(&mut self, effective: &ast::Effective) -> Period {
        let mut date = |s: &Option<ast::Str>| {
            s.as_ref().and_then(|s| {
                let d = parse_date(&s.text);
                if d.is_none() {
                    self.error(CheckError::BadLiteral {
                        text: s.text.clone(),
                        what: "date",
                        span: s.span,
                        help: Some("a date is YYYY-MM-DD and a real calendar day".into()),
                    });
                }
                d
            })
        };
        let period = Period {
            from: date(&effective.from),
            until: date(&effective.until),
        };
        if let (Some(f), Some(u)) = (period.from, period.until) {
            if f > u {
                self.error(CheckError::EmptyPeriod {
                    span: effective.span,
                });
            }
        }
        if effective.from.is_none() && effective.until.is_none() {
            self.error(CheckError::EmptyPeriod {
                span: effective.span,
            });
        }
        period
    }

    /// Checks the periods of a rule's versions: no two share a day, and a rule that is not
    /// a `bool` is in force every day (it has no value to fall back on).
    pub(super) fn check_versions(&mut self, name: &str, ty: &Type, versions: &[(Period, Span)]) {
        for (i, (a, span_a)) in versions.iter().enumerate() {
            for (b, span_b) in &versions[i + 1..] {
                if a.overlaps(b) {
                    self.error(CheckError::OverlappingVersions {
                        name: name.to_string(),
                        span: *span_b,
                        other: (span_a.file == span_b.file).then_some(*span_a),
                    });
                }
            }
        }
        if *ty == Type::Bool || *ty == Type::Any {
            return;
        }
        let mut sorted: Vec<&Period> = versions.iter().map(|(p, _)| p).collect();
        sorted.sort_by_key(|p| p.from);
        let contiguous = sorted.windows(2).all(|w| match (w[0].until, w[1].from) {
            (Some(u), Some(f)) => {
                crate::value::add_duration(u, crate::value::Duration::days(1)) == Some(f)
            }
            _ => false,
        });
        let open_ends = sorted.first().is_some_and(|p| p.from.is_none())
            && sorted.last().is_some_and(|p| p.until.is_none());
        if !(contiguous && open_ends) {
            self.error(CheckError::VersionsLeaveGaps {
                name: name.to_string(),
                span: versions[0].1,
            });
        }
    }
}

/// The period as written, without reporting errors (they are reported once, where the
/// rule's versions are checked).
pub(super) fn quiet_period(effective: &ast::Effective) -> Period {
    let date = |s: &Option<ast::Str>| s.as_ref().and_then(|s| parse_date(&s.text));
    Period {
        from: date(&effective.from),
        until: date(&effective.until),
    }
}

/// `today` is in the period: `today >= from and today <= until`.
pub(super) fn in_force(period: &Period, span: Span) -> Expr {
    let bound = |op, date| Expr {
        kind: ExprKind::Cmp(
            op,
            Box::new(Expr {
                kind: ExprKind::Today,
                ty: Type::Date,
                span,
            }),
            Box::new(Expr {
                kind: ExprKind::Lit(Value::Date(date)),
                ty: Type::Date,
                span,
            }),
        ),
        ty: Type::Bool,
        span,
    };
    match (period.from, period.until) {
        (Some(f), Some(u)) => and(bound(CmpOp::Ge, f), bound(CmpOp::Le, u), span),
        (Some(f), None) => bound(CmpOp::Ge, f),
        (None, Some(u)) => bound(CmpOp::Le, u),
        (None, None) => Expr {
            kind: ExprKind::Lit(Value::Bool(true)),
            ty: Type::Bool,
            span,
        },
    }
}

/// `a and b`.
pub(super) fn and(a: Expr, b: Expr, span: Span) -> Expr {
    Expr {
        kind: ExprKind::And(Box::new(a), Box::new(b)),
        ty: Type::Bool,
        span,
    }
}

/// One body for all versions: for a `bool` rule, `(in force 1 and body 1) or …` (false
/// when no version is in force); otherwise `if in force 1 then body 1 else …`, the last
/// version taking every other day (the periods were checked to cover them all).
pub(super) fn fold_versions(ty: &Type, mut versions: Vec<(Period, Span, Expr)>) -> Option<Expr> {
    if *ty == Type::Bool || *ty == Type::Any {
        let mut parts = versions.into_iter().map(|(p, span, body)| {
            let whole = span.to(body.span);
            and(in_force(&p, span), body, whole)
        });
        let first = parts.next()?;
        Some(parts.fold(first, |acc, next| {
            let span = acc.span.to(next.span);
            Expr {
                kind: ExprKind::Or(Box::new(acc), Box::new(next)),
                ty: Type::Bool,
                span,
            }
        }))
    } else {
        versions.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.from));
        let mut iter = versions.into_iter();
        let (_, _, last) = iter.next()?;
        Some(iter.fold(last, |otherwise, (p, span, body)| {
            let whole = span.to(body.span);
            Expr {
                kind: ExprKind::If(
                    Box::new(in_force(&p, span)),
                    Box::new(body),
                    Box::new(otherwise),
                ),
                ty: ty.clone(),
                span: whole,
            }
        }))
    }
}
