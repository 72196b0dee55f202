//! A fact object read from JSON text straight into a [`Scratch`]'s slots: one pass over
//! the bytes, led by the fact tree, with no JSON tree, no tokens and no allocation once
//! the scratch's buffers have grown.
//!
//! It only says *whether* the facts are valid: on any problem the caller falls back to
//! the reference reader ([`crate::facts`]), whose diagnostics name the JSON path and
//! explain. So it must never accept what the reference refuses, nor read a value
//! differently; and it must not refuse what the reference accepts either, or the case
//! silently loses the fast path. It applies the reference's rules one by one:
//! serde_json's grammar (its whitespace, numbers, escapes and surrogates, control
//! characters, nesting bound), how serde_json's numbers reach the fact reader (`-0`,
//! `2500.0`, `1e3` and integers beyond 64 bits are floats, which an `int` refuses), then
//! unknown and duplicate keys, types, enum variants, dates, durations, bounds, patterns
//! and the policy's [`Limits`](crate::Limits).
//!
//! A decimal is computed here when its digits and its power of ten are exact as doubles,
//! where every correctly rounding algorithm agrees; any other is handed to serde_json
//! itself, so that it rounds as the reference does whichever of serde_json's float
//! algorithms the build has (`float_roundtrip` is on in test builds only, through a
//! dev-dependency, so a test would not catch the difference).
//!
//! Speed comes from matching keys and enum variants where they stand in the text
//! (`Names`), scanning strings eight bytes at a time, and keeping the position in a
//! register on the hot path.

use super::value::{Slice, V};
use super::{CFact, CTree, CTreeNode, FactType, Fallback, Program, Scratch};
use crate::value::{parse_date, Duration};

/// serde_json refuses to enter a 128th nested array or object.
const MAX_DEPTH: u32 = 127;

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

impl Program {
    /// Reads a fact object from JSON text into `s`, replacing the previous case's facts.
    pub fn read_json(&self, s: &mut Scratch, text: &str) -> Result<(), Fallback> {
        s.adopt(self);
        s.clear_facts();
        if text.len() > self.limits.max_facts_bytes {
            return Err(Fallback::Facts);
        }
        let mut r = Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
            program: self,
            s,
        };
        r.document().ok_or(Fallback::Facts)
    }
}

/// A cursor over the text. Every method returns `None` for invalid facts; the cursor is
/// then abandoned, whatever it has written to the scratch.
struct Reader<'a> {
    text: &'a str,
    /// The text's bytes, sliced without checking for character boundaries (the reader
    /// splits only at ASCII bytes).
    bytes: &'a [u8],
    at: usize,
    program: &'a Program,
    s: &'a mut Scratch,
}

/// A string value just read: still in the text (no escapes) or decoded at the end of
/// the scratch's string arena.
enum Text {
    Raw(usize, usize),
    Decoded(usize),
}

/// The first position at or after `at` that is not whitespace.
#[inline(always)]
fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    // Most texts have no whitespace between tokens: one test, and no loop.
    if bytes.get(at).is_some_and(|b| *b > b' ') {
        return at;
    }
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// The next byte at or after `at` that is not whitespace, and the position after it.
#[inline(always)]
fn token(bytes: &[u8], at: usize) -> Option<(u8, usize)> {
    let at = skip_ws(bytes, at);
    Some((*bytes.get(at)?, at + 1))
}

/// The position after `word` (`null`, `true`, `false`), when it is at `at`.
#[inline(always)]
fn literal(bytes: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    let end = at + word.len();
    (bytes.get(at..end)? == word).then_some(end)
}

