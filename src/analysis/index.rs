//! Every name of a policy, where it is declared and where it is used, read from the
//! syntax trees (whose names all carry spans): what hover, go to definition, find
//! references, rename, symbols and semantic tokens stand on.
//!
//! Enum variants are bare names (`entry.method is between_ports`, where `none` is a
//! variant of four enums): a variant is resolved against the enum of the fact or
//! definition on the other side of `is`/`in`/`contains`, or of the fact a test gives it
//! to, and only then by its name alone.

use std::collections::HashMap;

use crate::source::{FileId, Sources, Span};
use crate::syntax::ast::{self, BinOp, Decl, ExprKind, GroupMember, TypeExpr};

/// What kind of thing a symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A fact (its name is the full dotted name).
    Fact,
    /// A group of facts (`facts person { … }`).
    Group,
    /// An enum.
    Enum,
    /// A variant of an enum.
    Variant,
    /// `const`
    Const,
    /// `define`
    Define,
    /// `outcome`
    Outcome,
    /// `exception`
    Exception,
    /// `impossible`
    Impossible,
    /// `test "…"`
    Test,
}

impl SymbolKind {
    /// The keyword or word that names the kind.
    pub fn word(self) -> &'static str {
        match self {
            SymbolKind::Fact => "fact",
            SymbolKind::Group => "facts",
            SymbolKind::Enum => "enum",
            SymbolKind::Variant => "variant",
            SymbolKind::Const => "const",
            SymbolKind::Define => "define",
            SymbolKind::Outcome => "outcome",
            SymbolKind::Exception => "exception",
            SymbolKind::Impossible => "impossible",
            SymbolKind::Test => "test",
        }
    }

    /// Whether the symbol can be renamed.
    pub fn renamable(self) -> bool {
        !matches!(
            self,
            SymbolKind::Group | SymbolKind::Impossible | SymbolKind::Test
        )
    }
}

/// Index of a [`Symbol`] in an [`Index`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymbolId(pub u32);

/// A declared name.
#[derive(Debug, Clone)]
pub struct Symbol {
    /// The name: full and dotted for facts, `Enum.variant` for variants.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// Where its name is declared (a rule with versions is declared once per version).
    pub decls: Vec<Span>,
    /// The whole first declaration.
    pub span: Span,
    /// The enum of a variant; the enum a fact or definition holds (or a list of).
    pub enum_name: Option<String>,
}

impl Symbol {
    /// The name as written at its declaration: a fact's last segment, a variant's own
    /// name.
    pub fn leaf(&self) -> &str {
        match self.kind {
            SymbolKind::Fact | SymbolKind::Variant => {
                self.name.rsplit('.').next().unwrap_or(&self.name)
            }
            _ => &self.name,
        }
    }
}

/// One place a symbol's name is written.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence {
    /// The symbol.
    pub symbol: SymbolId,
    /// The name as written (a fact's full dotted name where it is used).
    pub span: Span,
    /// Whether this is a declaration.
    pub decl: bool,
}

/// Every symbol of a policy and every place its name is written.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// The symbols, in declaration order.
    pub symbols: Vec<Symbol>,
    /// Declarations and uses, in the order met.
    pub occurrences: Vec<Occurrence>,
    by_name: HashMap<(Family, String), SymbolId>,
}

/// Names share a namespace within a family: facts, rules and exceptions are one (the
/// checker's single namespace), enums another, variants another (`Enum.variant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
    Value,
    Enum,
    Variant,
    Group,
    Test,
}

fn family(kind: SymbolKind) -> Family {
    match kind {
        SymbolKind::Enum => Family::Enum,
        SymbolKind::Variant => Family::Variant,
        SymbolKind::Group => Family::Group,
        SymbolKind::Test => Family::Test,
        _ => Family::Value,
    }
}

impl Index {
    /// The index of the parsed files of a policy.
    pub fn build(sources: &Sources, files: &[&ast::File]) -> Index {
        let mut index = Index::default();
        for file in files {
            index.declare_file(file);
        }
        let mut walker = Walker {
            index: &mut index,
            sources,
        };
        for file in files {
            walker.file(file);
        }
        index
    }

