//! Messages: texts in several languages, with `{name}` interpolations resolved.

use std::collections::BTreeSet;

use super::{did_you_mean, CheckError, Checker, Symbol};
use crate::checked::{
    EnumInfo, ExceptionInfo, FactInfo, ImpossibleInfo, Message, Part, Ref, RuleInfo,
};
use crate::source::Span;
use crate::syntax::ast;

impl Checker<'_> {
    /// A message that may be absent (labels, questions): no texts, no message.
    pub(super) fn plain_message(
        &mut self,
        texts: &ast::Texts,
        owner: Span,
    ) -> crate::checked::Message {
        if texts.is_empty() {
            Message {
                texts: Vec::new(),
                span: owner,
            }
        } else {
            self.message(texts, owner)
        }
    }

    /// Checks a message: English present, no language twice, interpolations resolved.
    pub(super) fn message(&mut self, texts: &ast::Texts, owner: Span) -> Message {
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
            let parts = self.interpolate(t);
            out.push((t.lang.text.clone(), parts));
        }
        if !out.is_empty() && !out.iter().any(|(l, _)| l == "en") {
            self.error(CheckError::MissingEnglish { span });
        }
        // English first, so that it is the fallback and the default.
        out.sort_by_key(|(l, _)| l != "en");
        Message { texts: out, span }
    }

    fn interpolate(&mut self, text: &ast::Text) -> Vec<Part> {
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
            let name = after[..close].trim();
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            if let Some(part) = self.interpolation(name, text) {
                parts.push(part);
            }
            rest = &after[close + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        parts
    }

    fn interpolation(&mut self, name: &str, text: &ast::Text) -> Option<Part> {
        match self.symbols.get(name).copied() {
            Some((Symbol::Fact(f), _)) => Some(Part::Value(
                Ref::Fact(f),
                self.facts[f.0 as usize].ty.clone(),
            )),
            Some((Symbol::Rule(r), _)) => {
                let ty = self.rule_type(r);
                Some(Part::Value(Ref::Rule(r), ty))
            }
            _ => {
                let names: Vec<&str> = self
                    .symbols
                    .iter()
                    .filter(|(_, (s, _))| matches!(s, Symbol::Fact(_) | Symbol::Rule(_)))
                    .map(|(k, _)| k.as_str())
                    .collect();
                let help = did_you_mean(name, names).or_else(|| {
                    Some(
                        "a message can show a fact, a constant or a definition: `{entry.date}`"
                            .into(),
                    )
                });
                // Point at the `{name}` itself when it can be found in the source.
                let raw = self.sources.slice(text.span);
                let needle = format!("{{{name}");
                let span = raw.find(&needle).map_or(text.span, |at| {
                    let start = text.span.start as usize + at;
                    Span::new(text.span.file, start, start + needle.len() + 1)
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
}

/// Where the first `{` or `}` of `s` is. Two searches for one byte each: `find` with a
/// set of characters decodes every character, and messages are long plain texts.
fn next_brace(s: &str) -> Option<usize> {
    let open = s.find('{');
    s[..open.unwrap_or(s.len())].find('}').or(open)
}

/// Every language the policy's messages use, English first, then by tag.
pub(super) fn languages(
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
        .chain(impossibles.iter().map(|i| &i.message));
    let mut langs: BTreeSet<&str> = BTreeSet::new();
    for m in messages {
        langs.extend(m.texts.iter().map(|(l, _)| l.as_str()));
    }
    let mut out = vec!["en".to_string()];
    out.extend(langs.into_iter().filter(|l| *l != "en").map(String::from));
    out
}
