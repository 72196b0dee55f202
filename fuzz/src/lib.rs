//! Policies generated from the fuzzer's bytes, for the structure-aware `policy` target.
//!
//! Random text rarely gets past the parser; these policies always parse (nearly always:
//! a generated number may be out of range), so the fuzzer spends its time on meaning:
//! names in every order and file, types that fit or do not, exceptions to exceptions,
//! versions, tests, questions and messages with interpolations in several languages.
//!
//! Names come from small pools (`f0`, `g1.f2`, `d0`, `o1`, `x0`, …) addressed by index,
//! so that references mostly hit something declared, sometimes twice (a duplicate, or
//! another version of a rule) and sometimes nothing (`nope`). Every list is capped when
//! printed, so an input stays a policy of a few dozen declarations.

use std::fmt::Write as _;

use arbitrary::Arbitrary;

/// The most declarations of one kind that are printed.
const MAX_DECLS: usize = 6;
/// How deep an expression is printed; below, an operand becomes a literal.
const MAX_DEPTH: u8 = 5;

/// A whole policy, split over one to three files.
#[derive(Debug, Arbitrary)]
pub struct Policy {
    version: Option<Word>,
    source: Option<Word>,
    /// Without a header the policy is refused, which is worth a few inputs only.
    header: HeaderPlace,
    enums: Vec<EnumDef>,
    facts: Vec<FactDef>,
    consts: Vec<ConstDef>,
    defines: Vec<RuleDef>,
    outcomes: Vec<OutcomeDef>,
    exceptions: Vec<ExceptionDef>,
    impossibles: Vec<ImpossibleDef>,
    tests: Vec<TestDef>,
    /// Which file each declaration goes to, in turn (modulo the number of files).
    files: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
enum HeaderPlace {
    First,
    Last,
    Nowhere,
}

/// A word of prose.
#[derive(Debug, Arbitrary)]
enum Word {
    Yes,
    Entry,
    Fear,
    Date,
    /// Characters a string may hold that mean something elsewhere.
    Odd,
    /// Non-ASCII text.
    Spanish,
}

impl Word {
    fn text(&self) -> &'static str {
        match self {
            Word::Yes => "yes",
            Word::Entry => "entered the country",
            Word::Fear => "fears return",
            Word::Date => "2024-06-17",
            Word::Odd => "a \\\"quote\\\", # no comment, \\\\ and \\{brace\\}",
            Word::Spanish => "¿Tiene miedo de regresar?",
        }
    }
}

#[derive(Debug, Arbitrary)]
struct EnumDef {
    variants: Vec<Option<Texts>>,
}

/// A fact: its type, where it lives (a group or none), its question.
#[derive(Debug, Arbitrary)]
struct FactDef {
    group: Option<u8>,
    ty: Ty,
    description: Option<Word>,
    ask: Option<Texts>,
}

#[derive(Debug, Arbitrary)]
enum Ty {
    Bool,
    Int(Option<i8>, Option<i8>),
    Decimal,
    String(bool),
    Date,
    Duration,
    Enum(u8),
    List(Box<Ty>),
}

#[derive(Debug, Arbitrary)]
struct ConstDef {
    name: u8,
    ty: Option<Ty>,
    value: Expr,
}

/// A definition: a name from a small pool, so that two may share it (versions).
#[derive(Debug, Arbitrary)]
struct RuleDef {
    name: u8,
    ty: Option<Ty>,
    value: Expr,
    unless: Vec<Expr>,
    source: Option<Word>,
    effective: Option<Effective>,
}

#[derive(Debug, Arbitrary)]
struct OutcomeDef {
    name: u8,
    when: Option<Expr>,
    unless: Vec<Expr>,
    title: Option<Texts>,
    explain: Option<Texts>,
    source: Option<Word>,
    effective: Option<Effective>,
}

