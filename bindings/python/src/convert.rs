//! A Python fact dict read by the library as it reads a fact file: a serde
//! `Deserializer` over the Python objects themselves, so no JSON value (nor text) is
//! built between. `None` is unknown (JSON `null`), a `datetime.date` is its `YYYY-MM-DD`
//! text, tuples are lists; anything else with no JSON form stops the reading with the
//! value's path.

use std::cell::RefCell;
use std::fmt;

use asylon::Facts;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDict, PyDictMethods, PyFloat, PyInt, PyList, PyString, PyTuple, PyType,
};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// A Python value that has no JSON form as a fact: where it is and what it was.
#[derive(Debug)]
pub struct Unsupported {
    /// The JSON path of the value (`person.age`, `grounds[2]`), as asylon writes it.
    pub path: String,
    /// Why it cannot be a fact value.
    pub message: String,
}

/// Why a fact dict could not be read.
pub enum Unread {
    /// The library's problems with the facts (a misspelt fact, a wrong type, …).
    Asylon(asylon::Error),
    /// A Python value with no fact form.
    Python(Unsupported),
    /// Python raised while the dict was read (a `date` subclass's `isoformat`, say).
    Raised(PyErr),
}

/// Reads `facts` against `policy`.
pub fn read_facts(policy: &asylon::Policy, facts: &Bound<'_, PyAny>) -> Result<Facts, Unread> {
    let reading = Reading::default();
    let read = policy.facts_from_deserializer(Reader {
        obj: facts.clone(),
        reading: &reading,
        depth: 0,
    });
    // A stop of ours comes first: the library saw it only as a failed read.
    match reading.stop.into_inner() {
        Some(Stop::Unsupported(u)) => Err(Unread::Python(u)),
        Some(Stop::Raised(e)) => Err(Unread::Raised(e)),
        None => read.map_err(Unread::Asylon),
    }
}

static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `datetime.date`, imported once.
pub fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

/// How deep dicts and lists may nest: a fact file's bound (serde_json's), so that a
/// self-made deep structure is refused rather than overflowing the stack.
const MAX_DEPTH: usize = 128;

/// What one read shares: the path of the value being read, and why it stopped.
#[derive(Default)]
struct Reading {
    path: RefCell<String>,
    stop: RefCell<Option<Stop>>,
}

enum Stop {
    Unsupported(Unsupported),
    Raised(PyErr),
}

impl Reading {
    /// Stops the read: the library gets an error, the caller `stop`.
    fn stop(&self, stop: Stop) -> Stopped {
        self.stop.borrow_mut().get_or_insert(stop);
        Stopped("the facts could not be read from Python".into())
    }

    fn unsupported(&self, message: String) -> Stopped {
        let path = self.path.borrow().clone();
        self.stop(Stop::Unsupported(Unsupported { path, message }))
    }

    /// Reads the value under `key` of the current path.
    fn under_key<T>(&self, key: &str, read: impl FnOnce() -> T) -> T {
        let len = {
            let mut path = self.path.borrow_mut();
            let len = path.len();
            if len > 0 {
                path.push('.');
            }
            path.push_str(key);
            len
        };
        let value = read();
        self.path.borrow_mut().truncate(len);
        value
    }

    /// Reads the item at `index` of the current path.
    fn under_index<T>(&self, index: usize, read: impl FnOnce() -> T) -> T {
        let len = {
            use std::fmt::Write;
            let mut path = self.path.borrow_mut();
            let len = path.len();
            // Writing to a String cannot fail.
            let _ = write!(path, "[{index}]");
            len
        };
        let value = read();
        self.path.borrow_mut().truncate(len);
        value
    }
}

/// The error the library sees when the read stops (what stopped it is in
/// [`Reading`]), or a visitor's own refusal of a value, with its message.
#[derive(Debug)]
pub struct Stopped(String);

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stopped {}

impl de::Error for Stopped {
    fn custom<T: fmt::Display>(msg: T) -> Stopped {
        Stopped(msg.to_string())
    }
}

/// One Python value, read.
struct Reader<'a, 'py> {
    obj: Bound<'py, PyAny>,
    reading: &'a Reading,
    depth: usize,
}