/// The hot path (objects, keys, `null`, booleans, enum variants) passes the position by
/// value, so that it stays in a register; the rest moves `self.at`.
impl Reader<'_> {
    fn document(&mut self) -> Option<()> {
        let bytes = self.bytes;
        let (b'{', at) = token(bytes, 0)? else {
            return None;
        };
        let tree = &self.program.tree;
        let at = self.group(tree, 1, at)?;
        (skip_ws(bytes, at) == bytes.len()).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        self.at = skip_ws(self.bytes, self.at);
    }

    /// The next byte that is not whitespace, consumed.
    fn token(&mut self) -> Option<u8> {
        let (b, at) = token(self.bytes, self.at)?;
        self.at = at;
        Some(b)
    }

    /// The members of an object of facts, after its `{` at `at`: where the object ends.
    fn group(&mut self, tree: &CTree, depth: u32, at: usize) -> Option<usize> {
        let bytes = self.bytes;
        // Keys seen in this object: a bit each, on the machine stack for most groups.
        let mut seen: u64 = 0;
        let mut seen_more: Vec<u64> = Vec::new();
        let mut at = match token(bytes, at)? {
            (b'}', at) => return Some(at),
            (b'"', at) => at,
            _ => return None,
        };
        loop {
            let (index, next) = self.key(bytes, &tree.keys, at)?;
            if index < 64 {
                if seen & (1 << index) != 0 {
                    return None;
                }
                seen |= 1 << index;
            } else {
                let (word, bit) = ((index - 64) / 64, 1 << (index % 64));
                if seen_more.len() <= word {
                    seen_more.resize(word + 1, 0);
                }
                let w = seen_more.get_mut(word)?;
                if *w & bit != 0 {
                    return None;
                }
                *w |= bit;
            }
            // `":` and `,"` are read in one step where no whitespace separates them.
            let next = match bytes.get(next) {
                Some(b':') => next + 1,
                _ => match token(bytes, next)? {
                    (b':', next) => next,
                    _ => return None,
                },
            };
            at = match tree.nodes.get(index)? {
                CTreeNode::Group(inner) => match token(bytes, next)? {
                    (b'{', next) if depth < MAX_DEPTH => self.group(inner, depth + 1, next)?,
                    // `"person": null`: every fact of the group stays unknown.
                    (b'n', next) => literal(bytes, next, b"ull")?,
                    _ => return None,
                },
                CTreeNode::Fact(f) => {
                    let fact = self.program.facts.get(*f as usize)?;
                    let (value, next) = self.value(fact, &fact.ty, true, depth, next)?;
                    *self.s.facts.get_mut(*f as usize)? = value;
                    next
                }
            };
            at = match bytes.get(at..at + 2) {
                Some(b",\"") => at + 2,
                _ => match token(bytes, at)? {
                    (b',', next) => match token(bytes, next)? {
                        (b'"', next) => next,
                        _ => return None,
                    },
                    (b'}', next) => return Some(next),
                    _ => return None,
                },
            };
        }
    }

    /// A key, or an enum variant, after its opening quote at `at`: its index among
    /// `names`, and where its string ends.
    #[inline(always)]
    fn key(&mut self, bytes: &[u8], names: &Names, at: usize) -> Option<(usize, usize)> {
        if let Some(found) = names.at(bytes, at) {
            return Some(found);
        }
        self.at = at;
        let index = self.name(names)?;
        Some((index, self.at))
    }

    /// One fact's value (`top`), or one item of a list fact, at `at`: the value (`None`
    /// for unknown) and where it ends. The commonest values (`null`, booleans, enum
    /// variants) are read here, in the caller's loop; the others out of line.
    #[inline(always)]
    fn value(
        &mut self,
        fact: &CFact,
        ty: &FactType,
        top: bool,
        depth: u32,
        at: usize,
    ) -> Option<(Option<V>, usize)> {
        let bytes = self.bytes;
        let at = skip_ws(bytes, at);
        // A value of the wrong type is refused at its first byte: the reference refuses
        // it whatever follows.
        let (v, at) = match (*bytes.get(at)?, ty) {
            (b'n', _) if top => return Some((None, literal(bytes, at, b"null")?)),
            (b't', FactType::Bool) => (V::Bool(true), literal(bytes, at, b"true")?),
            (b'f', FactType::Bool) => (V::Bool(false), literal(bytes, at, b"false")?),
            (b'"', FactType::Enum(e)) => {
                let names = self.program.enums.get(*e as usize)?;
                let (i, at) = self.key(bytes, names, at + 1)?;
                if names.len_of(i) > self.program.limits.max_string_bytes {
                    return None;
                }
                (V::Enum(i as u32), at)
            }
            (first, _) => {
                self.at = at;
                let v = self.other(first, fact, ty, depth)?;
                (v, self.at)
            }
        };
        Some((Some(v), at))
    }

    /// A string that should be one of `names`, read the slow way (escapes, or too near
    /// the end of the text to be matched where it stands).
    #[cold]
    fn name(&mut self, names: &Names) -> Option<usize> {
        match self.string()? {
            Text::Raw(start, end) => names.find(self.bytes.get(start..end)?),
            Text::Decoded(start) => {
                let index = names.find(self.s.strs.as_bytes().get(start..)?);
                self.s.strs.truncate(start);
                index
            }
        }
    }

    /// A number, a string, a date, a duration or a list, starting with `first`.
    #[inline(never)]
    fn other(&mut self, first: u8, fact: &CFact, ty: &FactType, depth: u32) -> Option<V> {
        match (first, ty) {
            (b'-' | b'0'..=b'9', FactType::Int | FactType::Decimal) => self.number(fact, ty),
            (b'"', FactType::String | FactType::Date | FactType::Duration) => {
                self.at += 1;
                self.string_value(fact, ty)
            }
            (b'[', FactType::List(item)) if depth < MAX_DEPTH => {
                self.at += 1;
                self.list(fact, item, depth + 1)
            }
            _ => None,
        }
    }

    /// A list's items, after its `[`: laid out on the stack (an item that is itself a
    /// list lays out its own items meanwhile), then moved to the case arena together.
    fn list(&mut self, fact: &CFact, item: &FactType, depth: u32) -> Option<V> {
        let mark = self.s.stack.len();
        let max = self.program.limits.max_list_items;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                // The reference checks the limit before each item and before the end.
                if self.s.stack.len() - mark >= max {
                    return None;
                }
                // A list item is never unknown: `null` is refused.
                let (v, at) = self.value(fact, item, false, depth, self.at)?;
                self.at = at;
                self.s.stack.push(v?);
                match self.token()? {
                    b',' => {}
                    b']' => break,
                    _ => return None,
                }
            }
        }
        let len = self.s.stack.len() - mark;
        if len >= max {
            return None;
        }
        let at = self.s.items.len() as u32;
        self.s.items.extend_from_slice(self.s.stack.get(mark..)?);
        self.s.stack.truncate(mark);
        Some(V::List(Slice::case(at, len as u32)))
    }

    /// A string fact or an enum, date or duration, after the opening quote.
    fn string_value(&mut self, fact: &CFact, ty: &FactType) -> Option<V> {
        let text = self.string()?;
        let whole: &str = self.text;
        let strs = &mut self.s.strs;
        match text {
            Text::Raw(start, end) => {
                let v = whole.get(start..end)?;
                let value = from_str(self.program, fact, ty, v, strs.len())?;
                if let FactType::String = ty {
                    strs.push_str(v);
                }
                Some(value)
            }
            Text::Decoded(start) => {
                // Already in place in the arena: a string fact keeps it there.
                let value = from_str(self.program, fact, ty, strs.get(start..)?, start);
                if !matches!(ty, FactType::String) {
                    strs.truncate(start);
                }
                value
            }
        }
    }

    /// A string, after its opening quote, up to and including its closing quote.
    #[inline]
    fn string(&mut self) -> Option<Text> {
        let bytes = self.bytes;
        let start = self.at;
        let mut at = start;
        // Eight bytes at a time up to the first that ends the plain run.
        while let Some(chunk) = bytes.get(at..at + 8) {
            let special = special_bytes(chunk);
            if special != 0 {
                at += (special.trailing_zeros() / 8) as usize;
                break;
            }
            at += 8;
        }
        loop {
            match *bytes.get(at)? {
                b'"' => {
                    self.at = at + 1;
                    return Some(Text::Raw(start, at));
                }
                b'\\' => {
                    self.at = at;
                    return self.unescape(start);
                }
                // serde_json refuses control characters inside strings.
                0..=0x1f => return None,
                _ => at += 1,
            }
        }
    }

    /// The rest of a string with escapes, decoded onto the end of the string arena.
    fn unescape(&mut self, start: usize) -> Option<Text> {
        let out = self.s.strs.len();
        let mut run = start;
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.s.strs.push_str(self.text.get(run..self.at)?);
                    self.at += 1;
                    return Some(Text::Decoded(out));
                }
                b'\\' => {
                    self.s.strs.push_str(self.text.get(run..self.at)?);
                    self.at += 1;
                    let c = self.escape()?;
                    self.s.strs.push(c);
                    run = self.at;
                }
                0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
    }

    /// One escape, after its backslash. As in serde_json reading into a `str`, a
    /// surrogate must come in a pair.
    fn escape(&mut self) -> Option<char> {
        let b = self.peek()?;
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let n = self.hex4()?;
                let n = match n {
                    0xD800..=0xDBFF => {
                        self.at = literal(self.bytes, self.at, b"\\u")?;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        0x1_0000 + ((n - 0xD800) << 10) + (low - 0xDC00)
                    }
                    _ => n,
                };
                // `None` for a lone trailing surrogate.
                char::from_u32(n)?
            }
            _ => return None,
        };
        Some(c)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        let mut n = 0;
        for d in digits {
            n = n * 16 + char::from(*d).to_digit(16)?;
        }
        self.at += 4;
        Some(n)
    }

    /// A number for an `int` or `decimal` fact, as serde_json reads it and hands it to
    /// the reference reader.
    fn number(&mut self, fact: &CFact, ty: &FactType) -> Option<V> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        // The digits, as an integer while they fit (`None` beyond).
        let mut digits: Option<u64> = Some(0);
        let mut push = |d: u8| {
            digits = digits
                .and_then(|n| n.checked_mul(10))
                .and_then(|n| n.checked_add(u64::from(d - b'0')));
        };
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                while let Some(d @ b'0'..=b'9') = self.peek() {
                    push(d);
                    self.at += 1;
                }
            }
            _ => return None,
        }
        // The power of ten the digits are multiplied by (saturating: only small ones
        // are used).
        let mut exponent: i64 = 0;
        let mut fraction = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            fraction = true;
            let first = self.at;
            while let Some(d @ b'0'..=b'9') = self.peek() {
                push(d);
                exponent -= 1;
                self.at += 1;
            }
            if self.at == first {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            fraction = true;
            let sign = match self.peek() {
                Some(b'-') => {
                    self.at += 1;
                    -1
                }
                Some(b'+') => {
                    self.at += 1;
                    1
                }
                _ => 1,
            };
            let first = self.at;
            let mut e: i64 = 0;
            while let Some(d @ b'0'..=b'9') = self.peek() {
                e = (e * 10 + i64::from(d - b'0')).min(1 << 40);
                self.at += 1;
            }
            if self.at == first {
                return None;
            }
            exponent += sign * e;
        }
        if let FactType::Int = ty {
            // serde_json reads a fraction, an exponent, `-0` and integers beyond 64 bits
            // as floats, which an `int` fact refuses.
            let n = match (fraction, negative, digits?) {
                (true, _, _) | (_, true, 0) => return None,
                (false, false, n) => i64::try_from(n).ok()?,
                (false, true, n) => 0i64.checked_sub_unsigned(n)?,
            };
            let c = &fact.constraint;
            if c.at_least.is_some_and(|lo| n < lo) || c.at_most.is_some_and(|hi| n > hi) {
                return None;
            }
            return Some(V::Int(n));
        }
        let sign = |f: f64| if negative { -f } else { f };
        let f = match digits {
            // An integer below 2^64: converted as serde_json converts its u64 and i64.
            Some(n) if !fraction => sign(n as f64),
            // Digits and a power of ten both exact as doubles: one correctly rounded
            // operation, as every algorithm of serde_json computes.
            Some(n) if n <= 1 << 53 && exponent.abs() <= 22 => {
                let p = POW10.get(exponent.unsigned_abs() as usize)?;
                sign(if exponent < 0 {
                    n as f64 / p
                } else {
                    n as f64 * p
                })
            }
            _ => serde_json::from_str::<f64>(self.text.get(start..self.at)?).ok()?,
        };
        f.is_finite().then_some(V::Dec(f))
    }
}

