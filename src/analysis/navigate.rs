//! Hover, go to definition, find references and rename: the index answers which symbol
//! is under the cursor, the syntax tree what to say about it.

use super::index::{Symbol, SymbolKind};
use super::Analysis;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Decl, GroupMember};

/// What to show over a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The name hovered.
    pub span: Span,
    /// What it is, in Markdown.
    pub markdown: String,
}

impl Analysis {
    /// What to show over the name at `offset`: a fact's type, description and
    /// questions; an outcome's or exception's title, condition and sources; a
    /// constant's value; a variant's labels.
    pub fn hover(&self, file: FileId, offset: usize) -> Option<Hover> {
        let at = self.index().at(file, offset)?;
        let symbol = self.index().symbol(at.symbol);
        Some(Hover {
            span: at.span,
            markdown: self.describe(symbol),
        })
    }

    /// Where the name at `offset` is declared (each version of a rule).
    pub fn definition(&self, file: FileId, offset: usize) -> Vec<Span> {
        self.index()
            .at(file, offset)
            .map(|at| self.index().symbol(at.symbol).decls.clone())
            .unwrap_or_default()
    }

    /// Every place the name at `offset` is written, declarations first when asked.
    pub fn references(&self, file: FileId, offset: usize, with_declarations: bool) -> Vec<Span> {
        let Some(at) = self.index().at(file, offset) else {
            return Vec::new();
        };
        self.index()
            .occurrences_of(at.symbol)
            .filter(|o| with_declarations || !o.decl)
            .map(|o| o.span)
            .collect()
    }

    /// The name at `offset` that a rename would change (a fact's last segment), with
    /// its text, or why it cannot be renamed.
    pub fn prepare_rename(&self, file: FileId, offset: usize) -> Result<(Span, String), String> {
        let at = self
            .index()
            .at(file, offset)
            .ok_or("no name to rename here")?;
        let symbol = self.index().symbol(at.symbol);
        if !symbol.kind.renamable() {
            return Err(format!("a {} cannot be renamed here", symbol.kind.word()));
        }
        let span = self.leaf(symbol, at.span);
        Ok((span, self.slice(span).to_string()))
    }

    /// The edits that rename the symbol at `offset` to `new_name` everywhere in the
    /// policy: its declarations, its uses, the tests and the messages that show it.
    /// A fact keeps its group (`person.age` → `person.years` is `years`).
    pub fn rename(
        &self,
        file: FileId,
        offset: usize,
        new_name: &str,
    ) -> Result<Vec<(Span, String)>, String> {
        let at = self
            .index()
            .at(file, offset)
            .ok_or("no name to rename here")?;
        let id = at.symbol;
        let symbol = self.index().symbol(id);
        if !symbol.kind.renamable() {
            return Err(format!("a {} cannot be renamed", symbol.kind.word()));
        }
        let group = match symbol.kind {
            SymbolKind::Fact => symbol.name.rsplit_once('.').map(|(g, _)| g),
            _ => None,
        };
        let leaf = match (group, new_name.rsplit_once('.')) {
            (Some(g), Some((prefix, leaf))) if g == prefix => leaf,
            (_, Some(_)) => {
                return Err(format!(
                    "`{new_name}`: a rename keeps the name in its group; move a fact to another group by hand"
                ))
            }
            (_, None) => new_name,
        };
        // Names start lower-case, enums upper-case (as the grammar reads them).
        let case_fits = leaf
            .chars()
            .next()
            .is_some_and(|c| (symbol.kind == SymbolKind::Enum) == c.is_ascii_uppercase());
        if !is_identifier(leaf) || !case_fits {
            return Err(format!(
                "`{new_name}` is not a name: letters, digits and `_`, not starting with a digit"
            ));
        }
        if RESERVED.contains(&leaf) {
            return Err(format!("`{leaf}` is a keyword of the language"));
        }
        if let Some(clash) = self.clash(symbol, leaf) {
            return Err(format!("`{clash}` is already declared"));
        }
        Ok(self
            .index()
            .occurrences_of(id)
            .map(|o| (self.leaf(symbol, o.span), leaf.to_string()))
            .collect())
    }

