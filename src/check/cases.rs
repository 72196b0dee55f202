//! Tests written in a policy (`test "…" as of … given { … } expect …`): given values
//! typed against their facts, expectations resolved to rules and exceptions.

use std::collections::HashMap;

use super::{did_you_mean, CheckError, Checker, Symbol};
use crate::checked::{
    CheckedPolicy, Constraint, ExceptionInfo, ExpectInfo, Expr, ExprKind, FactId, RuleInfo,
    RuleKind, Subject, TestInfo,
};
use crate::source::Span;
use crate::syntax::ast;
use crate::value::{parse_date, Type, Value};

impl<'a> Checker<'a> {
    /// Checks every test of the policy.
    pub(super) fn check_tests(
        &mut self,
        rules: &[RuleInfo],
        exceptions: &[ExceptionInfo],
    ) -> Vec<TestInfo> {
        let mut out = Vec::new();
        let mut names: HashMap<&'a str, Span> = HashMap::new();
        for file in self.files {
            for decl in &file.decls {
                let ast::Decl::Test(t) = decl else { continue };
                if let Some(first) = names.get(t.name.text.as_str()) {
                    self.duplicate("test", &t.name.text, t.name.span, *first);
                } else {
                    names.insert(&t.name.text, t.name.span);
                }
                if let Some(test) = self.check_test(t, rules, exceptions) {
                    out.push(test);
                }
            }
        }
        out
    }

    fn check_test(
        &mut self,
        t: &'a ast::TestDecl,
        rules: &[RuleInfo],
        exceptions: &[ExceptionInfo],
    ) -> Option<TestInfo> {
        let as_of = match &t.as_of {
            Some(ast::Expr {
                kind: ast::ExprKind::Date(text),
                span,
            }) => parse_date(text).or_else(|| {
                self.error(CheckError::BadLiteral {
                    text: text.clone(),
                    what: "date",
                    span: *span,
                    help: Some("a date is YYYY-MM-DD and a real calendar day".into()),
                });
                None
            }),
            _ => {
                self.error(CheckError::MissingClause {
                    clause: "as of",
                    owner: format!("test \"{}\"", t.name.text),
                    span: t.name.span,
                    help: Some(
                        "give the evaluation date, so the test means the same every day: `as of 2024-06-17`"
                            .into(),
                    ),
                });
                None
            }
        };
        let mut facts = Vec::new();
        let mut seen: HashMap<FactId, Span> = HashMap::new();
        for given in &t.given {
            let Some(f) = self.given_fact(&given.fact) else {
                continue;
            };
            if let Some(first) = seen.get(&f) {
                self.duplicate("given fact", &given.fact.text, given.fact.span, *first);
                continue;
            }
            seen.insert(f, given.fact.span);
            if let Some(value) = self.given_value(f, &given.value) {
                facts.push((f, value));
            }
        }
        let expects = t
            .expects
            .iter()
            .filter_map(|e| self.check_expect(e, rules, exceptions))
            .collect();
        Some(TestInfo {
            name: t.name.text.clone(),
            as_of: as_of?,
            facts,
            unread: None,
            expects,
            span: t.span,
        })
    }

    /// The fact a given entry names.
    fn given_fact(&mut self, name: &ast::Name) -> Option<FactId> {
        if let Some((Symbol::Fact(f), _)) = self.symbols.get(&name.text) {
            return Some(*f);
        }
        let help =
            did_you_mean(&name.text, self.facts.iter().map(|f| f.name.as_str())).or_else(|| {
                Some("a test gives values to facts only, by their full dotted name".into())
            });
        self.error(CheckError::UnknownName {
            name: name.text.clone(),
            span: name.span,
            help,
        });
        None
    }