/// An exception to rules or to other exceptions.
#[derive(Debug, Arbitrary)]
struct ExceptionDef {
    name: u8,
    to: Vec<Target>,
    when: Option<Expr>,
    gives: Option<Expr>,
    title: Option<Texts>,
    explain: Option<Texts>,
    source: Option<Word>,
    effective: Option<Effective>,
}

#[derive(Debug, Arbitrary)]
enum Target {
    Define(u8),
    Outcome(u8),
    Const(u8),
    Exception(u8),
    Unknown,
}

#[derive(Debug, Arbitrary)]
struct ImpossibleDef {
    when: Option<Expr>,
    message: Option<Texts>,
    /// `allow CODE`, a code from [`LINT_CODES`] (the last one is no lint).
    allow: Option<u8>,
}

/// Codes an `allow` may name, and one it may not.
const LINT_CODES: &[&str] = &[
    "never_true",
    "asylon::lint::always_true",
    "unused_fact",
    "missing_translation",
    "no_such_lint",
];

#[derive(Debug, Arbitrary)]
struct TestDef {
    as_of: Option<Day>,
    /// `given file "…"` instead of `{ … }` (a file that is never there).
    given_file: bool,
    given: Vec<(u8, Expr)>,
    expect: Vec<(Target, Status, Vec<u8>)>,
}

#[derive(Debug, Arbitrary)]
enum Status {
    Holds,
    DoesNotHold,
    Undetermined,
    /// `expect impossible iN`
    Impossible(u8),
}

#[derive(Debug, Arbitrary)]
struct Effective {
    from: Option<Day>,
    until: Option<Day>,
}

/// A day between 2020 and 2027 (some, like `2024-02-30`, are not in the calendar).
#[derive(Debug, Arbitrary)]
struct Day(u8, u8, u8);

#[derive(Debug, Arbitrary)]
struct Texts(Vec<(Lang, Vec<Piece>)>);

#[derive(Debug, Arbitrary)]
enum Lang {
    En,
    Es,
    Fr,
    PtBr,
}

#[derive(Debug, Arbitrary)]
enum Piece {
    Word(Word),
    /// `{f1}`: a fact, a rule, or a name nothing declares.
    Show(Name),
    /// `{` with no `}`.
    Unclosed,
}

/// A name in an expression or an interpolation.
#[derive(Debug, Arbitrary)]
enum Name {
    Fact(u8),
    Const(u8),
    Define(u8),
    Outcome(u8),
    Variant(u8),
    Unknown,
}

#[derive(Debug, Arbitrary)]
enum Expr {
    Name(Name),
    Int(i16),
    Decimal(u8, u8),
    Bool(bool),
    Str(Word),
    Date(Day),
    Duration(u8, Unit),
    Today,
    List(Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    DaysFrom(Box<Expr>, Box<Expr>),
    DaysSince(Box<Expr>),
    Postfix(Box<Expr>, Postfix),
}

#[derive(Debug, Arbitrary)]
enum Unit {
    Days,
    Months,
    Years,
}

#[derive(Debug, Arbitrary)]
enum Op {
    Or,
    And,
    Is,
    IsNot,
    In,
    NotIn,
    Contains,
    Le,
    Ge,
    Lt,
    Gt,
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Arbitrary)]
enum Postfix {
    IsKnown,
    IsUnknown,
    IsEmpty,
    IsNotEmpty,
}

/// How many names each pool has: a name's index is taken modulo these.
struct Pools {
    facts: Vec<String>,
    enums: usize,
    consts: usize,
    defines: usize,
    outcomes: usize,
    exceptions: usize,
}

fn pick(n: u8, of: usize) -> usize {
    n as usize % of.max(1)
}

