//! Python objects to the JSON values the library reads facts from.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::{Map, Number, Value};

/// A Python value that has no JSON form as a fact: where it is and what it was.
#[derive(Debug)]
pub struct Unsupported {
    /// The JSON path of the value (`person.age`, `grounds[2]`), as asylon writes it.
    pub path: String,
    /// Why it cannot be a fact value.
    pub message: String,
}

static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `datetime.date`, imported once.
fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

/// A fact object (or any value in it) as JSON: `None` is unknown (JSON `null`), a
/// `datetime.date` is its `YYYY-MM-DD` text, tuples are lists.
pub fn to_json(obj: &Bound<'_, PyAny>) -> PyResult<Result<Value, Unsupported>> {
    let mut path = String::new();
    value(obj, &mut path, 0)
}

/// How deep dicts and lists may nest: a fact file's bound (serde_json's), so that a
/// self-made deep structure is refused rather than overflowing the stack.
const MAX_DEPTH: usize = 128;

fn value(
    obj: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
) -> PyResult<Result<Value, Unsupported>> {
    let unsupported = |path: &str, message: String| {
        Ok(Err(Unsupported {
            path: path.to_string(),
            message,
        }))
    };
    if obj.is_none() {
        return Ok(Ok(Value::Null));
    }
    // `bool` before `int`: in Python, `True` is an `int` too.
    if obj.is_instance_of::<PyBool>() {
        return Ok(Ok(Value::Bool(obj.is_truthy()?)));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(n) = obj.extract::<i64>() {
            return Ok(Ok(Value::from(n)));
        }
        if let Ok(n) = obj.extract::<u64>() {
            return Ok(Ok(Value::from(n)));
        }
        return unsupported(path, format!("`{obj}` is too large for a number"));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        return match Number::from_f64(f) {
            Some(n) => Ok(Ok(Value::Number(n))),
            None => unsupported(path, format!("`{f}` is not a number a fact can have")),
        };
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Ok(Value::String(s.to_cow()?.into_owned())));
    }
    let nests = obj.is_instance_of::<PyDict>()
        || obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>();
    if nests && depth >= MAX_DEPTH {
        return unsupported(
            path,
            format!("the facts nest deeper than {MAX_DEPTH} dicts and lists"),
        );
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return unsupported(
                    path,
                    format!("the key `{key}` is not a string: fact names are strings"),
                );
            };
            let key = key.to_cow()?;
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key);
            let item = value(&item, path, depth + 1)?;
            path.truncate(len);
            match item {
                Ok(v) => map.insert(key.to_string(), v),
                Err(e) => return Ok(Err(e)),
            };
        }
        return Ok(Ok(Value::Object(map)));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let item = value(&item?, path, depth + 1)?;
            path.truncate(len);
            match item {
                Ok(v) => items.push(v),
                Err(e) => return Ok(Err(e)),
            }
        }
        return Ok(Ok(Value::Array(items)));
    }
    if obj.is_instance(date_type(obj.py())?)? {
        // A `datetime` is a `date` too; its isoformat has a time, which asylon refuses
        // as a date with the fact's path, as it would in a fact file.
        let text: String = obj.call_method0("isoformat")?.extract()?;
        return Ok(Ok(Value::String(text)));
    }
    let type_name = obj.get_type().name()?.to_string();
    unsupported(path, format!("a `{type_name}` is not a fact value"))
}