    /// A given value: a literal of the fact's type, within its bounds.
    fn given_value(&mut self, f: FactId, value: &ast::Expr) -> Option<Value> {
        // The name and the constraint (a compiled pattern, maybe) are read again below
        // rather than cloned: checking the value needs `self`, and most values are fine.
        let ty = self.fact_type_of(f);
        // A bare word for a fact that takes no enum variant (`detained: yes`): say what the
        // fact takes rather than that `yes` is an unknown name.
        if matches!(value.kind, ast::ExprKind::Name(_)) && !matches!(ty, Type::Enum(_)) {
            self.given_wrong_type(f, &ty, value.span);
            return None;
        }
        let mut refs = Vec::new();
        let checked = self.check_expr(value, Some(&ty), &mut refs);
        if checked.ty == Type::Any && !matches!(checked.kind, ExprKind::List(_)) {
            return None; // already reported
        }
        let Some(v) = literal(&checked) else {
            self.error(CheckError::GivenNotLiteral {
                fact: self.facts[f.0 as usize].name.clone(),
                span: value.span,
            });
            return None;
        };
        // A decimal fact takes any number, as in a fact file.
        let v = match (&ty, v) {
            (Type::Decimal, Value::Int(n)) => Value::Decimal(n as f64),
            (_, v) => v,
        };
        if !(checked.ty.fits(&ty) || ty == Type::Decimal && checked.ty == Type::Int) {
            self.given_wrong_type(f, &ty, value.span);
            return None;
        }
        let info = &self.facts[f.0 as usize];
        if let Some(rule) = violated(&info.constraint, &v) {
            self.error(CheckError::GivenOutOfRange {
                fact: info.name.clone(),
                rule,
                span: value.span,
                help: Some("a test's facts must be facts a person could give".into()),
            });
            return None;
        }
        Some(v)
    }

    /// The consistency rule `expect impossible NAME` names.
    fn impossible_subject(&mut self, e: &ast::Expect) -> Option<Subject> {
        let name = e.target.text.as_str();
        if let Some((Symbol::Impossible(i), _)) = self.symbols.get(name) {
            return Some(Subject::Impossible(*i));
        }
        let candidates = self
            .symbols
            .iter()
            .filter(|(_, (s, _))| matches!(s, Symbol::Impossible(_)))
            .map(|(k, _)| k.as_str());
        let help = did_you_mean(name, candidates).or_else(|| {
            Some("`expect impossible` names a consistency rule, declared with `impossible`".into())
        });
        self.error(CheckError::BadExpect {
            name: name.to_string(),
            reason: "no consistency rule (`impossible`) has this name".into(),
            span: e.target.span,
            help,
        });
        None
    }

    /// Reports a given value that is not of its fact's type, saying what the fact takes.
    fn given_wrong_type(&mut self, f: FactId, ty: &Type, span: Span) {
        let info = &self.facts[f.0 as usize];
        let fact = info.name.clone();
        let short = fact.rsplit('.').next().unwrap_or(&fact).to_string();
        let takes = match ty {
            Type::Bool => "a bool: write true or false".to_string(),
            Type::Int => {
                // An example inside the fact's bounds: 3, or the bound nearest to it.
                let low = info.constraint.at_least.unwrap_or(i64::MIN);
                let high = info.constraint.at_most.unwrap_or(i64::MAX).max(low);
                format!("a whole number: write one such as {}", 3.clamp(low, high))
            }
            Type::Decimal => "a number: write one such as 2.5".to_string(),
            Type::String => "a text: write it in quotes, such as \"CU\"".to_string(),
            Type::Date => "a date: write one such as 2024-06-17".to_string(),
            Type::Duration => "a duration: write one such as 60 days".to_string(),
            Type::Enum(id) => {
                let en = &self.enums[id.0 as usize];
                let variants: Vec<_> = en.variants.iter().map(|v| v.name.as_str()).collect();
                format!("a `{}`: write one of {}", en.name, variants.join(", "))
            }
            Type::List(_) => format!(
                "a {}: write its items in brackets, such as [a, b]",
                self.type_words(ty)
            ),
            Type::Any => return, // already reported
        };
        self.error(CheckError::GivenWrongType {
            fact,
            expected: self.type_words(ty),
            span,
            help: format!("`{short}` is {takes}"),
        });
    }