    /// A name the renamed symbol would clash with.
    fn clash(&self, symbol: &Symbol, leaf: &str) -> Option<String> {
        let full = match (symbol.kind, symbol.name.rsplit_once('.')) {
            (SymbolKind::Fact | SymbolKind::Variant, Some((prefix, _))) => {
                format!("{prefix}.{leaf}")
            }
            _ => leaf.to_string(),
        };
        let taken = match symbol.kind {
            SymbolKind::Variant => self
                .index()
                .symbols
                .iter()
                .any(|s| s.kind == SymbolKind::Variant && s.name == full),
            SymbolKind::Enum => self.index().enum_named(&full).is_some(),
            _ => self.index().value(&full).is_some(),
        };
        (taken && full != symbol.name).then_some(full)
    }

    /// The part of a written name that names the symbol itself: the last segment of a
    /// fact's dotted name.
    fn leaf(&self, symbol: &Symbol, span: Span) -> Span {
        let written = self.slice(span);
        let leaf = symbol.leaf();
        if symbol.kind == SymbolKind::Fact && written.ends_with(leaf) && written.len() > leaf.len()
        {
            Span::new(span.file, span.end as usize - leaf.len(), span.end as usize)
        } else {
            span
        }
    }

    /// The hover text of a symbol, from its first declaration.
    pub(super) fn describe(&self, symbol: &Symbol) -> String {
        let decl = self.find_decl(symbol);
        let mut out = String::new();
        match decl {
            Some(Found::Fact(f)) => {
                code(
                    &mut out,
                    &format!("fact {}: {}", symbol.name, self.slice(f.ty.span())),
                );
                if let Some(d) = &f.description {
                    out.push_str(&format!("{}\n\n", d.text));
                }
                texts(&mut out, "Question", &f.ask);
            }
            Some(Found::Decl(Decl::Outcome(o))) => {
                code(&mut out, &format!("outcome {}", symbol.name));
                if let Some(t) = &o.title {
                    texts(&mut out, "Title", t);
                }
                self.condition(&mut out, o.when.as_ref(), &o.unless);
                if symbol.decls.len() > 1 {
                    out.push_str(&format!("{} versions\n\n", symbol.decls.len()));
                }
                quotes(&mut out, &o.sources);
            }
            Some(Found::Decl(Decl::Exception(x))) => {
                let mut targets = vec![x.target.text.as_str()];
                targets.extend(x.also.iter().map(|a| a.text.as_str()));
                code(
                    &mut out,
                    &format!("exception {} to {}", symbol.name, targets.join(", ")),
                );
                if let Some(t) = &x.title {
                    texts(&mut out, "Title", t);
                }
                self.condition(&mut out, x.when.as_ref(), &[]);
                if let Some(g) = &x.gives {
                    out.push_str(&format!("gives `{}`\n\n", self.slice(g.span)));
                }
                quotes(&mut out, &x.sources);
            }
            Some(Found::Decl(Decl::Const(c))) => {
                let ty =
                    c.ty.as_ref()
                        .map(|t| format!(": {}", self.slice(t.span())))
                        .unwrap_or_default();
                code(
                    &mut out,
                    &format!("const {}{ty} = {}", symbol.name, self.slice(c.value.span)),
                );
            }
            Some(Found::Decl(Decl::Define(d))) => {
                let ty =
                    d.ty.as_ref()
                        .map(|t| format!(": {}", self.slice(t.span())))
                        .unwrap_or_default();
                code(&mut out, &format!("define {}{ty}", symbol.name));
                self.condition(&mut out, Some(&d.value), &d.unless);
                quotes(&mut out, &d.sources);
            }
            Some(Found::Decl(Decl::Enum(e))) => {
                let variants: Vec<&str> = e.variants.iter().map(|v| v.name.text.as_str()).collect();
                code(
                    &mut out,
                    &format!("enum {} {{ {} }}", symbol.name, variants.join(", ")),
                );
            }
            Some(Found::Variant(v)) => {
                code(
                    &mut out,
                    &format!(
                        "{} (a variant of enum {})",
                        v.name.text,
                        symbol.enum_name.as_deref().unwrap_or("?")
                    ),
                );
                texts(&mut out, "Label", &v.labels);
            }
            Some(Found::Decl(Decl::Impossible(i))) => {
                code(&mut out, &format!("impossible {}", symbol.name));
                self.condition(&mut out, i.when.as_ref(), &[]);
                if let Some(m) = &i.message {
                    texts(&mut out, "Message", m);
                }
            }
            Some(Found::Group) => {
                code(&mut out, &format!("facts {}", symbol.name));
                let prefix = format!("{}.", symbol.name);
                let members = self
                    .index()
                    .symbols
                    .iter()
                    .filter(|s| s.kind == SymbolKind::Fact && s.name.starts_with(&prefix))
                    .count();
                out.push_str(&format!("{members} facts\n\n"));
            }
            _ => code(&mut out, &format!("{} {}", symbol.kind.word(), symbol.name)),
        }
        out.trim_end().to_string()
    }

