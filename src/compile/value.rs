//! Values of the compiled evaluator: `Copy`, so evaluating never clones or allocates.
//! A string or a list is a `Slice` of an arena: the program's (constants) or the
//! case's (facts and lists built while evaluating).

use std::cmp::Ordering;

use crate::value::{Date, Duration};

/// A range of an arena: the program's constants, or the current case's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slice {
    pub(crate) case: bool,
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Slice {
    pub(crate) fn program(start: u32, len: u32) -> Slice {
        Slice {
            case: false,
            start,
            len,
        }
    }

    pub(crate) fn case(start: u32, len: u32) -> Slice {
        Slice {
            case: true,
            start,
            len,
        }
    }

    pub(crate) fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// A known value (the compiled counterpart of [`crate::value::Value`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum V {
    Bool(bool),
    Int(i64),
    Dec(f64),
    Date(Date),
    Dur(Duration),
    Enum(u32),
    Str(Slice),
    List(Slice),
}

/// The arenas a value's slices point into.
pub(crate) struct Arenas<'a> {
    pub(crate) program_strs: &'a str,
    pub(crate) program_items: &'a [V],
    pub(crate) case_strs: &'a str,
    pub(crate) case_items: &'a [V],
}

impl Arenas<'_> {
    pub(crate) fn str(&self, s: Slice) -> &str {
        let arena = if s.case {
            self.case_strs
        } else {
            self.program_strs
        };
        arena.get(s.range()).unwrap_or("")
    }

    pub(crate) fn items(&self, s: Slice) -> &[V] {
        let arena = if s.case {
            self.case_items
        } else {
            self.program_items
        };
        arena.get(s.range()).unwrap_or(&[])
    }

    /// [`crate::value::Value::same`]: equality across `int` and `decimal`, structural
    /// elsewhere.
    pub(crate) fn same(&self, a: V, b: V) -> bool {
        match (a, b) {
            (V::Int(_), V::Dec(_)) | (V::Dec(_), V::Int(_)) => {
                self.compare(a, b) == Some(Ordering::Equal)
            }
            _ => self.equal(a, b),
        }
    }

    /// Derived (`PartialEq`) equality of [`crate::value::Value`]: inside lists, `2` and
    /// `2.0` differ, as they do in the reference evaluator.
    fn equal(&self, a: V, b: V) -> bool {
        match (a, b) {
            (V::Bool(x), V::Bool(y)) => x == y,
            (V::Int(x), V::Int(y)) => x == y,
            (V::Dec(x), V::Dec(y)) => x == y,
            (V::Date(x), V::Date(y)) => x == y,
            (V::Dur(x), V::Dur(y)) => x == y,
            (V::Enum(x), V::Enum(y)) => x == y,
            (V::Str(x), V::Str(y)) => self.str(x) == self.str(y),
            (V::List(x), V::List(y)) => {
                let (x, y) = (self.items(x), self.items(y));
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| self.equal(*a, *b))
            }
            _ => false,
        }
    }

    /// [`crate::value::Value::compare`].
    pub(crate) fn compare(&self, a: V, b: V) -> Option<Ordering> {
        match (a, b) {
            (V::Int(x), V::Int(y)) => Some(x.cmp(&y)),
            (V::Dec(x), V::Dec(y)) => x.partial_cmp(&y),
            (V::Int(x), V::Dec(y)) => (x as f64).partial_cmp(&y),
            (V::Dec(x), V::Int(y)) => x.partial_cmp(&(y as f64)),
            (V::Date(x), V::Date(y)) => Some(x.cmp(&y)),
            (V::Dur(x), V::Dur(y)) => x.compare(y),
            (V::Str(x), V::Str(y)) => Some(self.str(x).cmp(self.str(y))),
            _ => None,
        }
    }
}
