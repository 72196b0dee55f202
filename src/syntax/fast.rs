//! The parser for well-formed files: `grammar/asylon.pest` followed by hand, rule by
//! rule, building the syntax tree as `lower.rs` builds it from pest's pairs.
//!
//! Why: pest spent three quarters of `Policy::load` (about 170 machine instructions per
//! byte of the border policy: a boxed state, a stack probe and a token queue per rule and
//! per repetition). This parser reads the same text about ten times faster.
//!
//! It gives up (`None`) at anything it does not accept, and at everything lowering would
//! report (a bad escape, a number out of range, a clause written twice, an expression too
//! deep); `parse_file` then runs pest and the lowering, which find and word the error. So
//! every diagnostic comes from the same code as before, and only files that parse and
//! lower cleanly take this path. Debug builds (every test, every fuzz run) parse each file
//! this parser accepts with pest too, and check that both trees are the same, spans
//! included.
//!
//! pest's semantics, which this parser reproduces (each function names its rule):
//! - choices are ordered, and a repetition or option takes all it can, never giving back;
//! - between the elements of a non-atomic rule (`{ … }`) comes layout: whitespace and
//!   `#` comments. Layout before an optional or repeated element is consumed even when the
//!   element is absent, so a rule ending with one ends after that layout; layout after the
//!   last element of a repetition is not (see [`FastParser::repeat`]). Spans depend on it.
//! - atomic rules (`@{ … }`, `${ … }`) have no layout inside.
//!
//! When the grammar changes, change this file with it: a construct this parser does not
//! know only sends files that use it to pest (slower, still right), but one it reads
//! differently is caught only by the debug check, on the texts the tests parse.

use std::iter::Peekable;
use std::vec::Drain;

use super::ast::*;
use super::lower::{Clauses, MAX_EXPR_DEPTH};
use crate::source::{FileId, Span};

/// How deeply expressions (in brackets, branches, `days` terms), fact groups and list
/// types may nest before this parser leaves the file to pest. Far beyond any real policy,
/// and low enough that pest's own recursion guard (which reports `TooDeep`) cannot
/// trigger below it.
const MAX_NESTING: usize = 32;

/// Parses a whole file, or gives up (see the module's documentation).
pub(crate) fn parse_file(file: FileId, text: &str) -> Option<File> {
    let mut parser = FastParser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        file,
        nesting: 0,
        gave_up: false,
        items: Vec::new(),
    };
    let tree = parser.policy_file()?;
    (!parser.gave_up).then_some(tree)
}

struct FastParser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// Always on a character boundary: the parser only steps over ASCII bytes it has
    /// matched, over whole comments and over whole characters inside strings.
    pos: usize,
    file: FileId,
    /// Nested constructs being read (see [`MAX_NESTING`]).
    nesting: usize,
    /// Set when the text parses but lowering would report an error (or nesting is too
    /// deep): the rest of the parse goes on, but its result is dropped.
    gave_up: bool,
    /// The flat operand and operator sequences of the expressions being read, innermost
    /// last; each expression folds and removes its own.
    items: Vec<Item>,
}

/// One element of an expression's flat sequence, as `expr`'s pairs are for the Pratt
/// parser in `lower.rs`.
enum Item {
    Operand(Expr),
    Prefix { not: bool, span: Span },
    Infix(BinOp),
    Postfix(Test, Span),
}

/// Binding powers, as `lower.rs`'s `PRATT` numbers its levels (pest adds 10 per level).
const NOT: u32 = 40;
const COMPARE: u32 = 50;
const NEG: u32 = 80;

fn infix_power(op: BinOp) -> u32 {
    match op {
        BinOp::Or => 20,
        BinOp::And => 30,
        BinOp::Is
        | BinOp::IsNot
        | BinOp::Lt
        | BinOp::Le
        | BinOp::Gt
        | BinOp::Ge
        | BinOp::In
        | BinOp::NotIn
        | BinOp::Contains => COMPARE,
        BinOp::Add | BinOp::Sub => 60,
        BinOp::Mul | BinOp::Div => 70,
    }
}

/// `ident_char`
fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `keyword`, given a whole run of identifier characters: every keyword ends with
/// `!ident_char`, so it matches exactly when the run is one of its words.
fn is_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"and"
            | b"or"
            | b"not"
            | b"is"
            | b"in"
            | b"contains"
            | b"empty"
            | b"known"
            | b"unknown"
            | b"true"
            | b"false"
            | b"today"
            | b"if"
            | b"then"
            | b"else"
            | b"days"
            | b"day"
            | b"since"
            | b"from"
            | b"to"
            | b"when"
            | b"unless"
            | b"gives"
            | b"of"
            | b"list"
            | b"matching"
            | b"at"
            | b"least"
            | b"most"
            | b"months"
            | b"month"
            | b"years"
            | b"year"
    )
}

/// The clauses a declaration may have, in the order its grammar rule tries them.
#[derive(Clone, Copy)]
enum ClauseKind {
    When,
    Unless,
    Gives,
    Title,
    Explain,
    Message,
    Source,
    Effective,
}

const DEFINE_CLAUSES: &[ClauseKind] = &[
    ClauseKind::Unless,
    ClauseKind::Source,
    ClauseKind::Effective,
];
const OUTCOME_CLAUSES: &[ClauseKind] = &[
    ClauseKind::When,
    ClauseKind::Unless,
    ClauseKind::Title,
    ClauseKind::Explain,
    ClauseKind::Source,
    ClauseKind::Effective,
];
const EXCEPTION_CLAUSES: &[ClauseKind] = &[
    ClauseKind::When,
    ClauseKind::Gives,
    ClauseKind::Title,
    ClauseKind::Explain,
    ClauseKind::Source,
    ClauseKind::Effective,
];
const IMPOSSIBLE_CLAUSES: &[ClauseKind] =
    &[ClauseKind::When, ClauseKind::Message, ClauseKind::Source];

/// One clause as read, before it is put in its declaration.
enum Clause {
    When(Expr),
    Unless(Unless),
    Gives(Expr),
    Title(Texts),
    Explain(Texts),
    Message(Texts),
    Source(Str),
    Effective(Effective),
}