    fn check_expect(
        &mut self,
        e: &ast::Expect,
        rules: &[RuleInfo],
        exceptions: &[ExceptionInfo],
    ) -> Option<ExpectInfo> {
        let name = e.target.text.as_str();
        if e.status == ast::Expected::Impossible {
            let subject = self.impossible_subject(e)?;
            return Some(ExpectInfo {
                subject,
                name: name.to_string(),
                status: e.status,
                missing: None,
                span: e.span,
            });
        }
        let subject = match self.symbols.get(name).copied() {
            Some((Symbol::Rule(r), _)) => {
                let rule = &rules[r.0 as usize];
                if rule.kind == RuleKind::Const || !rule.ty.fits(&Type::Bool) {
                    self.error(CheckError::BadExpect {
                        name: name.to_string(),
                        reason: format!(
                            "it is a {} of type {}",
                            if rule.kind == RuleKind::Const {
                                "constant"
                            } else {
                                "definition"
                            },
                            self.type_words(&rule.ty)
                        ),
                        span: e.target.span,
                        help: Some("expect outcomes, `bool` definitions and exceptions".into()),
                    });
                    return None;
                }
                Subject::Rule(r)
            }
            Some((Symbol::Exception(x), _)) if (x.0 as usize) < exceptions.len() => {
                Subject::Exception(x)
            }
            _ => {
                let candidates = self
                    .symbols
                    .iter()
                    .filter(|(_, (s, _))| matches!(s, Symbol::Rule(_) | Symbol::Exception(_)))
                    .map(|(k, _)| k.as_str());
                let help = did_you_mean(name, candidates)
                    .or_else(|| Some("expect outcomes, `bool` definitions and exceptions".into()));
                self.error(CheckError::BadExpect {
                    name: name.to_string(),
                    reason: "no outcome, definition or exception has this name".into(),
                    span: e.target.span,
                    help,
                });
                return None;
            }
        };
        let missing = match &e.missing {
            None => None,
            Some(names) => {
                let mut ids = Vec::new();
                for n in names {
                    ids.push(self.given_fact(n)?);
                }
                Some(ids)
            }
        };
        Some(ExpectInfo {
            subject,
            name: name.to_string(),
            status: e.status,
            missing,
            span: e.span,
        })
    }
}

/// The value of a literal expression: a literal, or a list of literals.
fn literal(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Lit(v) => Some(v.clone()),
        ExprKind::List(items) => items
            .iter()
            .map(literal)
            .collect::<Option<Vec<_>>>()
            .map(|v| Value::List(v.into())),
        _ => None,
    }
}

/// The bound or pattern a value breaks, in words.
fn violated(c: &Constraint, v: &Value) -> Option<String> {
    match v {
        Value::Int(n) => {
            if let Some(lo) = c.at_least.filter(|lo| n < lo) {
                return Some(format!("at least {lo}"));
            }
            c.at_most
                .filter(|hi| n > hi)
                .map(|hi| format!("at most {hi}"))
        }
        Value::String(s) => c
            .matching
            .as_ref()
            .filter(|(_, re)| !re.is_match(s))
            .map(|(p, _)| format!("text matching `{p}`")),
        Value::List(items) => items.iter().find_map(|i| violated(c, i)),
        _ => None,
    }
}

/// Reads the facts of every test written `given file "…"` from the file the loader put
/// in the policy's sources, as a fact file is read for `asylon eval`. Every problem is
/// reported in the fact file, at its JSON path, naming the test. A file that is not
/// there is no error of the policy, which evaluates cases without its tests' files (a
/// copy deployed to a service): the test records it, and fails when run.
pub(super) fn read_given_files(policy: &mut CheckedPolicy, files: &[ast::File]) -> Vec<CheckError> {
    let mut errors = Vec::new();
    let limits = crate::limits::Limits::default();
    for file in files {
        for decl in &file.decls {
            let ast::Decl::Test(t) = decl else { continue };
            let Some(written) = &t.given_file else {
                continue;
            };
            let test = t.name.text.clone();
            if std::path::Path::new(&written.text).is_absolute() {
                errors.push(CheckError::GivenFileAbsolute { span: written.span });
                continue;
            }
            let policy_file = &policy.sources.file(t.span.file).name;
            let path = crate::source::given_file_path(policy_file, &written.text);
            let found = policy
                .sources
                .iter()
                .find(|(_, f)| f.name == path)
                .map(|(id, f)| (id, f.text.clone()));
            let Some((id, text)) = found else {
                if let Some(info) = policy.tests.iter_mut().find(|i| i.name == test) {
                    info.unread = Some(path);
                }
                continue;
            };
            match crate::facts::Facts::from_json_str(policy, &text, &limits) {
                Ok(facts) => {
                    let given: Vec<(FactId, Value)> = (0..policy.facts.len())
                        .filter_map(|i| {
                            let id = FactId(i as u32);
                            facts.get(id).map(|v| (id, v.clone()))
                        })
                        .collect();
                    if let Some(info) = policy.tests.iter_mut().find(|i| i.name == test) {
                        info.facts = given;
                    }
                }
                Err(problems) => {
                    for problem in problems {
                        let problem = problem.located(&text);
                        let at = problem.span().map_or((0, 0), |s| (s.offset(), s.len()));
                        let help = miette::Diagnostic::help(&problem).map(|h| h.to_string());
                        errors.push(CheckError::GivenFileFacts {
                            message: problem.to_string(),
                            test: test.clone(),
                            span: Span::new(id, at.0, at.0 + at.1),
                            help,
                        });
                    }
                }
            }
        }
    }
    errors
}