    /// A symbol.
    pub fn symbol(&self, id: SymbolId) -> &Symbol {
        &self.symbols[id.0 as usize]
    }

    /// A fact, constant, definition, outcome or exception by name.
    pub fn value(&self, name: &str) -> Option<SymbolId> {
        self.by_name
            .get(&(Family::Value, name.to_string()))
            .copied()
    }

    /// An enum by name.
    pub fn enum_named(&self, name: &str) -> Option<SymbolId> {
        self.by_name.get(&(Family::Enum, name.to_string())).copied()
    }

    /// The variants of an enum, in order.
    pub fn variants_of<'a>(&'a self, enum_name: &'a str) -> impl Iterator<Item = &'a Symbol> {
        self.symbols.iter().filter(move |s| {
            s.kind == SymbolKind::Variant && s.enum_name.as_deref() == Some(enum_name)
        })
    }

    /// The occurrence whose name spans `offset` in `file` (its end included, so that a
    /// cursor just after a name finds it).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let offset = offset as u32;
        self.occurrences
            .iter()
            .filter(|o| o.span.file == file && o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| o.span.end - o.span.start)
    }

    /// Every occurrence of a symbol, declarations first.
    pub fn occurrences_of(&self, id: SymbolId) -> impl Iterator<Item = &Occurrence> {
        let decls = self
            .occurrences
            .iter()
            .filter(move |o| o.symbol == id && o.decl);
        let uses = self
            .occurrences
            .iter()
            .filter(move |o| o.symbol == id && !o.decl);
        decls.chain(uses)
    }

    fn declare(
        &mut self,
        kind: SymbolKind,
        name: String,
        at: Span,
        span: Span,
        enum_name: Option<String>,
    ) -> SymbolId {
        let key = (family(kind), name.clone());
        if let Some(&id) = self.by_name.get(&key) {
            // A rule with versions, a group opened twice, or a duplicate (which the
            // checker reports): one symbol, several declarations.
            self.symbols[id.0 as usize].decls.push(at);
            self.occurrences.push(Occurrence {
                symbol: id,
                span: at,
                decl: true,
            });
            return id;
        }
        let id = SymbolId(self.symbols.len() as u32);
        self.symbols.push(Symbol {
            name,
            kind,
            decls: vec![at],
            span,
            enum_name,
        });
        self.by_name.insert(key, id);
        self.occurrences.push(Occurrence {
            symbol: id,
            span: at,
            decl: true,
        });
        id
    }

    fn declare_file(&mut self, file: &ast::File) {
        for decl in &file.decls {
            match decl {
                Decl::Enum(e) => {
                    self.declare(
                        SymbolKind::Enum,
                        e.name.text.clone(),
                        e.name.span,
                        e.span,
                        None,
                    );
                    for v in &e.variants {
                        let span = v
                            .labels
                            .last()
                            .map_or(v.name.span, |l| v.name.span.to(l.span));
                        self.declare(
                            SymbolKind::Variant,
                            format!("{}.{}", e.name.text, v.name.text),
                            v.name.span,
                            span,
                            Some(e.name.text.clone()),
                        );
                    }
                }
                Decl::Fact(f) => self.declare_fact("", f),
                Decl::FactGroup(g) => self.declare_group("", g),
                Decl::Const(c) => {
                    let enum_name = c.ty.as_ref().and_then(enum_of);
                    self.declare(
                        SymbolKind::Const,
                        c.name.text.clone(),
                        c.name.span,
                        c.span,
                        enum_name,
                    );
                }
                Decl::Define(d) => {
                    let enum_name = d.ty.as_ref().and_then(enum_of);
                    self.declare(
                        SymbolKind::Define,
                        d.name.text.clone(),
                        d.name.span,
                        d.span,
                        enum_name,
                    );
                }
                Decl::Outcome(o) => {
                    self.declare(
                        SymbolKind::Outcome,
                        o.name.text.clone(),
                        o.name.span,
                        o.span,
                        None,
                    );
                }
                Decl::Exception(x) => {
                    self.declare(
                        SymbolKind::Exception,
                        x.name.text.clone(),
                        x.name.span,
                        x.span,
                        None,
                    );
                }
                Decl::Impossible(i) => {
                    self.declare(
                        SymbolKind::Impossible,
                        i.name.text.clone(),
                        i.name.span,
                        i.span,
                        None,
                    );
                }
                Decl::Test(t) => {
                    self.declare(
                        SymbolKind::Test,
                        t.name.text.clone(),
                        t.name.span,
                        t.span,
                        None,
                    );
                }
            }
        }
    }

    fn declare_fact(&mut self, prefix: &str, f: &ast::FactDecl) {
        let name = format!("{prefix}{}", f.name.text);
        self.declare(SymbolKind::Fact, name, f.name.span, f.span, enum_of(&f.ty));
    }

    fn declare_group(&mut self, prefix: &str, g: &ast::FactGroup) {
        let name = format!("{prefix}{}", g.prefix.text);
        self.declare(SymbolKind::Group, name.clone(), g.prefix.span, g.span, None);
        let prefix = format!("{name}.");
        for m in &g.members {
            match m {
                GroupMember::Fact(f) => self.declare_fact(&prefix, f),
                GroupMember::Group(inner) => self.declare_group(&prefix, inner),
            }
        }
    }

    fn refer(&mut self, symbol: SymbolId, span: Span) {
        self.occurrences.push(Occurrence {
            symbol,
            span,
            decl: false,
        });
    }
}