impl Policy {
    /// The policy as source files `(name, text)`, in load order.
    pub fn files(&self) -> Vec<(String, String)> {
        let facts: Vec<&FactDef> = self.facts.iter().take(MAX_DECLS + 2).collect();
        let pools = Pools {
            facts: facts
                .iter()
                .enumerate()
                .map(|(i, f)| match f.group {
                    Some(g) if g % 3 == 0 => format!("g{}.h.f{i}", g % 2),
                    Some(g) => format!("g{}.f{i}", g % 2),
                    None => format!("f{i}"),
                })
                .collect(),
            enums: self.enums.len().min(MAX_DECLS),
            consts: self.consts.len().min(MAX_DECLS),
            defines: self.defines.len().min(MAX_DECLS),
            outcomes: self.outcomes.len().min(MAX_DECLS),
            exceptions: self.exceptions.len().min(MAX_DECLS),
        };
        let mut decls: Vec<String> = Vec::new();
        for (i, e) in self.enums.iter().take(MAX_DECLS).enumerate() {
            let mut s = format!("enum E{i} {{\n");
            for (v, label) in e.variants.iter().take(4).enumerate() {
                let _ = write!(s, "  v{v}");
                if let Some(t) = label {
                    s.push(' ');
                    t.print(&mut s, &pools);
                }
                s.push('\n');
            }
            s.push_str("}\n");
            decls.push(s);
        }
        for (i, f) in facts.iter().enumerate() {
            let full = &pools.facts[i];
            let (prefix, name) = full.rsplit_once('.').unwrap_or(("", full));
            let mut body = format!("{name}: ");
            f.ty.print(&mut body, &pools, 0);
            if let Some(d) = &f.description {
                let _ = write!(body, " \"{}\"", d.text());
            }
            if let Some(ask) = &f.ask {
                body.push_str(" ask ");
                ask.print(&mut body, &pools);
            }
            if prefix.is_empty() {
                decls.push(format!("fact {body}\n"));
            } else {
                decls.push(format!("facts {prefix} {{\n  {body}\n}}\n"));
            }
        }
        for c in self.consts.iter().take(MAX_DECLS) {
            let mut s = format!("const c{}", pick(c.name, pools.consts));
            if let Some(t) = &c.ty {
                s.push_str(": ");
                t.print(&mut s, &pools, 0);
            }
            s.push_str(" = ");
            c.value.print(&mut s, &pools, 0);
            s.push('\n');
            decls.push(s);
        }
        for d in self.defines.iter().take(MAX_DECLS) {
            let mut s = format!("define d{}", pick(d.name, pools.defines));
            if let Some(t) = &d.ty {
                s.push_str(": ");
                t.print(&mut s, &pools, 0);
            }
            s.push_str(" = ");
            d.value.print(&mut s, &pools, 0);
            for u in d.unless.iter().take(2) {
                print_clause(&mut s, "unless", Some(u), &pools);
            }
            print_source(&mut s, &d.source);
            print_effective(&mut s, &d.effective);
            s.push('\n');
            decls.push(s);
        }
        for o in self.outcomes.iter().take(MAX_DECLS) {
            let mut s = format!("outcome o{}", pick(o.name, pools.outcomes));
            print_clause(&mut s, "when", o.when.as_ref(), &pools);
            for u in o.unless.iter().take(2) {
                print_clause(&mut s, "unless", Some(u), &pools);
            }
            print_tail(
                &mut s,
                [&o.title, &o.explain],
                &o.source,
                &o.effective,
                &pools,
            );
            decls.push(s);
        }
        for x in self.exceptions.iter().take(MAX_DECLS) {
            let mut s = format!("exception x{} to ", pick(x.name, pools.exceptions));
            let targets: Vec<String> = x.to.iter().take(3).map(|t| t.name(&pools)).collect();
            if targets.is_empty() {
                s.push_str("nope");
            } else {
                s.push_str(&targets.join(", "));
            }
            print_clause(&mut s, "when", x.when.as_ref(), &pools);
            print_clause(&mut s, "gives", x.gives.as_ref(), &pools);
            print_tail(
                &mut s,
                [&x.title, &x.explain],
                &x.source,
                &x.effective,
                &pools,
            );
            decls.push(s);
        }
        for (i, m) in self.impossibles.iter().take(MAX_DECLS).enumerate() {
            let mut s = format!("impossible i{i}");
            print_clause(&mut s, "when", m.when.as_ref(), &pools);
            print_texts(&mut s, "message", &m.message, &pools);
            if let Some(code) = m.allow {
                let _ = write!(
                    s,
                    "\n  allow {}",
                    LINT_CODES[code as usize % LINT_CODES.len()]
                );
            }
            s.push('\n');
            decls.push(s);
        }
        for (i, t) in self.tests.iter().take(MAX_DECLS).enumerate() {
            let mut s = format!("test \"t{i}\"");
            if let Some(d) = &t.as_of {
                s.push_str(" as of ");
                d.print(&mut s);
            }
            if t.given_file {
                s.push_str(" given file \"cases/none.json\"");
            } else {
                s.push_str(" given {");
                for (f, e) in t.given.iter().take(4) {
                    if pools.facts.is_empty() {
                        break;
                    }
                    let _ = write!(s, " {}: ", pools.facts[pick(*f, pools.facts.len())]);
                    e.print(&mut s, &pools, MAX_DEPTH - 1);
                    s.push(',');
                }
                s.push_str(" }");
            }
            for (target, status, missing) in t.expect.iter().take(3) {
                if let Status::Impossible(i) = status {
                    let count = self.impossibles.len().clamp(1, MAX_DECLS);
                    let _ = write!(s, "\n  expect impossible i{}", *i as usize % count);
                    continue;
                }
                let _ = write!(s, "\n  expect {} {}", target.name(&pools), status.text());
                let missing: Vec<&str> = missing
                    .iter()
                    .take(2)
                    .filter(|_| !pools.facts.is_empty())
                    .map(|f| pools.facts[pick(*f, pools.facts.len())].as_str())
                    .collect();
                if !missing.is_empty() {
                    let _ = write!(s, ", missing {}", missing.join(", "));
                }
            }
            s.push('\n');
            decls.push(s);
        }

        let mut header = String::from("policy \"fuzz\"");
        if let Some(v) = &self.version {
            let _ = write!(header, " version \"{}\"", v.text());
        }
        if let Some(v) = &self.source {
            let _ = write!(header, " source \"{}\"", v.text());
        }
        header.push('\n');
        let n = 1 + self.files.first().map_or(0, |f| *f as usize % 3);
        let mut files = vec![String::new(); n];
        match self.header {
            HeaderPlace::First => files[0].push_str(&header),
            HeaderPlace::Last => files[n - 1].push_str(&header),
            HeaderPlace::Nowhere => {}
        }
        for (i, d) in decls.iter().enumerate() {
            let to = self.files.get(i + 1).map_or(0, |f| *f as usize % n);
            files[to].push_str(d);
        }
        files
            .into_iter()
            .enumerate()
            .map(|(i, text)| (format!("{i}.asylon"), text))
            .collect()
    }
}

