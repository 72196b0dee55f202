//! Messages: texts in several languages, with `{name}` interpolations resolved.
//!
//! What a message may show depends on when a person reads it ([`Place`]): a title or an
//! explanation comes with a decision, so it may show any fact or rule; a question is
//! asked before anything is decided, so it may show only other facts, and is asked once
//! they are known (see [`crate::interview`]); an enum label names a value and shows none.

use std::collections::BTreeSet;

use super::{did_you_mean, CheckError, Checker, Symbol};
use crate::checked::{
    EnumInfo, ExceptionInfo, FactId, FactInfo, ImpossibleInfo, Message, Part, Ref, RuleInfo,
    RuleKind, Shown,
};
use crate::source::Span;
use crate::syntax::ast;
use crate::value::Type;

/// Where a message is read, which decides what it may interpolate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Titles, explanations, consistency messages: read with a decision.
    Decision,
    /// The question of a fact: read before anything is decided.
    Question(FactId),
    /// An enum variant's label: the name of a value, read without any facts.
    Label,
    /// The policy's title (`policy en "…" es "…"`): a heading, read without any facts.
    PolicyTitle,
}

impl Checker<'_> {
    /// A message that may be absent (labels, questions): no texts, no message.
    pub(super) fn plain_message(
        &mut self,
        texts: &ast::Texts,
        owner: Span,
        place: Place,
    ) -> crate::checked::Message {
        if texts.is_empty() {
            Message {
                texts: Vec::new(),
                span: owner,
            }
        } else {
            self.message_in(texts, owner, place)
        }
    }

    /// Checks a message read with a decision (see [`Place::Decision`]).
    pub(super) fn message(&mut self, texts: &ast::Texts, owner: Span) -> Message {
        self.message_in(texts, owner, Place::Decision)
    }

    /// Checks a message: English present, no language twice, interpolations resolved.
    fn message_in(&mut self, texts: &ast::Texts, owner: Span, place: Place) -> Message {
        let span = texts
            .first()
            .map_or(owner, |t| t.lang.span.to(texts[texts.len() - 1].span));
        let mut out: Vec<(String, Vec<Part>)> = Vec::with_capacity(texts.len());
        for t in texts {
            if out.iter().any(|(l, _)| *l == t.lang.text) {
                self.error(CheckError::DuplicateLanguage {
                    lang: t.lang.text.clone(),
                    span: t.lang.span,
                });
                continue;
            }
            let parts = self.interpolate(t, place);
            out.push((t.lang.text.clone(), parts));
        }
        if !out.is_empty() && !out.iter().any(|(l, _)| l == "en") {
            self.error(CheckError::MissingEnglish { span });
        }
        // English first, so that it is the fallback and the default.
        out.sort_by_key(|(l, _)| l != "en");
        Message { texts: out, span }
    }

    fn interpolate(&mut self, text: &ast::Text, place: Place) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let s = text.text.as_str();
        let mut rest = s;
        while let Some(i) = next_brace(rest) {
            literal.push_str(&rest[..i]);
            let brace = rest.as_bytes()[i];
            let after = &rest[i + 1..];
            if after.as_bytes().first() == Some(&brace) {
                // `{{` and `}}` are a brace written `\{` or `\}`.
                literal.push(brace as char);
                rest = &after[1..];
                continue;
            }
            if brace == b'}' {
                literal.push('}');
                rest = after;
                continue;
            }
            let Some(close) = after.find('}') else {
                self.error(CheckError::UnclosedInterpolation { span: text.span });
                literal.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let inside = after[..close].trim();
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            match split_fallback(inside) {
                Some((name, fallback)) => {
                    if let Some(mut part) = self.interpolation(name, text, place) {
                        if let Part::Value(_, _, shown) = &mut part {
                            shown.fallback = fallback.map(str::to_string);
                        }
                        parts.push(part);
                    }
                }
                None => {
                    let name = inside.split_whitespace().next().unwrap_or(inside);
                    let span = self.interpolation_span(name, text);
                    self.error(CheckError::BadInterpolation {
                        written: inside.to_string(),
                        span,
                    });
                }
            }
            rest = &after[close + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        parts
    }

    fn interpolation(&mut self, name: &str, text: &ast::Text, place: Place) -> Option<Part> {
        let span = self.interpolation_span(name, text);
        let found = self.symbols.get(name).map(|(s, _)| *s);
        match (place, found) {
            (Place::Label, _) => {
                self.error(CheckError::CannotShow {
                    place: "a label",
                    name: name.to_string(),
                    span,
                    reason: "a label names a value, whatever the facts".into(),
                    help: Some("write the label as plain text; a brace is written `\\{`".into()),
                });
                None
            }
            (Place::PolicyTitle, _) => {
                self.error(CheckError::CannotShow {
                    place: "the policy's title",
                    name: name.to_string(),
                    span,
                    reason: "the policy's title is a heading, read before any facts".into(),
                    help: Some("write the title as plain text; a brace is written `\\{`".into()),
                });
                None
            }
            (Place::Question(me), Some(Symbol::Fact(f))) if f == me => {
                self.error(CheckError::QuestionCycle {
                    fact: name.to_string(),
                    shown: "its own answer".into(),
                    name: name.to_string(),
                    span,
                });
                None
            }
            (Place::Question(_), Some(Symbol::Fact(f))) => {
                self.shown.push((f, span));
                Some(Part::Value(
                    Ref::Fact(f),
                    self.fact_type_of(f),
                    Shown {
                        fallback: None,
                        span,
                    },
                ))
            }
            (Place::Question(_), Some(symbol)) => {
                let constant = matches!(symbol, Symbol::Rule(r)
                    if self.rule_decls.get(r.0 as usize).is_some_and(|d| d.kind == RuleKind::Const));
                let (reason, help) = if constant {
                    ("a constant", "write its value in the question itself")
                } else {
                    (
                        "decided only once the questions are answered",
                        "a question can show the facts answered before it: `{entry.date}`",
                    )
                };
                self.error(CheckError::CannotShow {
                    place: "a question",
                    name: name.to_string(),
                    span,
                    reason: reason.into(),
                    help: Some(help.into()),
                });
                None
            }
            (Place::Decision, Some(Symbol::Fact(f))) => Some(Part::Value(
                Ref::Fact(f),
                self.fact_type_of(f),
                Shown {
                    fallback: None,
                    span,
                },
            )),
            (Place::Decision, Some(Symbol::Rule(r))) => {
                let ty = self.rule_type(r);
                Some(Part::Value(
                    Ref::Rule(r),
                    ty,
                    Shown {
                        fallback: None,
                        span,
                    },
                ))
            }
            _ => {
                let question = matches!(place, Place::Question(_));
                let names: Vec<&str> = self
                    .symbols
                    .iter()
                    .filter(|(_, (s, _))| match s {
                        Symbol::Fact(_) => true,
                        Symbol::Rule(_) => !question,
                        _ => false,
                    })
                    .map(|(k, _)| k.as_str())
                    .collect();
                let help = did_you_mean(name, names).or_else(|| {
                    Some(if question {
                        "a question can show the facts answered before it: `{entry.date}`".into()
                    } else {
                        "a message can show a fact, a constant or a definition: `{entry.date}`"
                            .into()
                    })
                });
                self.error(CheckError::UnknownName {
                    name: name.to_string(),
                    span,
                    help,
                });
                None
            }
        }
    }

    /// The type of a declared fact. Questions and decision messages are checked once
    /// every fact is declared, so the fact is in the table; `Any` keeps a slip quiet.
    pub(super) fn fact_type_of(&self, f: FactId) -> Type {
        self.facts
            .get(f.0 as usize)
            .map_or(Type::Any, |info| info.ty.clone())
    }

    /// The `{name}` itself when it can be found in the source, else the whole text.
    fn interpolation_span(&self, name: &str, text: &ast::Text) -> Span {
        let raw = self.sources.slice(text.span);
        let needle = format!("{{{name}");
        raw.find(&needle).map_or(text.span, |at| {
            let start = text.span.start as usize + at;
            // To the closing brace, past a fallback (`{name or "text"}`).
            let len = raw[at..].find('}').map_or(needle.len(), |close| close + 1);
            Span::new(text.span.file, start, start + len)
        })
    }
}

/// `name` or `name or "text"` (what is between an interpolation's braces): the name and
/// the fallback text; `None` for anything else.
fn split_fallback(inside: &str) -> Option<(&str, Option<&str>)> {
    let Some((name, rest)) = inside.split_once(char::is_whitespace) else {
        return Some((inside, None));
    };
    let rest = rest.trim_start().strip_prefix("or")?;
    if !rest.starts_with(char::is_whitespace) && !rest.starts_with('"') {
        return None;
    }
    let text = rest.trim().strip_prefix('"')?.strip_suffix('"')?;
    (!text.contains('"')).then_some((name, Some(text)))
}

/// Where the first `{` or `}` of `s` is. Two searches for one byte each: `find` with a
/// set of characters decodes every character, and messages are long plain texts.
fn next_brace(s: &str) -> Option<usize> {
    let open = s.find('{');
    s[..open.unwrap_or(s.len())].find('}').or(open)
}

/// Every language the policy's messages use, English first, then by tag.
pub(super) fn languages(
    title: &Message,
    enums: &[EnumInfo],
    facts: &[FactInfo],
    rules: &[RuleInfo],
    exceptions: &[ExceptionInfo],
    impossibles: &[ImpossibleInfo],
) -> Vec<String> {
    let messages = enums
        .iter()
        .flat_map(|e| e.variants.iter().map(|v| &v.label))
        .chain(facts.iter().map(|f| &f.ask))
        .chain(rules.iter().flat_map(|r| [&r.title, &r.explain]))
        .chain(exceptions.iter().map(|e| &e.title))
        .chain(impossibles.iter().map(|i| &i.message))
        .chain([title]);
    let mut langs: BTreeSet<&str> = BTreeSet::new();
    for m in messages {
        langs.extend(m.texts.iter().map(|(l, _)| l.as_str()));
    }
    let mut out = vec!["en".to_string()];
    out.extend(langs.into_iter().filter(|l| *l != "en").map(String::from));
    out
}