/// The enum a type holds, itself or in a list.
fn enum_of(ty: &TypeExpr) -> Option<String> {
    match ty {
        TypeExpr::Enum(n) => Some(n.text.clone()),
        TypeExpr::List(inner, _) => enum_of(inner),
        _ => None,
    }
}

/// Walks every expression, type, target and message of the trees, recording uses.
struct Walker<'a> {
    index: &'a mut Index,
    sources: &'a Sources,
}

impl Walker<'_> {
    fn file(&mut self, file: &ast::File) {
        for decl in &file.decls {
            match decl {
                Decl::Enum(e) => {
                    for v in &e.variants {
                        self.texts(&v.labels);
                    }
                }
                Decl::Fact(f) => self.fact(f),
                Decl::FactGroup(g) => self.group(g),
                Decl::Const(c) => {
                    self.ty(c.ty.as_ref());
                    let want = c.ty.as_ref().and_then(enum_of);
                    self.expr(&c.value, want.as_deref());
                }
                Decl::Define(d) => {
                    self.ty(d.ty.as_ref());
                    let want = d.ty.as_ref().and_then(enum_of);
                    self.expr(&d.value, want.as_deref());
                    for u in &d.unless {
                        self.expr(&u.when, None);
                    }
                }
                Decl::Outcome(o) => {
                    if let Some(w) = &o.when {
                        self.expr(w, None);
                    }
                    for u in &o.unless {
                        self.expr(&u.when, None);
                    }
                    self.messages([&o.title, &o.explain]);
                }
                Decl::Exception(x) => {
                    self.name(&x.target);
                    for a in &x.also {
                        self.name(a);
                    }
                    if let Some(w) = &x.when {
                        self.expr(w, None);
                    }
                    if let Some(g) = &x.gives {
                        let want = self
                            .index
                            .value(&x.target.text)
                            .and_then(|s| self.index.symbol(s).enum_name.clone());
                        self.expr(g, want.as_deref());
                    }
                    self.messages([&x.title, &x.explain]);
                }
                Decl::Impossible(i) => {
                    if let Some(w) = &i.when {
                        self.expr(w, None);
                    }
                    self.messages([&i.message]);
                }
                Decl::Test(t) => {
                    if let Some(a) = &t.as_of {
                        self.expr(a, None);
                    }
                    for g in &t.given {
                        self.name(&g.fact);
                        let want = self
                            .index
                            .value(&g.fact.text)
                            .and_then(|s| self.index.symbol(s).enum_name.clone());
                        self.expr(&g.value, want.as_deref());
                    }
                    for e in &t.expects {
                        self.name(&e.target);
                        for m in e.missing.iter().flatten() {
                            self.name(m);
                        }
                    }
                }
            }
        }
    }

    fn fact(&mut self, f: &ast::FactDecl) {
        self.ty(Some(&f.ty));
        self.texts(&f.ask);
    }

    fn group(&mut self, g: &ast::FactGroup) {
        for m in &g.members {
            match m {
                GroupMember::Fact(f) => self.fact(f),
                GroupMember::Group(inner) => self.group(inner),
            }
        }
    }

    fn ty(&mut self, ty: Option<&TypeExpr>) {
        match ty {
            Some(TypeExpr::Enum(n)) => {
                if let Some(id) = self.index.enum_named(&n.text) {
                    self.index.refer(id, n.span);
                }
            }
            Some(TypeExpr::List(inner, _)) => self.ty(Some(inner)),
            _ => {}
        }
    }

    fn messages<const N: usize>(&mut self, messages: [&Option<ast::Texts>; N]) {
        for texts in messages.into_iter().flatten() {
            self.texts(texts);
        }
    }

    /// `{name}` inside strings: the string's text as written (escapes included) gives
    /// each name's place.
    fn texts(&mut self, texts: &ast::Texts) {
        for t in texts {
            let raw = self.sources.slice(t.span);
            let bytes = raw.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'{' => {
                        let start = i + 1;
                        let mut end = start;
                        while end < bytes.len()
                            && (bytes[end].is_ascii_alphanumeric()
                                || matches!(bytes[end], b'_' | b'.'))
                        {
                            end += 1;
                        }
                        let name = &raw[start..end];
                        if let Some(id) = self.index.value(name) {
                            let at = t.span.start as usize;
                            self.index
                                .refer(id, Span::new(t.span.file, at + start, at + end));
                        }
                        i = end;
                    }
                    _ => i += 1,
                }
            }
        }
    }

    /// A name that must be a fact, rule or exception.
    fn name(&mut self, n: &ast::Name) {
        if let Some(id) = self.index.value(&n.text) {
            self.index.refer(id, n.span);
        }
    }

    /// The enum a value expression holds, when it is a name of known enum type.
    fn enum_of_expr(&self, e: &ast::Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Name(n) => self
                .index
                .value(&n.text)
                .and_then(|s| self.index.symbol(s).enum_name.clone()),
            ExprKind::Paren(inner) => self.enum_of_expr(inner),
            _ => None,
        }
    }

    /// Records the names of an expression; `want` is the enum a bare variant here
    /// belongs to, when the context says.
    fn expr(&mut self, e: &ast::Expr, want: Option<&str>) {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(id) = self.index.value(&n.text) {
                    self.index.refer(id, n.span);
                } else if let Some(id) = self.variant(&n.text, want) {
                    self.index.refer(id, n.span);
                }
            }
            ExprKind::List(items) => {
                for item in items {
                    self.expr(item, want);
                }
            }
            ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Test(_, a) | ExprKind::DaysSince(a) => {
                self.expr(a, None)
            }
            ExprKind::Paren(a) => self.expr(a, want),
            ExprKind::Binary(op, a, b) => {
                let compares = matches!(
                    op,
                    BinOp::Is | BinOp::IsNot | BinOp::In | BinOp::NotIn | BinOp::Contains
                );
                let (left, right) = if compares {
                    (self.enum_of_expr(b), self.enum_of_expr(a))
                } else {
                    (None, None)
                };
                self.expr(a, left.as_deref());
                self.expr(b, right.as_deref());
            }
            ExprKind::If(c, a, b) => {
                self.expr(c, None);
                self.expr(a, want);
                self.expr(b, want);
            }
            ExprKind::DaysFrom(a, b) => {
                self.expr(a, None);
                self.expr(b, None);
            }
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Decimal(_)
            | ExprKind::String(_)
            | ExprKind::Date(_)
            | ExprKind::Duration(..)
            | ExprKind::Today => {}
        }
    }

    /// The variant a bare name stands for: in the enum wanted, else the only enum that
    /// has it, else the first.
    fn variant(&self, name: &str, want: Option<&str>) -> Option<SymbolId> {
        if let Some(id) = want.and_then(|w| {
            self.index
                .by_name
                .get(&(Family::Variant, format!("{w}.{name}")))
        }) {
            return Some(*id);
        }
        let suffix = format!(".{name}");
        self.index
            .symbols
            .iter()
            .position(|s| s.kind == SymbolKind::Variant && s.name.ends_with(&suffix))
            .map(|i| SymbolId(i as u32))
    }
}