/// `\n  when <expr>`, when there is an expression.
fn print_clause(s: &mut String, clause: &str, expr: Option<&Expr>, pools: &Pools) {
    if let Some(e) = expr {
        let _ = write!(s, "\n  {clause} ");
        e.print(s, pools, 0);
    }
}

/// The clauses that end outcomes and exceptions alike.
fn print_tail(
    s: &mut String,
    texts: [&Option<Texts>; 2],
    source: &Option<Word>,
    effective: &Option<Effective>,
    pools: &Pools,
) {
    print_texts(s, "title", texts[0], pools);
    print_texts(s, "explain", texts[1], pools);
    print_source(s, source);
    print_effective(s, effective);
    s.push('\n');
}

fn print_source(s: &mut String, source: &Option<Word>) {
    if let Some(w) = source {
        let _ = write!(s, "\n  source \"{}\"", w.text());
    }
}

fn print_effective(s: &mut String, effective: &Option<Effective>) {
    if let Some(e) = effective {
        s.push_str("\n  effective");
        if let Some(d) = &e.from {
            s.push_str(" from ");
            d.print(s);
        }
        if let Some(d) = &e.until {
            s.push_str(" until ");
            d.print(s);
        }
    }
}

fn print_texts(s: &mut String, clause: &str, texts: &Option<Texts>, pools: &Pools) {
    if let Some(t) = texts {
        let _ = write!(s, "\n  {clause} ");
        t.print(s, pools);
    }
}