    fn condition(&self, out: &mut String, when: Option<&ast::Expr>, unless: &[ast::Unless]) {
        if let Some(w) = when {
            out.push_str(&format!("```asylon\nwhen {}\n", dedent(self.slice(w.span))));
            for u in unless {
                out.push_str(&format!("unless {}\n", dedent(self.slice(u.when.span))));
            }
            out.push_str("```\n\n");
        }
    }

    /// The declaration a symbol's first declaration span belongs to.
    fn find_decl(&self, symbol: &Symbol) -> Option<Found<'_>> {
        let at = *symbol.decls.first()?;
        let tree = self.tree(at.file)?;
        for decl in &tree.decls {
            let found = match decl {
                Decl::Fact(f) if f.name.span.start == at.start => Some(Found::Fact(f)),
                Decl::FactGroup(g) => find_in_group(g, at),
                Decl::Enum(e) if e.name.span.start != at.start => e
                    .variants
                    .iter()
                    .find(|v| v.name.span.start == at.start)
                    .map(Found::Variant),
                Decl::Enum(e) => Some(Found::Decl(decl)).filter(|_| e.name.span.start == at.start),
                Decl::Const(c) if c.name.span.start == at.start => Some(Found::Decl(decl)),
                Decl::Define(d) if d.name.span.start == at.start => Some(Found::Decl(decl)),
                Decl::Outcome(o) if o.name.span.start == at.start => Some(Found::Decl(decl)),
                Decl::Exception(x) if x.name.span.start == at.start => Some(Found::Decl(decl)),
                Decl::Impossible(i) if i.name.span.start == at.start => Some(Found::Decl(decl)),
                Decl::Test(t) if t.name.span.start == at.start => Some(Found::Decl(decl)),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

/// A declaration found by its name's place.
enum Found<'a> {
    Decl(&'a Decl),
    Fact(&'a ast::FactDecl),
    Group,
    Variant(&'a ast::Variant),
}

fn find_in_group(g: &ast::FactGroup, at: Span) -> Option<Found<'_>> {
    if g.prefix.span.start == at.start {
        return Some(Found::Group);
    }
    g.members.iter().find_map(|m| match m {
        GroupMember::Fact(f) => (f.name.span.start == at.start).then_some(Found::Fact(f)),
        GroupMember::Group(inner) => find_in_group(inner, at),
    })
}

fn code(out: &mut String, text: &str) {
    out.push_str(&format!("```asylon\n{text}\n```\n\n"));
}

fn texts(out: &mut String, what: &str, texts: &ast::Texts) {
    for t in texts {
        out.push_str(&format!(
            "**{what}** ({}): {}\n\n",
            t.lang.text,
            squeeze(&t.text)
        ));
    }
}

fn quotes(out: &mut String, sources: &[ast::Str]) {
    for s in sources {
        out.push_str(&format!("> {}\n\n", squeeze(&s.text)));
    }
}

/// A text written over several indented lines, on one.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A condition written over several lines, its continuation lines' common indent
/// removed.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or("").to_string();
    for l in lines {
        out.push('\n');
        out.push_str("  ");
        out.push_str(l.get(indent..).unwrap_or(l.trim_start()));
    }
    out
}

/// The words a name cannot be (the grammar's `keyword_word`).
const RESERVED: &[&str] = &[
    "and", "at", "contains", "day", "days", "else", "empty", "false", "from", "gives", "if", "in",
    "is", "known", "least", "list", "matching", "month", "months", "most", "not", "of", "or",
    "since", "then", "to", "today", "true", "unknown", "unless", "when", "year", "years",
];

/// Whether a name can be written bare in a policy.
pub(super) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