impl<'de> de::Deserializer<'de> for Reader<'_, '_> {
    type Error = Stopped;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stopped> {
        let obj = &self.obj;
        let reading = self.reading;
        let raised = |e: PyErr| reading.stop(Stop::Raised(e));
        if obj.is_none() {
            return visitor.visit_unit();
        }
        // `bool` before `int`: in Python, `True` is an `int` too.
        if let Ok(b) = obj.cast::<PyBool>() {
            return visitor.visit_bool(b.is_true());
        }
        if obj.is_instance_of::<PyInt>() {
            if let Ok(n) = obj.extract::<i64>() {
                return visitor.visit_i64(n);
            }
            if let Ok(n) = obj.extract::<u64>() {
                return visitor.visit_u64(n);
            }
            return Err(reading.unsupported(format!("`{obj}` is too large for a number")));
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            let f = f.value();
            if !f.is_finite() {
                return Err(reading.unsupported(format!("`{f}` is not a number a fact can have")));
            }
            return visitor.visit_f64(f);
        }
        if let Ok(s) = obj.cast::<PyString>() {
            let text = utf8(s).map_err(raised)?;
            return visitor.visit_str(&text);
        }
        let dict = obj.cast::<PyDict>().ok();
        let list =
            dict.is_none() && (obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>());
        if (dict.is_some() || list) && self.depth >= MAX_DEPTH {
            return Err(reading.unsupported(format!(
                "the facts nest deeper than {MAX_DEPTH} dicts and lists"
            )));
        }
        if let Some(dict) = dict {
            return visitor.visit_map(Entries {
                items: dict.iter(),
                value: None,
                reading,
                depth: self.depth + 1,
            });
        }
        if list {
            return visitor.visit_seq(Items {
                items: obj.try_iter().map_err(raised)?,
                index: 0,
                reading,
                depth: self.depth + 1,
            });
        }
        if obj
            .is_instance(date_type(obj.py()).map_err(raised)?)
            .map_err(raised)?
        {
            // A `datetime` is a `date` too; its isoformat has a time, which asylon refuses
            // as a date with the fact's path, as it would in a fact file.
            let text: String = obj
                .call_method0("isoformat")
                .and_then(|t| t.extract())
                .map_err(raised)?;
            return visitor.visit_string(text);
        }
        let type_name = obj.get_type().name().map_err(raised)?.to_string();
        Err(reading.unsupported(format!("a `{type_name}` is not a fact value")))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A `str`'s UTF-8 text. On the abi3 API before Python 3.10 it is an encoded `bytes`
/// object, kept while the text is read, not copied again into a `String` as `to_cow`
/// would.
fn utf8(s: &Bound<'_, PyString>) -> PyResult<PyBackedStr> {
    PyBackedStr::try_from(s.clone())
}

/// A dict's entries: string keys, each value read under its key's path.
struct Entries<'a, 'py> {
    items: pyo3::types::iter::BoundDictIterator<'py>,
    /// The value of the key just read, and the key.
    value: Option<(Bound<'py, PyAny>, PyBackedStr)>,
    reading: &'a Reading,
    depth: usize,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = Stopped;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stopped> {
        let Some((key, value)) = self.items.next() else {
            return Ok(None);
        };
        let Ok(key) = key.cast::<PyString>() else {
            return Err(self.reading.unsupported(format!(
                "the key `{key}` is not a string: fact names are strings"
            )));
        };
        let key = match utf8(key) {
            Ok(key) => key,
            Err(e) => return Err(self.reading.stop(Stop::Raised(e))),
        };
        let read = seed.deserialize((&*key).into_deserializer());
        self.value = Some((value, key));
        read.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stopped> {
        let Some((value, key)) = self.value.take() else {
            return Err(de::Error::custom("a value asked for before its key"));
        };
        let reading = self.reading;
        let depth = self.depth;
        reading.under_key(&key, || {
            seed.deserialize(Reader {
                obj: value,
                reading,
                depth,
            })
        })
    }
}

/// A list's or tuple's items, each read under its index's path.
struct Items<'a, 'py> {
    items: Bound<'py, pyo3::types::PyIterator>,
    index: usize,
    reading: &'a Reading,
    depth: usize,
}

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = Stopped;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stopped> {
        let item = match self.items.next() {
            None => return Ok(None),
            Some(Ok(item)) => item,
            Some(Err(e)) => return Err(self.reading.stop(Stop::Raised(e))),
        };
        let reading = self.reading;
        let depth = self.depth;
        let index = self.index;
        self.index += 1;
        reading
            .under_index(index, || {
                seed.deserialize(Reader {
                    obj: item,
                    reading,
                    depth,
                })
            })
            .map(Some)
    }
}