impl Status {
    fn text(&self) -> &'static str {
        match self {
            Status::Holds => "holds",
            Status::DoesNotHold => "does not hold",
            Status::Undetermined => "undetermined",
            Status::Impossible(_) => "impossible",
        }
    }
}

impl Target {
    fn name(&self, pools: &Pools) -> String {
        match self {
            Target::Define(i) => format!("d{}", pick(*i, pools.defines)),
            Target::Outcome(i) => format!("o{}", pick(*i, pools.outcomes)),
            Target::Const(i) => format!("c{}", pick(*i, pools.consts)),
            Target::Exception(i) => format!("x{}", pick(*i, pools.exceptions)),
            Target::Unknown => "nope".into(),
        }
    }
}

impl Day {
    fn print(&self, s: &mut String) {
        let _ = write!(
            s,
            "{}-{:02}-{:02}",
            2020 + u32::from(self.0 % 8),
            1 + self.1 % 12,
            1 + self.2 % 31
        );
    }
}

impl Texts {
    fn print(&self, s: &mut String, pools: &Pools) {
        if self.0.is_empty() {
            s.push_str("en \"\"");
        }
        for (lang, pieces) in self.0.iter().take(3) {
            let tag = match lang {
                Lang::En => "en",
                Lang::Es => "es",
                Lang::Fr => "fr",
                Lang::PtBr => "pt-BR",
            };
            let _ = write!(s, "{tag} \"");
            for p in pieces.iter().take(4) {
                match p {
                    Piece::Word(w) => s.push_str(w.text()),
                    Piece::Show(n) => {
                        s.push('{');
                        n.print(s, pools);
                        s.push('}');
                    }
                    Piece::Unclosed => s.push('{'),
                }
                s.push(' ');
            }
            s.push_str("\" ");
        }
    }
}

impl Name {
    fn print(&self, s: &mut String, pools: &Pools) {
        let _ = match self {
            Name::Fact(i) if !pools.facts.is_empty() => {
                write!(s, "{}", pools.facts[pick(*i, pools.facts.len())])
            }
            Name::Const(i) => write!(s, "c{}", pick(*i, pools.consts)),
            Name::Define(i) => write!(s, "d{}", pick(*i, pools.defines)),
            Name::Outcome(i) => write!(s, "o{}", pick(*i, pools.outcomes)),
            Name::Variant(i) => write!(s, "v{}", i % 4),
            Name::Fact(_) | Name::Unknown => write!(s, "nope"),
        };
    }
}

impl Ty {
    fn print(&self, s: &mut String, pools: &Pools, depth: u8) {
        match self {
            Ty::Bool => s.push_str("bool"),
            Ty::Int(lo, hi) => {
                s.push_str("int");
                if let Some(lo) = lo {
                    let _ = write!(s, " at least {lo}");
                }
                if let Some(hi) = hi {
                    let _ = write!(s, " at most {hi}");
                }
            }
            Ty::Decimal => s.push_str("decimal"),
            Ty::String(false) => s.push_str("string"),
            Ty::String(true) => s.push_str("string matching \"^[A-Z]{2}$\""),
            Ty::Date => s.push_str("date"),
            Ty::Duration => s.push_str("duration"),
            Ty::Enum(i) if pools.enums > 0 => {
                let _ = write!(s, "E{}", pick(*i, pools.enums));
            }
            Ty::Enum(_) => s.push_str("Nope"),
            Ty::List(inner) if depth < 2 => {
                s.push_str("list of ");
                inner.print(s, pools, depth + 1);
            }
            Ty::List(_) => s.push_str("bool"),
        }
    }
}

