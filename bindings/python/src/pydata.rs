//! The library's serializable results (decisions, explanations, diagnostics) as plain
//! Python data, made straight from their `Serialize` form: dicts in the order of their
//! JSON fields, lists, strings, ints, floats, bools and `None`, exactly what `json.loads`
//! makes of the command line's JSON. Every string comes from a [`Strings`] cache, so
//! the texts decisions have in common are one Python object each.

use std::fmt;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyList, PyString};
use serde::ser::{self, Serialize};

use crate::strings::Strings;

/// `value` as plain Python data, its strings taken from `strings`.
pub fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    strings: &mut Strings,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    value.serialize(Maker { py, strings }).map_err(|e| e.0)
}

/// Why a value could not be made: the Python error.
#[derive(Debug)]
pub struct Failed(PyErr);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<T: fmt::Display>(msg: T) -> Failed {
        Failed(PyValueError::new_err(msg.to_string()))
    }
}

impl From<std::convert::Infallible> for Failed {
    fn from(never: std::convert::Infallible) -> Failed {
        match never {}
    }
}

impl From<PyErr> for Failed {
    fn from(e: PyErr) -> Failed {
        Failed(e)
    }
}

/// Makes one value.
struct Maker<'s, 'py> {
    py: Python<'py>,
    strings: &'s mut Strings,
}

