//! `allow CODE` on a declaration: each code checked against the lints asylon has, and
//! kept with the declaration's span, so that a lint found inside it stays silent.

use super::{CheckError, Checker};
use crate::checked::Allow;
use crate::lint::CODES;
use crate::source::Span;
use crate::syntax::ast::{self, Decl, GroupMember};

const PREFIX: &str = "asylon::lint::";

impl Checker<'_> {
    /// The `allow` clauses of every declaration, their codes resolved.
    pub(super) fn check_allows(&mut self) -> Vec<Allow> {
        let mut out = Vec::new();
        for file in self.files {
            for decl in &file.decls {
                match decl {
                    Decl::Fact(f) => self.allow_on(&f.allow, f.span, &mut out),
                    Decl::FactGroup(g) => self.group_allows(g, &mut out),
                    Decl::Const(c) => self.allow_on(&c.allow, c.span, &mut out),
                    Decl::Define(d) => self.allow_on(&d.allow, d.span, &mut out),
                    Decl::Outcome(o) => self.allow_on(&o.allow, o.span, &mut out),
                    Decl::Exception(e) => self.allow_on(&e.allow, e.span, &mut out),
                    Decl::Impossible(i) => self.allow_on(&i.allow, i.span, &mut out),
                    Decl::Enum(_) | Decl::Test(_) => {}
                }
            }
        }
        out
    }

    fn group_allows(&mut self, g: &ast::FactGroup, out: &mut Vec<Allow>) {
        for m in &g.members {
            match m {
                GroupMember::Fact(f) => self.allow_on(&f.allow, f.span, out),
                GroupMember::Group(inner) => self.group_allows(inner, out),
            }
        }
    }

    fn allow_on(&mut self, codes: &[ast::Name], declaration: Span, out: &mut Vec<Allow>) {
        for written in codes {
            let short = written.text.strip_prefix(PREFIX).unwrap_or(&written.text);
            match CODES.iter().find(|c| c.strip_prefix(PREFIX) == Some(short)) {
                Some(code) => out.push(Allow {
                    code,
                    declaration,
                    span: written.span,
                }),
                None => {
                    let shorts = CODES.iter().filter_map(|c| c.strip_prefix(PREFIX));
                    let help = super::did_you_mean(short, shorts).or_else(|| {
                        let all: Vec<_> = CODES
                            .iter()
                            .filter_map(|c| c.strip_prefix(PREFIX))
                            .collect();
                        Some(format!("the lints are {}", all.join(", ")))
                    });
                    self.error(CheckError::UnknownLint {
                        code: written.text.clone(),
                        span: written.span,
                        help,
                    });
                }
            }
        }
    }
}