impl Expr {
    fn print(&self, s: &mut String, pools: &Pools, depth: u8) {
        if depth >= MAX_DEPTH {
            // Deep enough: a leaf, so that the text stays small.
            match self {
                Expr::Name(n) => n.print(s, pools),
                _ => s.push_str("true"),
            }
            return;
        }
        let d = depth + 1;
        match self {
            Expr::Name(n) => n.print(s, pools),
            Expr::Int(n) => {
                let _ = write!(s, "{}", n.unsigned_abs());
            }
            Expr::Decimal(a, b) => {
                let _ = write!(s, "{a}.{b}");
            }
            Expr::Bool(b) => {
                let _ = write!(s, "{b}");
            }
            Expr::Str(w) => {
                let _ = write!(s, "\"{}\"", w.text());
            }
            Expr::Date(day) => day.print(s),
            Expr::Duration(n, unit) => {
                let unit = match unit {
                    Unit::Days => "days",
                    Unit::Months => "months",
                    Unit::Years => "years",
                };
                let _ = write!(s, "{n} {unit}");
            }
            Expr::Today => s.push_str("today"),
            Expr::List(items) => {
                s.push('[');
                for (i, e) in items.iter().take(3).enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    e.print(s, pools, d);
                }
                s.push(']');
            }
            Expr::Not(e) => {
                s.push_str("not ");
                e.print(s, pools, d);
            }
            Expr::Neg(e) => {
                s.push('-');
                e.print(s, pools, d);
            }
            Expr::Binary(op, a, b) => {
                s.push('(');
                a.print(s, pools, d);
                let _ = write!(s, " {} ", op.text());
                b.print(s, pools, d);
                s.push(')');
            }
            Expr::If(c, a, b) => {
                s.push_str("(if ");
                c.print(s, pools, d);
                s.push_str(" then ");
                a.print(s, pools, d);
                s.push_str(" else ");
                b.print(s, pools, d);
                s.push(')');
            }
            Expr::DaysFrom(a, b) => {
                s.push_str("days from (");
                a.print(s, pools, d);
                s.push_str(") to (");
                b.print(s, pools, d);
                s.push(')');
            }
            Expr::DaysSince(a) => {
                s.push_str("days since (");
                a.print(s, pools, d);
                s.push(')');
            }
            Expr::Postfix(e, p) => {
                s.push('(');
                e.print(s, pools, d);
                s.push_str(match p {
                    Postfix::IsKnown => " is known)",
                    Postfix::IsUnknown => " is unknown)",
                    Postfix::IsEmpty => " is empty)",
                    Postfix::IsNotEmpty => " is not empty)",
                });
            }
        }
    }
}

impl Op {
    fn text(&self) -> &'static str {
        match self {
            Op::Or => "or",
            Op::And => "and",
            Op::Is => "is",
            Op::IsNot => "is not",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Contains => "contains",
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }
}

/// What a person answers in an interview driven by the fuzzer.
#[derive(Debug, Arbitrary)]
pub enum Answer {
    /// The first choice, `yes`, `1`, a day: something that fits most questions.
    Plain(u8),
    /// `?`
    DontKnow,
    /// `back`
    Back,
}

impl Answer {
    /// The line typed.
    pub fn line(&self) -> String {
        match self {
            Answer::Plain(n) => match n % 6 {
                0 => "yes".into(),
                1 => "no".into(),
                2 => format!("{}", n / 6),
                3 => "2024-01-31".into(),
                4 => "30 days".into(),
                _ => "1, 2".into(),
            },
            Answer::DontKnow => "?".into(),
            Answer::Back => "back".into(),
        }
    }
}

/// One input of the `policy` target: a policy, facts for it, answers to its questions.
#[derive(Debug, Arbitrary)]
pub struct Input {
    /// The policy.
    pub policy: Policy,
    /// Facts as `(fact, answer)`: each answer read as the interview would read it.
    pub facts: Vec<(u8, Answer)>,
    /// An interview's answers.
    pub answers: Vec<Answer>,
    /// The language of the interview and the messages.
    pub spanish: bool,
}