/// A string fact's value `v`, to be found in the case arena `at`, or a date or duration
/// written as `v`.
fn from_str(program: &Program, fact: &CFact, ty: &FactType, v: &str, at: usize) -> Option<V> {
    if v.len() > program.limits.max_string_bytes {
        return None;
    }
    match ty {
        FactType::String => {
            let matches = match (&fact.fixed, &fact.constraint.matching) {
                (Some(fixed), _) => fixed.is_match(v),
                (None, Some((_, re))) => re.is_match(v),
                (None, None) => true,
            };
            if !matches {
                return None;
            }
            Some(V::Str(Slice::case(at as u32, v.len() as u32)))
        }
        FactType::Date => parse_date(v).map(V::Date),
        FactType::Duration => Duration::parse(v).map(V::Dur),
        _ => None,
    }
}

/// Names to recognise in JSON text — a group's keys (sorted), an enum's variants — laid
/// out to be matched where they stand in the text, with no scan for the end of the string
/// first: by the first byte, then a word at a time, closing quote included.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    /// The names, in order.
    names: Vec<Box<str>>,
    sorted: bool,
    /// The names JSON writes without escapes, by bucket (see [`bucket`]).
    heads: Vec<Head>,
    /// Bucket `b` is `heads[starts[b]..starts[b + 1]]`; all empty when names are only
    /// found the slow way, by [`Names::find`]: when there are too many for a byte, or a
    /// bucket holds so many that halving the sorted names is faster.
    starts: [u8; 33],
}