impl<'py> Maker<'_, 'py> {
    fn text(&mut self, text: &str) -> Bound<'py, PyAny> {
        self.strings.get(self.py, text).into_any()
    }

    fn name(&mut self, name: &'static str) -> Bound<'py, PyAny> {
        self.strings.name(self.py, name).clone().into_any()
    }

    /// `{variant: value}`, serde's external tagging, as serde_json writes it.
    fn tagged(
        &mut self,
        variant: &'static str,
        value: Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>, Failed> {
        let dict = PyDict::new(self.py);
        dict.set_item(self.strings.name(self.py, variant), value)?;
        Ok(dict.into_any())
    }
}

/// A list being made (also a tuple's, as JSON has no tuples), tagged with its variant's
/// name for a tuple variant.
struct Seq<'s, 'py> {
    py: Python<'py>,
    strings: &'s mut Strings,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

/// A dict being made, from a map or a struct, tagged with its variant's name for a
/// struct variant.
struct Map<'s, 'py> {
    py: Python<'py>,
    strings: &'s mut Strings,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'s, 'py> ser::Serializer for Maker<'s, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;
    type SerializeSeq = Seq<'s, 'py>;
    type SerializeTuple = Seq<'s, 'py>;
    type SerializeTupleStruct = Seq<'s, 'py>;
    type SerializeTupleVariant = Seq<'s, 'py>;
    type SerializeMap = Map<'s, 'py>;
    type SerializeStruct = Map<'s, 'py>;
    type SerializeStructVariant = Map<'s, 'py>;

    fn serialize_bool(self, v: bool) -> Result<Self::Ok, Failed> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }

    fn serialize_i8(self, v: i8) -> Result<Self::Ok, Failed> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<Self::Ok, Failed> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<Self::Ok, Failed> {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<Self::Ok, Failed> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }

    fn serialize_i128(self, v: i128) -> Result<Self::Ok, Failed> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }

    fn serialize_u8(self, v: u8) -> Result<Self::Ok, Failed> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<Self::Ok, Failed> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<Self::Ok, Failed> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<Self::Ok, Failed> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }

    fn serialize_u128(self, v: u128) -> Result<Self::Ok, Failed> {
        Ok(v.into_pyobject(self.py)?.into_any())
    }

    fn serialize_f32(self, v: f32) -> Result<Self::Ok, Failed> {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result<Self::Ok, Failed> {
        // serde_json writes a number that is not finite as `null`.
        if !v.is_finite() {
            return self.serialize_unit();
        }
        Ok(PyFloat::new(self.py, v).into_any())
    }

    fn serialize_char(mut self, v: char) -> Result<Self::Ok, Failed> {
        Ok(self.text(v.encode_utf8(&mut [0; 4])))
    }

    fn serialize_str(mut self, v: &str) -> Result<Self::Ok, Failed> {
        Ok(self.text(v))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Self::Ok, Failed> {
        Ok(PyBytes::new(self.py, v).into_any())
    }

    fn serialize_none(self) -> Result<Self::Ok, Failed> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Failed> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Self::Ok, Failed> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok, Failed> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Self::Ok, Failed> {
        Ok(self.name(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Failed> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Failed> {
        let inner = value.serialize(Maker {
            py: self.py,
            strings: &mut *self.strings,
        })?;
        self.tagged(variant, inner)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'s, 'py>, Failed> {
        Ok(Seq {
            py: self.py,
            strings: self.strings,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq<'s, 'py>, Failed> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Seq<'s, 'py>, Failed> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq<'s, 'py>, Failed> {
        let mut seq = self.serialize_seq(Some(len))?;
        seq.variant = Some(variant);
        Ok(seq)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'s, 'py>, Failed> {
        Ok(Map {
            py: self.py,
            strings: self.strings,
            dict: PyDict::new(self.py),
            key: None,
            variant: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map<'s, 'py>, Failed> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Map<'s, 'py>, Failed> {
        let mut map = self.serialize_map(Some(len))?;
        map.variant = Some(variant);
        Ok(map)
    }
}

impl<'py> Seq<'_, 'py> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        let item = value.serialize(Maker {
            py: self.py,
            strings: &mut *self.strings,
        })?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Result<Bound<'py, PyAny>, Failed> {
        let list = PyList::new(self.py, self.items)?.into_any();
        match self.variant {
            Some(variant) => Maker {
                py: self.py,
                strings: self.strings,
            }
            .tagged(variant, list),
            None => Ok(list),
        }
    }
}

impl<'py> ser::SerializeSeq for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }

    fn end(self) -> Result<Self::Ok, Failed> {
        self.finish()
    }
}

impl<'py> ser::SerializeTuple for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }

    fn end(self) -> Result<Self::Ok, Failed> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }

    fn end(self) -> Result<Self::Ok, Failed> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleVariant for Seq<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.push(value)
    }

    fn end(self) -> Result<Self::Ok, Failed> {
        self.finish()
    }
}

impl<'py> Map<'_, 'py> {
    fn make<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<Bound<'py, PyAny>, Failed> {
        value.serialize(Maker {
            py: self.py,
            strings: &mut *self.strings,
        })
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Failed> {
        let value = self.make(value)?;
        self.dict.set_item(self.strings.name(self.py, key), value)?;
        Ok(())
    }

    fn finish(self) -> Result<Bound<'py, PyAny>, Failed> {
        let dict = self.dict.into_any();
        match self.variant {
            Some(variant) => Maker {
                py: self.py,
                strings: self.strings,
            }
            .tagged(variant, dict),
            None => Ok(dict),
        }
    }
}

impl<'py> ser::SerializeMap for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Failed> {
        let key = self.make(key)?;
        // JSON's keys are strings: serde_json writes a number or bool key as its text.
        let key = if key.is_instance_of::<PyString>() {
            key
        } else if let Ok(b) = key.cast::<PyBool>() {
            self.strings
                .get(self.py, if b.is_true() { "true" } else { "false" })
                .into_any()
        } else {
            key.str()?.into_any()
        };
        self.key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        let value = self.make(value)?;
        let Some(key) = self.key.take() else {
            return Err(ser::Error::custom("a map value without its key"));
        };
        self.dict.set_item(key, value)?;
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Failed> {
        self.finish()
    }
}

impl<'py> ser::SerializeStruct for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        self.field(key, value)
    }

    fn end(self) -> Result<Self::Ok, Failed> {
        self.finish()
    }
}

impl<'py> ser::SerializeStructVariant for Map<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        self.field(key, value)
    }

    fn end(self) -> Result<Self::Ok, Failed> {
        self.finish()
    }
}