impl<'t> FastParser<'t> {
    // ------------------------------------------------------------------------------
    // Characters, layout and the combinators
    // ------------------------------------------------------------------------------

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start, self.pos)
    }

    fn name(&self, start: usize) -> Name {
        Name {
            text: self.text[start..self.pos].to_string(),
            span: self.span(start),
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// pest's implicit `(WHITESPACE | COMMENT)*` between the elements of non-atomic rules.
    fn layout(&mut self) {
        while let Some(c) = self.byte(self.pos) {
            match c {
                b' ' | b'\n' | b'\t' | b'\r' => self.pos += 1,
                b'#' => {
                    // Up to the end of the line, the newline left for WHITESPACE.
                    self.pos = self.text[self.pos..]
                        .find('\n')
                        .map_or(self.bytes.len(), |n| self.pos + n);
                }
                0xEF if self.bytes[self.pos..].starts_with("\u{FEFF}".as_bytes()) => self.pos += 3,
                _ => break,
            }
        }
    }

    /// `WHITESPACE+` inside an atomic rule (no comments there).
    fn spaces(&mut self) -> bool {
        let start = self.pos;
        while let Some(c) = self.byte(self.pos) {
            match c {
                b' ' | b'\n' | b'\t' | b'\r' => self.pos += 1,
                0xEF if self.bytes[self.pos..].starts_with("\u{FEFF}".as_bytes()) => self.pos += 3,
                _ => break,
            }
        }
        self.pos > start
    }

    /// A literal string, as pest's `"…"`: no word boundary.
    fn lit(&mut self, s: &str) -> bool {
        if self.bytes[self.pos..].starts_with(s.as_bytes()) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// [`Self::lit`] for `?`.
    fn expect(&mut self, s: &str) -> Option<()> {
        self.lit(s).then_some(())
    }

    /// `!ident_char`
    fn boundary(&self) -> bool {
        !self.byte(self.pos).is_some_and(ident_char)
    }

    /// An atomic `"w1" ~ WHITESPACE+ ~ "w2" … ~ !ident_char`; nothing consumed on failure.
    fn words(&mut self, words: &[&str]) -> bool {
        let start = self.pos;
        let matched = words
            .iter()
            .enumerate()
            .all(|(i, w)| (i == 0 || self.spaces()) && self.lit(w))
            && self.boundary();
        if !matched {
            self.pos = start;
        }
        matched
    }

    /// `x?`: `x`, or nothing consumed.
    fn opt<T>(&mut self, x: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        let found = x(self);
        if found.is_none() {
            self.pos = start;
        }
        found
    }

    /// `x*` after the layout the enclosing rule consumed: the first `x` here, each next
    /// one after layout. The layout after the last `x` is given back, as pest does.
    /// `x` returns whether it matched, keeping what it read only when it did.
    fn repeat(&mut self, mut x: impl FnMut(&mut Self) -> bool) {
        let mut end = self.pos;
        while x(self) {
            end = self.pos;
            self.layout();
        }
        self.pos = end;
    }

    /// Reads a construct that may contain itself, giving up beyond [`MAX_NESTING`].
    fn nested<T>(&mut self, x: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.nesting >= MAX_NESTING {
            self.gave_up = true;
            return None;
        }
        self.nesting += 1;
        let found = x(self);
        self.nesting -= 1;
        found
    }

    // ------------------------------------------------------------------------------
    // Tokens
    // ------------------------------------------------------------------------------

    fn ident_end(&self, from: usize) -> usize {
        from + self.bytes[from..]
            .iter()
            .take_while(|&&c| ident_char(c))
            .count()
    }

    /// The end of an `ident` starting here, if one does.
    fn ident_at(&self, start: usize) -> Option<usize> {
        if !matches!(self.byte(start), Some(b'a'..=b'z' | b'_')) {
            return None;
        }
        let end = self.ident_end(start);
        (!is_keyword(&self.bytes[start..end])).then_some(end)
    }

    /// `ident = @{ !keyword ~ (ASCII_ALPHA_LOWER | "_") ~ ident_char* }`
    fn ident(&mut self) -> Option<Name> {
        let start = self.pos;
        self.pos = self.ident_at(start)?;
        Some(self.name(start))
    }

    /// `type_name = @{ ASCII_ALPHA_UPPER ~ ident_char* }`
    fn type_name(&mut self) -> Option<Name> {
        let start = self.pos;
        if !self.byte(start).is_some_and(|c| c.is_ascii_uppercase()) {
            return None;
        }
        self.pos = self.ident_end(start);
        Some(self.name(start))
    }

    /// `path = ${ (ident | type_name) ~ ("." ~ ident)* }`
    fn path(&mut self) -> Option<Name> {
        let start = self.pos;
        if let Some(end) = self.ident_at(start) {
            self.pos = end;
        } else if self.byte(start).is_some_and(|c| c.is_ascii_uppercase()) {
            self.pos = self.ident_end(start);
        } else {
            return None;
        }
        while self.byte(self.pos) == Some(b'.') {
            match self.ident_at(self.pos + 1) {
                Some(end) => self.pos = end,
                None => break,
            }
        }
        Some(self.name(start))
    }

    /// `lang = @{ ASCII_ALPHA_LOWER{2,3} ~ ("-" ~ ASCII_ALPHA_UPPER{2})? ~ !ident_char }`
    fn lang(&mut self) -> Option<Name> {
        let start = self.pos;
        let lower = |at: usize| self.byte(at).is_some_and(|c| c.is_ascii_lowercase());
        let upper = |at: usize| self.byte(at).is_some_and(|c| c.is_ascii_uppercase());
        if !(lower(start) && lower(start + 1)) {
            return None;
        }
        let mut end = start + 2;
        if lower(end) {
            end += 1;
        }
        if self.byte(end) == Some(b'-') && upper(end + 1) && upper(end + 2) {
            end += 3;
        }
        if self.byte(end).is_some_and(ident_char) {
            return None;
        }
        self.pos = end;
        Some(self.name(start))
    }

    /// `string = ${ "\"" ~ string_inner ~ "\"" }`: the position of the opening quote, and
    /// whether the string has escapes.
    fn string_token(&mut self) -> Option<(usize, bool)> {
        let start = self.pos;
        if !self.lit("\"") {
            return None;
        }
        let mut escapes = false;
        loop {
            // `str::find` with one character is a fast byte search; strings are long and
            // seldom have escapes. No closing quote: string_inner takes the rest, and `"`
            // fails at the end.
            let rest = &self.text[self.pos..];
            let quote = rest.find('"')?;
            match rest[..quote].find('\\') {
                None => {
                    self.pos += quote + 1;
                    return Some((start, escapes));
                }
                Some(backslash) => {
                    // `"\\" ~ ANY`, which may be the quote found.
                    escapes = true;
                    let escaped = rest[backslash + 1..].chars().next()?;
                    self.pos += backslash + 1 + escaped.len_utf8();
                }
            }
        }
    }

    /// A string with its escapes resolved (`lower_str`, or `lower_message_str` when
    /// `message`, which keeps `\{` and `\}` as `{{` and `}}`).
    fn string(&mut self, message: bool) -> Option<Str> {
        let (start, escapes) = self.string_token()?;
        let raw = &self.text[start + 1..self.pos - 1];
        let text = if escapes {
            self.unescape(raw, message)
        } else {
            raw.to_string()
        };
        Some(Str {
            text,
            span: self.span(start),
        })
    }

    /// As `Lowerer::unescape`; an unknown escape is lowering's to report.
    fn unescape(&mut self, raw: &str, message: bool) -> String {
        let mut text = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                text.push(c);
                continue;
            }
            match chars.next() {
                Some('"') => text.push('"'),
                Some('\\') => text.push('\\'),
                Some('n') => text.push('\n'),
                Some('{') => text.push_str(if message { "{{" } else { "{" }),
                Some('}') => text.push_str(if message { "}}" } else { "}" }),
                _ => self.gave_up = true,
            }
        }
        text
    }

    /// `ASCII_DIGIT+`, from `at`: its end, if there is one digit.
    fn digits(&self, at: usize) -> Option<usize> {
        let n = self.bytes[at.min(self.bytes.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (n > 0).then_some(at + n)
    }

    /// `date_lit = @{ ASCII_DIGIT{4} ~ "-" ~ ASCII_DIGIT{2} ~ "-" ~ ASCII_DIGIT{2} ~
    /// !ident_char }`: the date as written.
    fn date(&mut self) -> Option<Str> {
        let start = self.pos;
        let digit = |at: usize| self.byte(at).is_some_and(|c| c.is_ascii_digit());
        let dash = |at: usize| self.byte(at) == Some(b'-');
        let shape = (0..4).all(|i| digit(start + i))
            && dash(start + 4)
            && digit(start + 5)
            && digit(start + 6)
            && dash(start + 7)
            && digit(start + 8)
            && digit(start + 9)
            && !self.byte(start + 10).is_some_and(ident_char);
        if !shape {
            return None;
        }
        self.pos = start + 10;
        Some(Str {
            text: self.text[start..self.pos].to_string(),
            span: self.span(start),
        })
    }

    /// `decimal_lit = @{ ASCII_DIGIT+ ~ "." ~ ASCII_DIGIT+ ~ !ident_char }`
    fn decimal(&mut self) -> Option<()> {
        let point = self.digits(self.pos)?;
        if self.byte(point) != Some(b'.') {
            return None;
        }
        let end = self.digits(point + 1)?;
        if self.byte(end).is_some_and(ident_char) {
            return None;
        }
        self.pos = end;
        Some(())
    }

    /// `int_lit = @{ ASCII_DIGIT+ ~ !(ident_char | ".") }`
    fn int(&mut self) -> Option<()> {
        let end = self.digits(self.pos)?;
        if self.byte(end).is_some_and(|c| ident_char(c) || c == b'.') {
            return None;
        }
        self.pos = end;
        Some(())
    }

    /// `signed_int = @{ "-"? ~ ASCII_DIGIT+ ~ !ident_char }`, as `lower_signed` reads it.
    fn signed_int(&mut self) -> Option<Option<i64>> {
        let start = self.pos;
        let digits = start + usize::from(self.byte(start) == Some(b'-'));
        let end = self.digits(digits)?;
        if self.byte(end).is_some_and(ident_char) {
            return None;
        }
        self.pos = end;
        match self.text[start..end].parse() {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                self.gave_up = true;
                Some(None)
            }
        }
    }

    /// `unit = { unit_days | unit_months | unit_years }`
    fn unit(&mut self) -> Option<Unit> {
        for (unit, long, short) in [
            (Unit::Days, "days", "day"),
            (Unit::Months, "months", "month"),
            (Unit::Years, "years", "year"),
        ] {
            // `("days" | "day") ~ !ident_char`: when "days" matches, "day" would be
            // followed by an identifier character.
            let start = self.pos;
            if (self.lit(long) || self.lit(short)) && self.boundary() {
                return Some(unit);
            }
            self.pos = start;
        }
        None
    }

    // ------------------------------------------------------------------------------
    // Texts and types
    // ------------------------------------------------------------------------------

    /// `texts = { text+ }`
    fn texts(&mut self) -> Option<Texts> {
        // Room for English and one more language, the common case.
        let mut texts = Vec::with_capacity(2);
        texts.push(self.text()?);
        self.layout();
        self.repeat(|p| match p.text() {
            Some(t) => {
                texts.push(t);
                true
            }
            None => false,
        });
        Some(texts)
    }

    /// `text = { lang ~ string }`
    fn text(&mut self) -> Option<Text> {
        let lang = self.lang()?;
        self.layout();
        let s = self.string(true)?;
        Some(Text {
            lang,
            text: s.text,
            span: s.span,
        })
    }

    /// `type_expr = { t_list | t_bool | t_int | t_decimal | t_string | t_date |
    /// t_duration | t_enum }`
    fn type_expr(&mut self) -> Option<TypeExpr> {
        let start = self.pos;
        if let Some(list) = self.opt(Self::t_list) {
            return Some(list);
        }
        if self.words(&["bool"]) {
            return Some(TypeExpr::Bool(self.span(start)));
        }
        if let Some(int) = self.opt(Self::t_int) {
            return Some(int);
        }
        if self.words(&["decimal"]) {
            return Some(TypeExpr::Decimal(self.span(start)));
        }
        if let Some(string) = self.opt(Self::t_string) {
            return Some(string);
        }
        if self.words(&["date"]) {
            return Some(TypeExpr::Date(self.span(start)));
        }
        if self.words(&["duration"]) {
            return Some(TypeExpr::Duration(self.span(start)));
        }
        self.type_name().map(TypeExpr::Enum)
    }

    /// `t_list = { "list" ~ "of" ~ type_expr }`
    fn t_list(&mut self) -> Option<TypeExpr> {
        let start = self.pos;
        self.expect("list")?;
        self.layout();
        self.expect("of")?;
        self.layout();
        let inner = self.nested(Self::type_expr)?;
        Some(TypeExpr::List(Box::new(inner), self.span(start)))
    }

    /// `t_int = { kw_int ~ at_least? ~ at_most? }`
    fn t_int(&mut self) -> Option<TypeExpr> {
        let start = self.pos;
        if !self.words(&["int"]) {
            return None;
        }
        self.layout();
        let at_least = self.opt(|p| p.bound("least")).flatten();
        self.layout();
        let at_most = self.opt(|p| p.bound("most")).flatten();
        Some(TypeExpr::Int {
            at_least,
            at_most,
            span: self.span(start),
        })
    }

    /// `at_least = { "at" ~ "least" ~ signed_int }`, `at_most` likewise.
    fn bound(&mut self, which: &str) -> Option<Option<i64>> {
        self.expect("at")?;
        self.layout();
        self.expect(which)?;
        self.layout();
        self.signed_int()
    }

    /// `t_string = { kw_string ~ ("matching" ~ string)? }`
    fn t_string(&mut self) -> Option<TypeExpr> {
        let start = self.pos;
        if !self.words(&["string"]) {
            return None;
        }
        self.layout();
        let matching = self.opt(|p| {
            p.expect("matching")?;
            p.layout();
            p.string(false)
        });
        Some(TypeExpr::String {
            matching,
            span: self.span(start),
        })
    }

    // ------------------------------------------------------------------------------
    // Expressions
    // ------------------------------------------------------------------------------

    /// `expr = { operand ~ (infix ~ operand)* }`, lowered from depth 0 (a clause, a
    /// constant, a given value).
    fn expr(&mut self) -> Option<Expr> {
        self.sequence(false).map(|(e, _)| e)
    }

    /// `expr`, or `term = { prefix* ~ primary ~ postfix* }` (one operand), folded as
    /// `Lowerer::fold` does. Also returns how deep lowering goes into it: its operators
    /// plus one, plus the deepest expression nested in its operands.
    fn sequence(&mut self, term: bool) -> Option<(Expr, usize)> {
        self.nested(|p| p.flat_sequence(term))
    }

    /// [`Self::sequence`], once its nesting is counted.
    fn flat_sequence(&mut self, term: bool) -> Option<(Expr, usize)> {
        let base = self.items.len();
        let mut operators = 0;
        let mut deepest = 0;
        let read = self.operand(&mut operators, &mut deepest).is_some();
        if read && !term {
            self.layout();
            self.repeat(|p| {
                let (mark, before) = (p.items.len(), operators);
                let read = p.infix().is_some_and(|op| {
                    p.items.push(Item::Infix(op));
                    operators += 1;
                    p.layout();
                    p.operand(&mut operators, &mut deepest).is_some()
                });
                if !read {
                    p.items.truncate(mark);
                    operators = before;
                }
                read
            });
        }
        let depth = operators + 1 + deepest;
        let folded = if !read {
            None
        } else if depth > MAX_EXPR_DEPTH {
            // Lowering reports it, without building the tree.
            self.gave_up = true;
            None
        } else {
            let folded = fold(&mut self.items.drain(base..).peekable(), 0);
            // A sequence read whole always folds; if not, this parser is wrong, and pest
            // is not.
            self.gave_up |= folded.is_none();
            folded
        };
        self.items.truncate(base);
        Some((folded?, depth))
    }

    /// `operand = _{ prefix* ~ primary ~ postfix* }`, onto the item stack.
    fn operand(&mut self, operators: &mut usize, deepest: &mut usize) -> Option<()> {
        self.repeat(|p| {
            let start = p.pos;
            let not = if p.words(&["not"]) {
                true
            } else if p.lit("-") {
                false
            } else {
                return false;
            };
            p.items.push(Item::Prefix {
                not,
                span: p.span(start),
            });
            *operators += 1;
            true
        });
        self.layout();
        let (primary, depth) = self.primary()?;
        self.items.push(Item::Operand(primary));
        *deepest = (*deepest).max(depth);
        self.layout();
        self.repeat(|p| {
            let start = p.pos;
            // `postfix = _{ is_known | is_unknown | is_not_empty | is_empty }`
            let test = if p.words(&["is", "known"]) {
                Test::Known
            } else if p.words(&["is", "unknown"]) {
                Test::Unknown
            } else if p.words(&["is", "not", "empty"]) {
                Test::NotEmpty
            } else if p.words(&["is", "empty"]) {
                Test::Empty
            } else {
                return false;
            };
            p.items.push(Item::Postfix(test, p.span(start)));
            *operators += 1;
            true
        });
        Some(())
    }

    /// `infix = _{ op_or | op_and | op_is_not | op_is | op_not_in | op_in | op_contains
    /// | op_le | op_ge | op_lt | op_gt | op_add | op_sub | op_mul | op_div }`
    fn infix(&mut self) -> Option<BinOp> {
        let words: [(&[&str], BinOp); 7] = [
            (&["or"], BinOp::Or),
            (&["and"], BinOp::And),
            (&["is", "not"], BinOp::IsNot),
            (&["is"], BinOp::Is),
            (&["not", "in"], BinOp::NotIn),
            (&["in"], BinOp::In),
            (&["contains"], BinOp::Contains),
        ];
        for (w, op) in words {
            if self.words(w) {
                return Some(op);
            }
        }
        let symbols = [
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
            ("+", BinOp::Add),
            ("-", BinOp::Sub),
            ("*", BinOp::Mul),
            ("/", BinOp::Div),
        ];
        symbols
            .into_iter()
            .find(|(s, _)| self.lit(s))
            .map(|(_, op)| op)
    }

    /// `primary = _{ paren | list_lit | if_expr | days_from | days_since | today |
    /// bool_true | bool_false | date_lit | decimal_lit | duration_lit | int_lit | string
    /// | path }`, with how deep lowering goes into the expressions inside it. The first
    /// character rules out every alternative that cannot start with it.
    fn primary(&mut self) -> Option<(Expr, usize)> {
        let start = self.pos;
        let leaf = |p: &mut Self, kind| {
            Some((
                Expr {
                    kind,
                    span: p.span(start),
                },
                0,
            ))
        };
        match self.byte(start)? {
            b'(' => self.paren(),
            b'[' => self.list(),
            b'"' => {
                let s = self.string(false)?;
                Some((
                    Expr {
                        kind: ExprKind::String(s.text),
                        span: s.span,
                    },
                    0,
                ))
            }
            b'0'..=b'9' => {
                if let Some(date) = self.date() {
                    return leaf(self, ExprKind::Date(date.text));
                }
                if self.decimal().is_some() {
                    let text = self.text[start..self.pos].to_string();
                    return leaf(self, ExprKind::Decimal(text));
                }
                // `duration_lit = { int_lit ~ unit }`
                self.int()?;
                let number = self.text[start..self.pos].to_string();
                let after_number = self.pos;
                self.layout();
                match self.unit() {
                    Some(unit) => leaf(self, ExprKind::Duration(number, unit)),
                    None => {
                        self.pos = after_number;
                        leaf(self, ExprKind::Int(number))
                    }
                }
            }
            c => {
                let special = match c {
                    b'i' => self.opt(Self::if_expr),
                    b'd' => self
                        .opt(Self::days_from)
                        .or_else(|| self.opt(Self::days_since)),
                    b't' if self.words(&["today"]) => return leaf(self, ExprKind::Today),
                    b't' if self.words(&["true"]) => return leaf(self, ExprKind::Bool(true)),
                    b'f' if self.words(&["false"]) => return leaf(self, ExprKind::Bool(false)),
                    _ => None,
                };
                if special.is_some() {
                    return special;
                }
                let name = self.path()?;
                leaf(self, ExprKind::Name(name))
            }
        }
    }

    /// `paren = { "(" ~ expr ~ ")" }`
    fn paren(&mut self) -> Option<(Expr, usize)> {
        let start = self.pos;
        self.expect("(")?;
        self.layout();
        let (inner, depth) = self.sequence(false)?;
        self.layout();
        self.expect(")")?;
        let kind = ExprKind::Paren(Box::new(inner));
        Some((
            Expr {
                kind,
                span: self.span(start),
            },
            depth,
        ))
    }

    /// `list_lit = { "[" ~ (expr ~ ("," ~ expr)* ~ ","?)? ~ "]" }`
    fn list(&mut self) -> Option<(Expr, usize)> {
        let start = self.pos;
        self.expect("[")?;
        self.layout();
        let mut elements = Vec::new();
        let mut deepest = 0;
        if let Some((first, depth)) = self.opt(|p| p.sequence(false)) {
            elements.push(first);
            deepest = depth;
            self.layout();
            self.repeat(|p| {
                if !p.lit(",") {
                    return false;
                }
                p.layout();
                match p.sequence(false) {
                    Some((e, depth)) => {
                        elements.push(e);
                        deepest = deepest.max(depth);
                        true
                    }
                    None => false,
                }
            });
            self.layout();
            self.lit(",");
        }
        self.layout();
        self.expect("]")?;
        let kind = ExprKind::List(elements);
        Some((
            Expr {
                kind,
                span: self.span(start),
            },
            deepest,
        ))
    }

    /// `if_expr = { "if" ~ expr ~ "then" ~ expr ~ "else" ~ expr }`
    fn if_expr(&mut self) -> Option<(Expr, usize)> {
        let start = self.pos;
        self.expect("if")?;
        self.layout();
        let (c, dc) = self.sequence(false)?;
        self.layout();
        self.expect("then")?;
        self.layout();
        let (a, da) = self.sequence(false)?;
        self.layout();
        self.expect("else")?;
        self.layout();
        let (b, db) = self.sequence(false)?;
        let kind = ExprKind::If(Box::new(c), Box::new(a), Box::new(b));
        Some((
            Expr {
                kind,
                span: self.span(start),
            },
            dc.max(da).max(db),
        ))
    }

    /// `days_from = { "days" ~ "from" ~ term ~ "to" ~ term }`
    fn days_from(&mut self) -> Option<(Expr, usize)> {
        let start = self.pos;
        self.expect("days")?;
        self.layout();
        self.expect("from")?;
        self.layout();
        let (a, da) = self.sequence(true)?;
        self.layout();
        self.expect("to")?;
        self.layout();
        let (b, db) = self.sequence(true)?;
        let kind = ExprKind::DaysFrom(Box::new(a), Box::new(b));
        Some((
            Expr {
                kind,
                span: self.span(start),
            },
            da.max(db),
        ))
    }

    /// `days_since = { "days" ~ "since" ~ term }`
    fn days_since(&mut self) -> Option<(Expr, usize)> {
        let start = self.pos;
        self.expect("days")?;
        self.layout();
        self.expect("since")?;
        self.layout();
        let (a, depth) = self.sequence(true)?;
        let kind = ExprKind::DaysSince(Box::new(a));
        Some((
            Expr {
                kind,
                span: self.span(start),
            },
            depth,
        ))
    }

    // ------------------------------------------------------------------------------
    // Declarations
    // ------------------------------------------------------------------------------

    /// `policy_file = { SOI ~ header? ~ declaration* ~ EOI }`
    fn policy_file(&mut self) -> Option<File> {
        let mut file = File::default();
        self.layout();
        file.header = self.opt(Self::header);
        self.layout();
        self.repeat(|p| match p.declaration() {
            Some(d) => {
                file.decls.push(d);
                true
            }
            None => false,
        });
        self.layout();
        (self.pos == self.bytes.len()).then_some(file)
    }

    /// `header = { "policy" ~ string ~ (header_version | header_source)* }`
    fn header(&mut self) -> Option<Header> {
        let start = self.pos;
        self.expect("policy")?;
        self.layout();
        let name = self.string(false)?;
        self.layout();
        let (mut version, mut source) = (None, None);
        self.repeat(|p| {
            let slot = if p.lit("version") {
                &mut version
            } else if p.lit("source") {
                &mut source
            } else {
                return false;
            };
            p.layout();
            let Some(value) = p.string(false) else {
                return false;
            };
            if slot.is_some() {
                p.gave_up = true;
            }
            *slot = Some(value);
            true
        });
        Some(Header {
            name,
            version,
            source,
            span: self.span(start),
        })
    }

    /// `declaration = _{ enum_decl | fact_decl | fact_group | const_decl | define_decl
    /// | outcome_decl | exception_decl | impossible_decl | test_decl }`
    fn declaration(&mut self) -> Option<Decl> {
        if let Some(d) = self.opt(Self::enum_decl) {
            return Some(Decl::Enum(d));
        }
        if let Some(d) = self.opt(|p| {
            p.expect("fact")?;
            p.layout();
            p.fact_body()
        }) {
            return Some(Decl::Fact(d));
        }
        if let Some(d) = self.opt(Self::fact_group) {
            return Some(Decl::FactGroup(d));
        }
        if let Some(d) = self.opt(Self::const_decl) {
            return Some(Decl::Const(d));
        }
        if let Some(d) = self.opt(Self::define_decl) {
            return Some(Decl::Define(d));
        }
        if let Some(d) = self.opt(Self::outcome_decl) {
            return Some(Decl::Outcome(d));
        }
        if let Some(d) = self.opt(Self::exception_decl) {
            return Some(Decl::Exception(d));
        }
        if let Some(d) = self.opt(Self::impossible_decl) {
            return Some(Decl::Impossible(d));
        }
        self.test_decl().map(Decl::Test)
    }

    /// `enum_decl = { "enum" ~ type_name ~ "{" ~ (variant ~ ","?)* ~ "}" }`
    fn enum_decl(&mut self) -> Option<EnumDecl> {
        let start = self.pos;
        self.expect("enum")?;
        self.layout();
        let name = self.type_name()?;
        self.layout();
        self.expect("{")?;
        self.layout();
        let mut variants = Vec::new();
        self.repeat(|p| {
            // `variant = { ident ~ texts? }`
            let Some(name) = p.ident() else {
                return false;
            };
            p.layout();
            let labels = p.opt(Self::texts).unwrap_or_default();
            variants.push(Variant { name, labels });
            p.layout();
            p.lit(",");
            true
        });
        self.layout();
        self.expect("}")?;
        Some(EnumDecl {
            name,
            variants,
            span: self.span(start),
        })
    }

    /// `fact_body = { ident ~ ":" ~ type_expr ~ string? ~ ask? }`
    fn fact_body(&mut self) -> Option<FactDecl> {
        let start = self.pos;
        let name = self.ident()?;
        self.layout();
        self.expect(":")?;
        self.layout();
        let ty = self.type_expr()?;
        self.layout();
        let description = self.opt(|p| p.string(false));
        self.layout();
        // `ask = { "ask" ~ texts }`
        let ask = self
            .opt(|p| {
                p.expect("ask")?;
                p.layout();
                p.texts()
            })
            .unwrap_or_default();
        Some(FactDecl {
            name,
            ty,
            description,
            ask,
            span: self.span(start),
        })
    }

    /// `fact_group = { "facts" ~ path ~ "{" ~ (fact_group | fact_body)* ~ "}" }`
    fn fact_group(&mut self) -> Option<FactGroup> {
        let start = self.pos;
        self.expect("facts")?;
        self.layout();
        let prefix = self.path()?;
        self.layout();
        self.expect("{")?;
        self.layout();
        let mut members = Vec::new();
        self.nested(|p| {
            p.repeat(|p| {
                if let Some(g) = p.opt(Self::fact_group) {
                    members.push(GroupMember::Group(g));
                    return true;
                }
                match p.fact_body() {
                    Some(f) => {
                        members.push(GroupMember::Fact(f));
                        true
                    }
                    None => false,
                }
            });
            Some(())
        })?;
        self.layout();
        self.expect("}")?;
        Some(FactGroup {
            prefix,
            members,
            span: self.span(start),
        })
    }

    /// `(":" ~ type_expr)?` of `const` and `define`, after their name.
    fn declared_type(&mut self) -> Option<TypeExpr> {
        self.opt(|p| {
            p.expect(":")?;
            p.layout();
            p.type_expr()
        })
    }

    /// `const_decl = { "const" ~ ident ~ (":" ~ type_expr)? ~ "=" ~ expr }`
    fn const_decl(&mut self) -> Option<ConstDecl> {
        let start = self.pos;
        self.expect("const")?;
        self.layout();
        let name = self.ident()?;
        self.layout();
        let ty = self.declared_type();
        self.layout();
        self.expect("=")?;
        self.layout();
        let value = self.expr()?;
        Some(ConstDecl {
            name,
            ty,
            value,
            span: self.span(start),
        })
    }

    /// `define_decl = { "define" ~ ident ~ (":" ~ type_expr)? ~ "=" ~ expr ~
    /// (unless_clause | source_clause | effective_clause)* }`
    fn define_decl(&mut self) -> Option<DefineDecl> {
        let start = self.pos;
        self.expect("define")?;
        self.layout();
        let name = self.ident()?;
        self.layout();
        let ty = self.declared_type();
        self.layout();
        self.expect("=")?;
        self.layout();
        let value = self.expr()?;
        self.layout();
        let c = self.clauses(DEFINE_CLAUSES);
        Some(DefineDecl {
            name,
            ty,
            value,
            unless: c.unless,
            sources: c.sources,
            effective: c.effective,
            span: self.span(start),
        })
    }

    /// `outcome_decl = { "outcome" ~ ident ~ outcome_clause* }`
    fn outcome_decl(&mut self) -> Option<OutcomeDecl> {
        let start = self.pos;
        self.expect("outcome")?;
        self.layout();
        let name = self.ident()?;
        self.layout();
        let c = self.clauses(OUTCOME_CLAUSES);
        Some(OutcomeDecl {
            name,
            when: c.when,
            unless: c.unless,
            title: c.title,
            explain: c.explain,
            sources: c.sources,
            effective: c.effective,
            span: self.span(start),
        })
    }

    /// `exception_decl = { "exception" ~ ident ~ "to" ~ ident ~ ("," ~ ident)* ~
    /// exception_clause* }`
    fn exception_decl(&mut self) -> Option<ExceptionDecl> {
        let start = self.pos;
        self.expect("exception")?;
        self.layout();
        let name = self.ident()?;
        self.layout();
        self.expect("to")?;
        self.layout();
        let target = self.ident()?;
        self.layout();
        let mut also = Vec::new();
        self.repeat(|p| {
            if !p.lit(",") {
                return false;
            }
            p.layout();
            match p.ident() {
                Some(n) => {
                    also.push(n);
                    true
                }
                None => false,
            }
        });
        self.layout();
        let c = self.clauses(EXCEPTION_CLAUSES);
        Some(ExceptionDecl {
            name,
            target,
            also,
            when: c.when,
            gives: c.gives,
            title: c.title,
            explain: c.explain,
            sources: c.sources,
            effective: c.effective,
            span: self.span(start),
        })
    }

    /// `impossible_decl = { "impossible" ~ ident ~ impossible_clause* }`
    fn impossible_decl(&mut self) -> Option<ImpossibleDecl> {
        let start = self.pos;
        self.expect("impossible")?;
        self.layout();
        let name = self.ident()?;
        self.layout();
        let c = self.clauses(IMPOSSIBLE_CLAUSES);
        Some(ImpossibleDecl {
            name,
            when: c.when,
            message: c.message,
            sources: c.sources,
            span: self.span(start),
        })
    }

    /// A repetition of a declaration's clauses, collected as `Lowerer::lower_clause`
    /// does; a clause that may appear once and appears twice is lowering's to report.
    fn clauses(&mut self, kinds: &[ClauseKind]) -> Clauses {
        let mut c = Clauses::default();
        self.repeat(|p| {
            let Some(clause) = kinds.iter().find_map(|&k| p.opt(|p| p.clause(k))) else {
                return false;
            };
            let once = match clause {
                Clause::When(e) => c.when.replace(e).is_none(),
                Clause::Gives(e) => c.gives.replace(e).is_none(),
                Clause::Title(t) => c.title.replace(t).is_none(),
                Clause::Explain(t) => c.explain.replace(t).is_none(),
                Clause::Message(t) => c.message.replace(t).is_none(),
                Clause::Effective(e) => c.effective.replace(e).is_none(),
                Clause::Unless(u) => {
                    c.unless.push(u);
                    true
                }
                Clause::Source(s) => {
                    c.sources.push(s);
                    true
                }
            };
            if !once {
                p.gave_up = true;
            }
            true
        });
        c
    }

    /// `when_clause = { "when" ~ expr }`, and the other clauses of declarations.
    fn clause(&mut self, kind: ClauseKind) -> Option<Clause> {
        let start = self.pos;
        let keyword = match kind {
            ClauseKind::When => "when",
            ClauseKind::Unless => "unless",
            ClauseKind::Gives => "gives",
            ClauseKind::Title => "title",
            ClauseKind::Explain => "explain",
            ClauseKind::Message => "message",
            ClauseKind::Source => "source",
            ClauseKind::Effective => "effective",
        };
        self.expect(keyword)?;
        self.layout();
        Some(match kind {
            ClauseKind::When => Clause::When(self.expr()?),
            ClauseKind::Unless => {
                let when = self.expr()?;
                Clause::Unless(Unless {
                    when,
                    span: self.span(start),
                })
            }
            ClauseKind::Gives => Clause::Gives(self.expr()?),
            ClauseKind::Title => Clause::Title(self.texts()?),
            ClauseKind::Explain => Clause::Explain(self.texts()?),
            ClauseKind::Message => Clause::Message(self.texts()?),
            ClauseKind::Source => Clause::Source(self.string(false)?),
            ClauseKind::Effective => {
                // `effective_clause = { "effective" ~ effective_from? ~ effective_until? }`
                let from = self.opt(|p| {
                    p.expect("from")?;
                    p.layout();
                    p.date()
                });
                self.layout();
                let until = self.opt(|p| {
                    p.expect("until")?;
                    p.layout();
                    p.date()
                });
                Clause::Effective(Effective {
                    from,
                    until,
                    span: self.span(start),
                })
            }
        })
    }

    /// `test_decl = { "test" ~ string ~ test_clause* }`
    fn test_decl(&mut self) -> Option<TestDecl> {
        let start = self.pos;
        self.expect("test")?;
        self.layout();
        let name = self.string(false)?;
        self.layout();
        let mut test = TestDecl {
            name,
            as_of: None,
            given: Vec::new(),
            given_span: None,
            expects: Vec::new(),
            span: Span::default(),
        };
        self.repeat(|p| p.opt(|p| p.test_clause(&mut test)).is_some());
        test.span = self.span(start);
        Some(test)
    }

    /// `test_clause = _{ as_of_clause | given_clause | expect_clause }`, put in `test`
    /// as `Lowerer::lower_test_decl` does, once it is read whole.
    fn test_clause(&mut self, test: &mut TestDecl) -> Option<()> {
        let start = self.pos;
        // `as_of_clause = { "as" ~ "of" ~ date_lit }`
        if let Some(date) = self.opt(|p| {
            p.expect("as")?;
            p.layout();
            p.expect("of")?;
            p.layout();
            p.date()
        }) {
            let as_of = Expr {
                kind: ExprKind::Date(date.text),
                span: date.span,
            };
            if test.as_of.replace(as_of).is_some() {
                self.gave_up = true;
            }
            return Some(());
        }
        if let Some(given) = self.opt(Self::given_clause) {
            if test.given_span.replace(self.span(start)).is_some() {
                self.gave_up = true;
            }
            test.given.extend(given);
            return Some(());
        }
        let expect = self.expect_clause()?;
        test.expects.push(expect);
        Some(())
    }

    /// `given_clause = { "given" ~ "{" ~ (given_entry ~ ","?)* ~ "}" }`
    fn given_clause(&mut self) -> Option<Vec<Given>> {
        self.expect("given")?;
        self.layout();
        self.expect("{")?;
        self.layout();
        let mut given = Vec::new();
        self.repeat(|p| {
            // `given_entry = { path ~ ":" ~ expr }`
            let Some(entry) = p.opt(|p| {
                let fact = p.path()?;
                p.layout();
                p.expect(":")?;
                p.layout();
                let value = p.expr()?;
                Some(Given { fact, value })
            }) else {
                return false;
            };
            given.push(entry);
            p.layout();
            p.lit(",");
            true
        });
        self.layout();
        self.expect("}")?;
        Some(given)
    }

    /// `expect_clause = { "expect" ~ ident ~ expect_status ~ expect_missing? }`
    fn expect_clause(&mut self) -> Option<Expect> {
        let start = self.pos;
        self.expect("expect")?;
        self.layout();
        let target = self.ident()?;
        self.layout();
        // `expect_status = { expect_holds | expect_not_holds | expect_undetermined }`
        let status = if self.words(&["holds"]) {
            Expected::Holds
        } else if self.words(&["does", "not", "hold"]) {
            Expected::DoesNotHold
        } else if self.words(&["undetermined"]) {
            Expected::Undetermined
        } else {
            return None;
        };
        self.layout();
        let missing = self.opt(Self::expect_missing);
        Some(Expect {
            target,
            status,
            missing,
            span: self.span(start),
        })
    }

    /// `expect_missing = { "," ~ "missing" ~ path ~ ("," ~ path)* }`
    fn expect_missing(&mut self) -> Option<Vec<Name>> {
        self.expect(",")?;
        self.layout();
        self.expect("missing")?;
        self.layout();
        let mut paths = vec![self.path()?];
        self.layout();
        self.repeat(|p| {
            if !p.lit(",") {
                return false;
            }
            p.layout();
            match p.path() {
                Some(n) => {
                    paths.push(n);
                    true
                }
                None => false,
            }
        });
        Some(paths)
    }
}

/// pest's Pratt parser (`PrattParser::expr`) over a flat sequence, with the table of
/// `lower.rs`'s `PRATT` and the spans of its `fold_pairs`. `None` only for a sequence
/// the grammar cannot produce.
fn fold(items: &mut Peekable<Drain<'_, Item>>, min_power: u32) -> Option<Expr> {
    let mut lhs = match items.next()? {
        Item::Operand(e) => e,
        Item::Prefix { not, span } => {
            let rhs = fold(items, if not { NOT - 1 } else { NEG - 1 })?;
            let span = span.to(rhs.span);
            let kind = if not {
                ExprKind::Not(Box::new(rhs))
            } else {
                ExprKind::Neg(Box::new(rhs))
            };
            Expr { kind, span }
        }
        Item::Infix(_) | Item::Postfix(..) => return None,
    };
    loop {
        let power = match items.peek() {
            None => return Some(lhs),
            Some(Item::Infix(op)) => infix_power(*op),
            Some(Item::Postfix(..)) => COMPARE,
            Some(Item::Operand(_) | Item::Prefix { .. }) => return None,
        };
        if power <= min_power {
            return Some(lhs);
        }
        lhs = match items.next()? {
            Item::Infix(op) => {
                let rhs = fold(items, power)?;
                let span = lhs.span.to(rhs.span);
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            }
            Item::Postfix(test, span) => {
                let span = lhs.span.to(span);
                Expr {
                    kind: ExprKind::Test(test, Box::new(lhs)),
                    span,
                }
            }
            Item::Operand(_) | Item::Prefix { .. } => return None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_file_with_pest;
    use super::*;

    /// Whether the fast parser read `text`; when it did, its tree must be pest's, spans
    /// included, and when pest finds an error, it must not have read it.
    fn read(text: &str) -> bool {
        let fast = parse_file(FileId(0), text);
        let pest = parse_file_with_pest(FileId(0), text);
        match (&fast, &pest) {
            (Some(fast), Ok(pest)) => {
                assert_eq!(format!("{fast:#?}"), format!("{pest:#?}"), "{text}")
            }
            (Some(_), Err(e)) => panic!("pest finds {e:?} in\n{text}"),
            (None, _) => {}
        }
        fast.is_some()
    }

    fn asylon_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a directory of the repository") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                asylon_files(&path, out);
            } else if path.extension().is_some_and(|x| x == "asylon") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_policy_of_the_repository_as_pest_reads_it() {
        let mut files = Vec::new();
        for dir in ["policies", "tests/fixtures"] {
            asylon_files(std::path::Path::new(dir), &mut files);
        }
        assert!(files.len() > 50);
        for path in files {
            let text = std::fs::read_to_string(&path).expect("a policy file");
            let pest_reads = parse_file_with_pest(FileId(0), &text).is_ok();
            assert_eq!(read(&text), pest_reads, "{}", path.display());
        }
    }

    #[test]
    fn layout_and_spans_as_pest_has_them() {
        for text in [
            "",
            "  # only a comment",
            "\u{FEFF}policy \"p\" version \"1\" source \"s\"   \n# c\n",
            "policy \"p\"\noutcome a when x title en \"A\"\n\n# c\noutcome b when y title en \"B\" es \"C\"  \n",
            "outcome a when x # no newline at the end",
            "outcome a\n  when x is known\n  unless y is not empty # c\n  unless z\n  explain en \"e\" pt-BR \"f\" eng \"g\"\n  source \"s1\" source \"s2\"\n  effective from 2024-01-01\n",
            "outcome a effective until 2024-01-01 outcome b effective from 2024-01-01 until 2024-02-02 ",
            "const c = iffy then 1 else 2",
            "const c = if a then b else c or d\nconst e = 1",
            "const d = days from a.b to today is known\nconst e = days since x + 1\nconst f = daysfrom a to b",
            "define x: list of list of int at least -5 at most 7 = [1, 2,]\ndefine y = []  unless a",
            "define x: listof Foo = [ a , b ] source \"s\" effective from 2024-01-01",
            "fact f: string matching \"a\\\\d+\" \"desc\" ask en \"Q?\" es \"¿Q?\"\nfact g: int at least 0 \"d\"\nfact h: decimal\nfact i: date fact j: duration fact k: bool fact l: Kind",
            "facts person { age: int at least 0 facts inner.x { y: bool } z: string }",
            "facts: int",
            "enum E { a en \"A\", b\n c en \"C\" es \"Ce\" }\nenum F {}\nenum G { x, }",
            "exception e to a, b , c when x gives 5 title en \"t\" explain en \"x\" effective from 2024-01-01 until 2024-02-02 source \"s\"",
            "impossible i when a > 200 message en \"no {a} \\{not\\}\" source \"x\"",
            "test \"t \\\"q\\\" \\n\" as of 2024-06-17 given {a: 1, b.c: true, d: [x, y], e: \"s\", f: 2024-01-01, g: 60 days, h: -3, i: 2.5, j: Kind.none,}\n  expect x holds expect y does  not\n hold, missing a, b.c\n expect z undetermined, missing q\n",
            "test \"empty\" given { } expect a holds",
            "const x = not a and b or c is not d and e not in [f] and g contains h and - 1 + 2 * 3 / 4 - 5 <= 6 and x is not empty and y is empty and z is unknown",
            "const x = a >= b and c < d and e > f and g in h and not not i and - -j and k -1",
            "const x = a is # comment\n not y",
            "const x = notice or order and island or todays or trueish or days_left or falsehood or in_force",
            "const x = (a or (b and (c)))\nconst y = 1 year + 2 months + 3 days - 1 day + 1 month + 2 years",
            "const x = a is\tknown is known",
            "const s = \"multi\nline ü \\\\ \"",
        ] {
            assert!(read(text), "the fast parser declined\n{text}");
        }
    }

    #[test]
    fn nesting_up_to_its_limit() {
        let n = MAX_NESTING - 1;
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("if a then ", " else b"),
            ("days since ", ""),
            ("days from a to ", ""),
            ("(not ", " is known)"),
        ] {
            let text = format!("const x = {}a{}", open.repeat(n), close.repeat(n));
            assert!(read(&text), "{text}");
            let text = format!("const x = {}a{}", open.repeat(n + 2), close.repeat(n + 2));
            assert!(!read(&text), "{text}");
        }
        let list = |n: usize| format!("fact x: {}int", "list of ".repeat(n));
        assert!(read(&list(n)));
        assert!(!read(&list(n + 2)));
        let groups = |n: usize| format!("{}x: int{}", "facts a { ".repeat(n), " }".repeat(n));
        assert!(read(&groups(n)));
        assert!(!read(&groups(n + 2)));
    }

    #[test]
    fn leaves_errors_to_pest() {
        let deep = format!("const x = {}a{}", "(".repeat(40), ")".repeat(40));
        let long = format!("const x = a{}", " or a".repeat(200));
        let long_ok = format!("const x = a{}", " or a".repeat(100));
        for text in [
            "outcome",
            "policy \"p\" policy \"q\"",
            "outcome a title en \"bad \\q escape\"",
            "outcome a when x when y",
            "outcome a effective from 2024-01-01 effective until 2024-01-02",
            "define d = 1 effective from 2024-01-01 effective until 2024-01-02",
            "policy \"p\" version \"1\" version \"2\"",
            "test \"t\" as of 2024-01-01 as of 2024-01-02",
            "test \"t\" given {} given {}",
            "fact f: int at least 99999999999999999999",
            "const s = \"open",
            "const x = 2024-6-1x",
            "const x = a or",
            "const x = 60days",
            &deep,
            &long,
        ] {
            assert!(!read(text), "the fast parser read\n{text}");
        }
        assert!(read(&long_ok));
    }

    /// Texts near valid policies: a few declarations of the repository's policies,
    /// mutated. The
    /// fast parser must read each as pest does, or leave it to pest. `ASYLON_MUTANTS`
    /// sets how many (a few thousand by default), `ASYLON_MUTANTS_SEED` which.
    #[test]
    fn mutated_policies_as_pest_reads_them() {
        let count = std::env::var("ASYLON_MUTANTS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(3000);
        // The declarations of the policies of the repository, each with the lines that
        // follow it.
        let mut decls: Vec<String> = Vec::new();
        let mut files = Vec::new();
        for dir in ["policies", "tests/fixtures"] {
            asylon_files(std::path::Path::new(dir), &mut files);
        }
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("a policy file");
            for line in text.lines() {
                let starts = line.starts_with(|c: char| c.is_ascii_lowercase());
                match decls.last_mut() {
                    Some(last) if !starts => {
                        last.push('\n');
                        last.push_str(line);
                    }
                    _ => decls.push(line.to_string()),
                }
            }
        }
        #[rustfmt::skip]
        const PIECES: &[&str] = &[
            " ", "\n", "\t", "#", "# c\n", "\"", "\\", "\\q", "(", ")", "[", "]", "{", "}",
            ",", ":", ".", "-", "+", "*", "/", "<", "<=", ">=", "=", "is", "not", "in",
            "or", "and", "known", "empty", "unknown", "if", "then", "else", "days", "day",
            "from", "to", "since", "today", "true", "false", "1", "2.5",
            "99999999999999999999", "2024-01-01", "60 days", "en", "pt-BR", "x", "A", "_",
            "é", "\u{FEFF}", "when", "unless", "gives", "title", "explain", "source",
            "effective", "until", "message", "outcome", "define", "const", "fact", "facts",
            "enum", "exception", "impossible", "test", "as of", "given", "expect", "holds",
            "does not hold", "undetermined", ", missing", "list of", "int", "at least",
            "at most", "string", "matching", "contains", "not in", "is not", "month",
            "years", "decimal", "date", "duration",
        ];
        let mut seed = std::env::var("ASYLON_MUTANTS_SEED")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0x9E37_79B9_7F4A_7C15_u64);
        let mut next = move |n: usize| {
            seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n.max(1) as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..count {
            let from = next(decls.len());
            let to = (from + 1 + next(3)).min(decls.len());
            let mut text = decls[from..to].join("\n");
            for _ in 0..1 + next(2) {
                let boundaries: Vec<usize> = (0..=text.len())
                    .filter(|&i| text.is_char_boundary(i))
                    .collect();
                let a = boundaries[next(boundaries.len())];
                let b = boundaries[next(boundaries.len())];
                let (a, b) = (a.min(b), a.max(b).min(a + 12));
                let b = (b..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                match next(4) {
                    0 => text.replace_range(a..b, ""),
                    1 => text.insert_str(a, PIECES[next(PIECES.len())]),
                    2 => {
                        let copy = text[a..b].to_string();
                        text.insert_str(a, &copy);
                    }
                    _ => text.replace_range(a..b, PIECES[next(PIECES.len())]),
                }
            }
            if read(&text) {
                accepted += 1;
            }
        }
        // Mutants that stay valid exercise the fast parser, the others its giving up.
        eprintln!("{accepted} of {count}");
        assert!(
            accepted > count / 10 && accepted < count,
            "{accepted} of {count}"
        );
    }
}
