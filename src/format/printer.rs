//! The syntax tree back to text, in the one canonical layout.
//!
//! Strings are printed exactly as written (escapes and line breaks included), so that
//! formatting never changes what a text says; everything else is laid out from the
//! tree: one blank line between declarations, clauses in a fixed order, two spaces of
//! indentation, lines kept within [`WIDTH`] by breaking `and`/`or` chains (operators
//! right-aligned so operands line up) and long lists.

use super::comments::{Attached, Comment};
use crate::syntax::ast::*;

/// The width lines are kept within, where the layout allows.
pub(crate) const WIDTH: usize = 90;

pub(crate) struct Printer<'s> {
    src: &'s str,
    pub(crate) comments: Attached,
    out: String,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// The column after `s` printed from column `col`.
fn end_col(s: &str, col: usize) -> usize {
    match s.rsplit_once('\n') {
        Some((_, last)) => width(last),
        None => col + width(s),
    }
}

/// `allow a, b` as written.
fn allow_line(codes: &[Name]) -> String {
    let names: Vec<&str> = codes.iter().map(|c| c.text.as_str()).collect();
    format!("allow {}", names.join(", "))
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

impl<'s> Printer<'s> {
    pub(crate) fn new(src: &'s str, comments: Attached) -> Printer<'s> {
        Printer {
            src,
            comments,
            out: String::new(),
        }
    }

    fn raw(&self, span: crate::source::Span) -> &'s str {
        self.src
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    fn line(&mut self, indent: usize, text: &str) {
        self.out.push_str(&pad(indent));
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn print_comments(&mut self, list: Vec<Comment>, indent: usize) {
        for c in list {
            self.line(indent, &c.text);
            if c.blank_after {
                self.out.push('\n');
            }
        }
    }

    fn comments_before(&mut self, anchor: u32, indent: usize) {
        let list = self.comments.take(anchor as usize);
        self.print_comments(list, indent);
    }

    pub(crate) fn file(mut self, file: &File) -> String {
        let mut first = true;
        if let Some(h) = &file.header {
            self.comments_before(h.span.start, 0);
            if h.title.is_empty() {
                self.line(0, &format!("policy {}", self.raw(h.name.span)));
            } else {
                let title = self.texts(&h.title, 7);
                self.line(0, &format!("policy {title}"));
            }
            if let Some(v) = &h.version {
                self.line(2, &format!("version {}", self.raw(v.span)));
            }
            if let Some(s) = &h.source {
                self.line(2, &format!("source  {}", self.raw(s.span)));
            }
            first = false;
        }
        for decl in &file.decls {
            if !first {
                self.out.push('\n');
            }
            first = false;
            self.decl(decl);
        }
        let rest = self.comments.rest();
        if !rest.is_empty() {
            if !first {
                self.out.push('\n');
            }
            self.print_comments(rest, 0);
        }
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }

    fn decl(&mut self, decl: &Decl) {
        match decl {
            Decl::Enum(e) => self.enum_decl(e),
            Decl::Fact(f) => {
                self.comments_before(f.span.start, 0);
                self.fact(f, 0, "fact ");
            }
            Decl::FactGroup(g) => self.group(g, 0),
            Decl::Const(c) => {
                self.comments_before(c.span.start, 0);
                let head = format!("const {}{} = ", c.name.text, self.ascribed(&c.ty));
                self.head_and_expr(&head, &c.value);
                self.allow(&c.allow, 2);
            }
            Decl::Define(d) => {
                self.comments_before(d.span.start, 0);
                let head = format!("define {}{} = ", d.name.text, self.ascribed(&d.ty));
                self.head_and_expr(&head, &d.value);
                self.effective(d.effective.as_ref());
                for u in &d.unless {
                    self.expr_clause(u.span.start, "unless", &u.when);
                }
                self.sources(&d.sources);
                self.allow(&d.allow, 2);
            }
            Decl::Outcome(o) => {
                self.comments_before(o.span.start, 0);
                self.line(0, &format!("outcome {}", o.name.text));
                self.effective(o.effective.as_ref());
                if let Some(w) = &o.when {
                    self.expr_clause(w.span.start, "when", w);
                }
                for u in &o.unless {
                    self.expr_clause(u.span.start, "unless", &u.when);
                }
                self.texts_clause("title", o.title.as_ref());
                self.texts_clause("explain", o.explain.as_ref());
                self.sources(&o.sources);
                self.allow(&o.allow, 2);
            }
            Decl::Exception(e) => {
                self.comments_before(e.span.start, 0);
                self.exception_head(e);
                self.effective(e.effective.as_ref());
                if let Some(w) = &e.when {
                    self.expr_clause(w.span.start, "when", w);
                }
                if let Some(g) = &e.gives {
                    self.expr_clause(g.span.start, "gives", g);
                }
                self.texts_clause("title", e.title.as_ref());
                self.texts_clause("explain", e.explain.as_ref());
                self.sources(&e.sources);
                self.allow(&e.allow, 2);
            }
            Decl::Impossible(i) => {
                self.comments_before(i.span.start, 0);
                self.line(0, &format!("impossible {}", i.name.text));
                if let Some(w) = &i.when {
                    self.expr_clause(w.span.start, "when", w);
                }
                self.texts_clause("message", i.message.as_ref());
                self.sources(&i.sources);
                self.allow(&i.allow, 2);
            }
            Decl::Test(t) => self.test(t),
        }
    }

    /// `exception name to a, b` on one line when it fits, else the targets below,
    /// wrapped.
    fn exception_head(&mut self, e: &crate::syntax::ast::ExceptionDecl) {
        let targets: Vec<&str> = std::iter::once(e.target.text.as_str())
            .chain(e.also.iter().map(|n| n.text.as_str()))
            .collect();
        let one_line = format!("exception {} to {}", e.name.text, targets.join(", "));
        if width(&one_line) <= WIDTH {
            self.line(0, &one_line);
            return;
        }
        self.line(0, &format!("exception {}", e.name.text));
        let mut line = String::from("to ");
        for (i, t) in targets.iter().enumerate() {
            let piece = if i + 1 < targets.len() {
                format!("{t},")
            } else {
                (*t).to_string()
            };
            let fresh = line == "to " || line.trim().is_empty();
            if !fresh && 2 + width(&line) + 1 + width(&piece) > WIDTH {
                self.line(2, &line);
                line = "   ".to_string();
            } else if !fresh {
                line.push(' ');
            }
            line.push_str(&piece);
        }
        self.line(2, &line);
    }

    /// `effective from … until …`, the dates as written.
    fn effective(&mut self, effective: Option<&crate::syntax::ast::Effective>) {
        let Some(e) = effective else { return };
        self.comments_before(e.span.start, 2);
        let mut clause = String::from("effective");
        if let Some(from) = &e.from {
            clause.push_str(&format!(" from {}", from.text));
        }
        if let Some(until) = &e.until {
            clause.push_str(&format!(" until {}", until.text));
        }
        self.line(2, &clause);
    }

    fn ascribed(&self, ty: &Option<TypeExpr>) -> String {
        ty.as_ref()
            .map(|t| format!(": {}", self.type_expr(t)))
            .unwrap_or_default()
    }

    /// `define name = expr` on one line when it fits, else the expression below:
    /// on one line indented, or broken.
    fn head_and_expr(&mut self, head: &str, e: &Expr) {
        let flat = self.flat(e);
        if width(head) + width(&flat) <= WIDTH {
            self.line(0, &format!("{head}{flat}"));
        } else if 2 + width(&flat) <= WIDTH {
            self.line(0, head.trim_end());
            self.line(2, &flat);
        } else {
            self.line(0, head.trim_end());
            let body = self.expr(e, 6);
            self.line(6, &body);
        }
    }

    fn expr_clause(&mut self, anchor: u32, keyword: &str, e: &Expr) {
        self.comments_before(anchor, 2);
        let col = 2 + keyword.len() + 1;
        let body = self.expr(e, col);
        self.line(2, &format!("{keyword} {body}"));
    }

    fn texts_clause(&mut self, keyword: &str, texts: Option<&Texts>) {
        let Some(texts) = texts else { return };
        if let Some(first) = texts.first() {
            self.comments_before(first.lang.span.start, 2);
        }
        let body = self.texts(texts, 10);
        self.line(2, &format!("{keyword:<7} {body}"));
    }

    fn sources(&mut self, sources: &[Str]) {
        for s in sources {
            self.comments_before(s.span.start, 2);
            self.line(2, &format!("source {}", self.raw(s.span)));
        }
    }

    /// Texts on one line when they fit, else one language per line, aligned at `col`.
    fn texts(&self, texts: &Texts, col: usize) -> String {
        let parts: Vec<String> = texts
            .iter()
            .map(|t| format!("{} {}", t.lang.text, self.raw(t.span)))
            .collect();
        let one = parts.join(" ");
        if !one.contains('\n') && col + width(&one) <= WIDTH {
            one
        } else {
            parts.join(&format!("\n{}", pad(col)))
        }
    }

    fn enum_decl(&mut self, e: &EnumDecl) {
        self.comments_before(e.span.start, 0);
        let commented = e
            .variants
            .iter()
            .any(|v| self.comments.has(v.name.span.start as usize));
        let plain = e.variants.iter().all(|v| v.labels.is_empty());
        if plain && !commented {
            let names: Vec<&str> = e.variants.iter().map(|v| v.name.text.as_str()).collect();
            let one = format!("enum {} {{ {} }}", e.name.text, names.join(", "));
            if width(&one) <= WIDTH {
                self.line(0, &one);
                return;
            }
        }
        self.line(0, &format!("enum {} {{", e.name.text));
        let name_width = e
            .variants
            .iter()
            .map(|v| width(&v.name.text))
            .max()
            .unwrap_or(0);
        for v in &e.variants {
            self.comments_before(v.name.span.start, 2);
            if v.labels.is_empty() {
                self.line(2, &v.name.text);
            } else {
                let col = 2 + name_width + 2;
                let labels = self.texts(&v.labels, col);
                self.line(2, &format!("{:<w$}  {labels}", v.name.text, w = name_width));
            }
        }
        self.line(0, "}");
    }

    fn group(&mut self, g: &FactGroup, indent: usize) {
        self.comments_before(g.span.start, indent);
        self.line(indent, &format!("facts {} {{", g.prefix.text));
        let spaced = g.members.iter().any(|m| match m {
            GroupMember::Fact(f) => !self.fact_fits(f, indent + 2, ""),
            GroupMember::Group(_) => true,
        });
        for (i, m) in g.members.iter().enumerate() {
            if i > 0 && spaced {
                self.out.push('\n');
            }
            match m {
                GroupMember::Fact(f) => {
                    self.comments_before(f.span.start, indent + 2);
                    self.fact(f, indent + 2, "");
                }
                GroupMember::Group(inner) => self.group(inner, indent + 2),
            }
        }
        self.line(indent, "}");
    }

    fn fact_head(&self, f: &FactDecl, prefix: &str) -> String {
        format!("{prefix}{}: {}", f.name.text, self.type_expr(&f.ty))
    }

    fn fact_fits(&self, f: &FactDecl, indent: usize, prefix: &str) -> bool {
        if !f.ask.is_empty() {
            return false;
        }
        let mut one = self.fact_head(f, prefix);
        if let Some(d) = &f.description {
            one = format!("{one} {}", self.raw(d.span));
        }
        if !f.allow.is_empty() {
            one = format!("{one} {}", allow_line(&f.allow));
        }
        !one.contains('\n') && indent + width(&one) <= WIDTH
    }

    fn fact(&mut self, f: &FactDecl, indent: usize, prefix: &str) {
        let head = self.fact_head(f, prefix);
        if self.fact_fits(f, indent, prefix) {
            let mut line = match &f.description {
                Some(d) => format!("{head} {}", self.raw(d.span)),
                None => head,
            };
            for code in &f.allow {
                self.comments_before(code.span.start, indent);
            }
            if !f.allow.is_empty() {
                line = format!("{line} {}", allow_line(&f.allow));
            }
            self.line(indent, &line);
            return;
        }
        self.line(indent, &head);
        if let Some(d) = &f.description {
            self.line(indent + 2, self.raw(d.span));
        }
        if !f.ask.is_empty() {
            let texts = self.texts(&f.ask, indent + 6);
            self.line(indent + 2, &format!("ask {texts}"));
        }
        self.allow(&f.allow, indent + 2);
    }

    /// `allow a, b`, the last clause, with the comments before each code.
    fn allow(&mut self, codes: &[Name], indent: usize) {
        if codes.is_empty() {
            return;
        }
        for code in codes {
            self.comments_before(code.span.start, indent);
        }
        self.line(indent, &allow_line(codes));
    }

    fn type_expr(&self, t: &TypeExpr) -> String {
        match t {
            TypeExpr::Bool(_) => "bool".into(),
            TypeExpr::Int {
                at_least, at_most, ..
            } => {
                let mut s = String::from("int");
                if let Some(n) = at_least {
                    s.push_str(&format!(" at least {n}"));
                }
                if let Some(n) = at_most {
                    s.push_str(&format!(" at most {n}"));
                }
                s
            }
            TypeExpr::Decimal(_) => "decimal".into(),
            TypeExpr::String { matching, .. } => match matching {
                Some(m) => format!("string matching {}", self.raw(m.span)),
                None => "string".into(),
            },
            TypeExpr::Date(_) => "date".into(),
            TypeExpr::Duration(_) => "duration".into(),
            TypeExpr::Enum(n) => n.text.clone(),
            TypeExpr::List(inner, _) => format!("list of {}", self.type_expr(inner)),
        }
    }

    fn test(&mut self, t: &TestDecl) {
        self.comments_before(t.span.start, 0);
        self.line(0, &format!("test {}", self.raw(t.name.span)));
        if let Some(d) = &t.as_of {
            self.comments_before(d.span.start, 2);
            self.line(2, &format!("as of {}", self.flat(d)));
        }
        if let (Some(span), Some(path)) = (t.given_span, &t.given_file) {
            self.comments_before(span.start, 2);
            self.line(2, &format!("given file {}", self.raw(path.span)));
        } else if let Some(span) = t.given_span {
            self.comments_before(span.start, 2);
            let entries: Vec<String> = t
                .given
                .iter()
                .map(|g| format!("{}: {}", g.fact.text, self.flat(&g.value)))
                .collect();
            let commented = t
                .given
                .iter()
                .any(|g| self.comments.has(g.fact.span.start as usize));
            let one = if entries.is_empty() {
                "given { }".to_string()
            } else {
                format!("given {{ {} }}", entries.join(", "))
            };
            if !commented && !one.contains('\n') && 2 + width(&one) <= WIDTH {
                self.line(2, &one);
            } else {
                self.line(2, "given {");
                for (g, entry) in t.given.iter().zip(&entries) {
                    self.comments_before(g.fact.span.start, 4);
                    self.line(4, entry);
                }
                self.line(2, "}");
            }
        }
        for e in &t.expects {
            self.comments_before(e.span.start, 2);
            let head = match e.status {
                Expected::Impossible => format!("expect impossible {}", e.target.text),
                status => format!("expect {} {}", e.target.text, status.as_str()),
            };
            let Some(missing) = &e.missing else {
                self.line(2, &head);
                continue;
            };
            let names: Vec<&str> = missing.iter().map(|n| n.text.as_str()).collect();
            let one = format!("{head}, missing {}", names.join(", "));
            if 2 + width(&one) <= WIDTH {
                self.line(2, &one);
                continue;
            }
            // `missing` on its own line, names wrapped under the first.
            self.line(2, &format!("{head},"));
            let mut s = String::from("missing ");
            let mut at = 4 + s.len();
            for (i, name) in names.iter().enumerate() {
                let piece = if i + 1 < names.len() {
                    format!("{name},")
                } else {
                    (*name).to_string()
                };
                if i > 0 {
                    if at + 1 + width(&piece) > WIDTH {
                        s.push('\n');
                        s.push_str(&pad(12));
                        at = 12;
                    } else {
                        s.push(' ');
                        at += 1;
                    }
                }
                at += width(&piece);
                s.push_str(&piece);
            }
            self.line(4, &s);
        }
    }

    /// An expression on one line.
    pub(crate) fn flat(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Int(t) | ExprKind::Decimal(t) | ExprKind::Date(t) => t.clone(),
            ExprKind::String(_) => self.raw(e.span).to_string(),
            ExprKind::Duration(n, unit) => {
                let one = n.trim_start_matches('0') == "1";
                let word = match (unit, one) {
                    (Unit::Days, true) => "day",
                    (Unit::Days, false) => "days",
                    (Unit::Months, true) => "month",
                    (Unit::Months, false) => "months",
                    (Unit::Years, true) => "year",
                    (Unit::Years, false) => "years",
                };
                format!("{n} {word}")
            }
            ExprKind::Today => "today".into(),
            ExprKind::Name(n) => n.text.clone(),
            ExprKind::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| self.flat(i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExprKind::Not(a) => format!("not {}", self.flat(a)),
            ExprKind::Neg(a) => format!("-{}", self.flat(a)),
            ExprKind::Binary(op, a, b) => {
                format!("{} {} {}", self.flat(a), op.as_str(), self.flat(b))
            }
            ExprKind::Test(t, a) => format!("{} {}", self.flat(a), test_words(*t)),
            ExprKind::If(c, a, b) => format!(
                "if {} then {} else {}",
                self.flat(c),
                self.flat(a),
                self.flat(b)
            ),
            ExprKind::DaysFrom(a, b) => {
                format!("days from {} to {}", self.flat(a), self.flat(b))
            }
            ExprKind::DaysSince(a) => format!("days since {}", self.flat(a)),
            ExprKind::Paren(a) => format!("({})", self.flat(a)),
        }
    }

    /// An expression starting at column `col`, broken over lines when it does not fit.
    pub(crate) fn expr(&self, e: &Expr, col: usize) -> String {
        self.expr_in(e, col, false)
    }

    /// As [`Self::expr`]; `in_paren` when `e` is the inside of parentheses, where a
    /// broken chain hangs its operators under the first operand instead of aligning
    /// its operands.
    fn expr_in(&self, e: &Expr, col: usize, in_paren: bool) -> String {
        let flat = self.flat(e);
        if col + width(&flat) <= WIDTH {
            return flat;
        }
        match &e.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => {
                let mut operands = Vec::new();
                chain(e, *op, &mut operands);
                let word = op.as_str();
                let op_pad = if in_paren {
                    col
                } else {
                    col.saturating_sub(word.len() + 1)
                };
                let operand_col = op_pad + word.len() + 1;
                let mut s = self.expr(operands[0], col);
                for o in &operands[1..] {
                    s.push('\n');
                    s.push_str(&pad(op_pad));
                    s.push_str(word);
                    s.push(' ');
                    s.push_str(&self.expr(o, operand_col));
                }
                s
            }
            ExprKind::Binary(op, a, b) => {
                let left = self.expr(a, col);
                let at = end_col(&left, col) + op.as_str().len() + 2;
                format!("{left} {} {}", op.as_str(), self.expr(b, at))
            }
            ExprKind::Paren(inner) => format!("({})", self.expr_in(inner, col + 1, true)),
            ExprKind::Not(inner) => format!("not {}", self.expr(inner, col + 4)),
            ExprKind::List(items) => {
                let mut s = String::from("[");
                let mut at = col + 1;
                for (i, item) in items.iter().enumerate() {
                    let mut piece = self.flat(item);
                    if i + 1 < items.len() {
                        piece.push(',');
                    }
                    if i > 0 {
                        if at + 1 + width(&piece) > WIDTH {
                            s.push('\n');
                            s.push_str(&pad(col + 1));
                            at = col + 1;
                        } else {
                            s.push(' ');
                            at += 1;
                        }
                    }
                    at = end_col(&piece, at);
                    s.push_str(&piece);
                }
                s.push(']');
                s
            }
            _ => flat,
        }
    }
}

/// The operands of a chain of one operator (`a and b and c`), left to right.
fn chain<'e>(e: &'e Expr, op: BinOp, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(o, a, b) if *o == op => {
            chain(a, op, out);
            out.push(b);
        }
        _ => out.push(e),
    }
}

fn test_words(t: Test) -> &'static str {
    match t {
        Test::Known => "is known",
        Test::Unknown => "is unknown",
        Test::Empty => "is empty",
        Test::NotEmpty => "is not empty",
    }
}
