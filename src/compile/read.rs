//! A fact object read from JSON text straight into a [`Scratch`]'s slots, validated on
//! the way exactly as [`crate::facts`] validates (unknown and duplicate keys, types, enum
//! values, dates, bounds, patterns), without a JSON tree and without allocating for
//! booleans, numbers, enums, dates or durations.
//!
//! It only says *whether* the facts are valid: on any problem the caller falls back to
//! the reference reader, whose diagnostics name the JSON path and explain.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::value::{Slice, V};
use super::{CFact, CTree, CTreeNode, FactType, Fallback, Program, Scratch};
use crate::value::{parse_date, Duration};

/// The error type of the fast reader: the message is never shown (the reference reader
/// describes the problem), so it carries nothing.
#[derive(Debug)]
struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid facts")
    }
}

impl Program {
    /// Reads a fact object from JSON text into `s`, replacing the previous case's facts.
    pub fn read_json(&self, s: &mut Scratch, text: &str) -> Result<(), Fallback> {
        s.adopt(self);
        s.clear_facts();
        let mut de = serde_json::Deserializer::from_str(text);
        let seed = Group {
            program: self,
            tree: &self.tree,
            top: true,
            s,
        };
        match seed.deserialize(&mut de).and_then(|()| de.end()) {
            Ok(()) => Ok(()),
            Err(_) => Err(Fallback::Facts),
        }
    }
}

struct Group<'a> {
    program: &'a Program,
    tree: &'a CTree,
    top: bool,
    s: &'a mut Scratch,
}

impl<'de> DeserializeSeed<'de> for Group<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// A key, borrowed from the text when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(v.into()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(v.to_string().into()))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Visitor<'de> for Group<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of facts")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let keys = &self.tree.keys;
        // Keys seen in this object: a bit each for small groups, a list beyond 64.
        let mut seen_bits: u64 = 0;
        let mut seen_more: Vec<usize> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let Some(index) = find(keys, &key.0) else {
                return Err(de::Error::custom(Invalid));
            };
            if index < 64 {
                if seen_bits & (1 << index) != 0 {
                    return Err(de::Error::custom(Invalid));
                }
                seen_bits |= 1 << index;
            } else {
                if seen_more.contains(&index) {
                    return Err(de::Error::custom(Invalid));
                }
                seen_more.push(index);
            }
            match &self.tree.nodes[index] {
                CTreeNode::Group(tree) => map.next_value_seed(Group {
                    program: self.program,
                    tree,
                    top: false,
                    s: &mut *self.s,
                })?,
                CTreeNode::Fact(f) => {
                    let fact = &self.program.facts[*f as usize];
                    let value = map.next_value_seed(Fact {
                        program: self.program,
                        fact,
                        ty: &fact.ty,
                        top: true,
                        s: &mut *self.s,
                    })?;
                    self.s.facts[*f as usize] = value;
                }
            }
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.top {
            Err(E::custom(Invalid))
        } else {
            // `"person": null`: every fact of the group stays unknown.
            Ok(())
        }
    }
}

/// The index of `key` among sorted `keys`. Groups are small: comparing lengths first
/// rules out most keys without touching their bytes.
fn find(keys: &[Box<str>], key: &str) -> Option<usize> {
    if keys.len() <= 16 {
        keys.iter()
            .position(|k| k.len() == key.len() && k.as_bytes() == key.as_bytes())
    } else {
        keys.binary_search_by(|k| (**k).cmp(key)).ok()
    }
}

struct Fact<'a> {
    program: &'a Program,
    fact: &'a CFact,
    ty: &'a FactType,
    /// The fact itself (where `null` means unknown) rather than a list item.
    top: bool,
    s: &'a mut Scratch,
}

impl Fact<'_> {
    fn int<E: de::Error>(&self, n: i64) -> Result<Option<V>, E> {
        let c = &self.fact.constraint;
        if c.at_least.is_some_and(|lo| n < lo) || c.at_most.is_some_and(|hi| n > hi) {
            return Err(E::custom(Invalid));
        }
        Ok(Some(V::Int(n)))
    }
}

impl<'de> DeserializeSeed<'de> for Fact<'_> {
    type Value = Option<V>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<V>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fact<'_> {
    type Value = Option<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact's value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<V>, E> {
        if self.top {
            Ok(None)
        } else {
            Err(E::custom(Invalid))
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<V>, E> {
        match self.ty {
            FactType::Bool => Ok(Some(V::Bool(v))),
            _ => Err(E::custom(Invalid)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<V>, E> {
        match self.ty {
            FactType::Int => self.int(v),
            FactType::Decimal => Ok(Some(V::Dec(v as f64))),
            _ => Err(E::custom(Invalid)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<V>, E> {
        match (self.ty, i64::try_from(v)) {
            (FactType::Int, Ok(n)) => self.int(n),
            (FactType::Decimal, _) => Ok(Some(V::Dec(v as f64))),
            _ => Err(E::custom(Invalid)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<V>, E> {
        match self.ty {
            FactType::Decimal if v.is_finite() => Ok(Some(V::Dec(v))),
            _ => Err(E::custom(Invalid)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<V>, E> {
        let invalid = || E::custom(Invalid);
        match self.ty {
            FactType::Date => parse_date(v).map(|d| Some(V::Date(d))).ok_or_else(invalid),
            FactType::Enum(e) => self.program.enums[*e as usize]
                .iter()
                .position(|name| **name == *v)
                .map(|i| Some(V::Enum(i as u32)))
                .ok_or_else(invalid),
            FactType::Duration => Duration::parse(v)
                .map(|d| Some(V::Dur(d)))
                .ok_or_else(invalid),
            FactType::String => {
                if let Some((_, re)) = &self.fact.constraint.matching {
                    if !re.is_match(v) {
                        return Err(invalid());
                    }
                }
                let start = self.s.strs.len() as u32;
                self.s.strs.push_str(v);
                Ok(Some(V::Str(Slice::case(start, v.len() as u32))))
            }
            _ => Err(invalid()),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<V>, A::Error> {
        let FactType::List(item_ty) = self.ty else {
            return Err(de::Error::custom(Invalid));
        };
        // Items go on the stack first (an item that is itself a list lays out its own
        // items meanwhile), then move to the case arena together.
        let mark = self.s.stack.len();
        while let Some(item) = seq.next_element_seed(Fact {
            program: self.program,
            fact: self.fact,
            ty: item_ty,
            top: false,
            s: &mut *self.s,
        })? {
            // INVARIANT: an item seed (`top: false`) refuses `null`, so it is never `None`.
            if let Some(v) = item {
                self.s.stack.push(v);
            }
        }
        let at = self.s.items.len() as u32;
        let len = (self.s.stack.len() - mark) as u32;
        self.s.items.extend_from_slice(&self.s.stack[mark..]);
        self.s.stack.truncate(mark);
        Ok(Some(V::List(Slice::case(at, len))))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Option<V>, A::Error> {
        Err(de::Error::custom(Invalid))
    }
}