impl Default for Names {
    fn default() -> Names {
        Names::new([])
    }
}

/// A name as JSON text writes it, closing quote included (`person"`).
#[derive(Debug, Clone)]
struct Head {
    /// The first eight bytes, zero beyond the end.
    head: u64,
    /// Which bytes of a word belong to the name.
    mask: u64,
    /// The last eight bytes (when there are more than eight).
    tail: u64,
    quoted: Box<[u8]>,
    index: u32,
}

/// The bucket of a name's first byte (for the empty name, its closing quote): the low five
/// bits, which set apart the letters names begin with.
fn bucket(first: u8) -> usize {
    usize::from(first & 31)
}

impl Names {
    /// How many names there are.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> Names {
        let names: Vec<Box<str>> = names.into_iter().map(Into::into).collect();
        let mut heads: Vec<(usize, Head)> = names
            .iter()
            .enumerate()
            // A name JSON must escape is only ever found the slow way, by `find`.
            .filter(|(_, name)| !name.bytes().any(|c| matches!(c, b'"' | b'\\' | 0..=0x1f)))
            .map(|(index, name)| {
                let quoted: Box<[u8]> = name.bytes().chain([b'"']).collect();
                let n = quoted.len().min(8);
                let mut head = [0; 8];
                if let (Some(to), Some(from)) = (head.get_mut(..n), quoted.get(..n)) {
                    to.copy_from_slice(from);
                }
                let head = Head {
                    head: u64::from_le_bytes(head),
                    mask: u64::MAX >> (8 * (8 - n)),
                    tail: quoted
                        .len()
                        .checked_sub(8)
                        .map_or(0, |i| at_word(&quoted, i)),
                    index: index as u32,
                    quoted,
                };
                (bucket(head.head as u8), head)
            })
            .collect();
        heads.sort_by_key(|(b, _)| *b);
        let mut starts = [0; 33];
        for (b, start) in starts.iter_mut().enumerate() {
            *start = heads.iter().filter(|(hb, _)| *hb < b).count().min(255) as u8;
        }
        let sorted = names.is_sorted();
        if heads.len() > 255 || (sorted && starts.windows(2).any(|w| w[1] - w[0] > 16)) {
            starts = [0; 33];
        }
        Names {
            names,
            sorted,
            heads: heads.into_iter().map(|(_, h)| h).collect(),
            starts,
        }
    }

    fn len_of(&self, i: usize) -> usize {
        self.names.get(i).map_or(0, |n| n.len())
    }

    /// The name written at `at` (just after an opening quote) with no escapes, and
    /// where its string ends (after the closing quote). `None` is no answer: the string
    /// may still be a name once its escapes are decoded, or lie too near the end of the
    /// text.
    #[inline(always)]
    fn at(&self, bytes: &[u8], at: usize) -> Option<(usize, usize)> {
        let w = word(bytes.get(at..)?.get(..8)?);
        let b = bucket(w as u8);
        let (lo, hi) = (*self.starts.get(b)?, *self.starts.get(b + 1)?);
        for h in self.heads.get(lo as usize..hi as usize)? {
            if w & h.mask != h.head {
                continue;
            }
            let n = h.quoted.len();
            let end = at + n;
            if n <= 8
                || (bytes.get(at + (n - 8)..end).map(word) == Some(h.tail)
                    && (n <= 16 || middle(bytes, at, &h.quoted)))
            {
                return Some((h.index as usize, end));
            }
        }
        None
    }

    /// The index of `name`, compared in full.
    fn find(&self, name: &[u8]) -> Option<usize> {
        if self.sorted && self.names.len() > 16 {
            self.names.binary_search_by(|n| n.as_bytes().cmp(name)).ok()
        } else {
            self.names.iter().position(|n| n.as_bytes() == name)
        }
    }
}

/// Whether the text at `at` holds the words of `quoted` between its first and its last
/// eight bytes (both already compared).
fn middle(bytes: &[u8], at: usize, quoted: &[u8]) -> bool {
    let mut i = 8;
    while i + 8 < quoted.len() {
        if bytes.get(at + i..at + i + 8).map(word) != Some(at_word(quoted, i)) {
            return false;
        }
        i += 8;
    }
    true
}

/// The eight bytes of `s` from `i` as one word (zero when there are fewer).
fn at_word(s: &[u8], i: usize) -> u64 {
    s.get(i..i + 8).map_or(0, word)
}

/// Eight bytes as one word (`chunk` has eight bytes; anything shorter reads as zero).
fn word(chunk: &[u8]) -> u64 {
    chunk.try_into().map_or(0, u64::from_le_bytes)
}

/// Eight bytes of a string: a mark (the high bit of its byte) on each quote, backslash
/// or control character, exact up to the first one (beyond it, a borrow may mark more).
fn special_bytes(chunk: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = word(chunk);
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    (zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\'))) | below_space) & HIGH
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
