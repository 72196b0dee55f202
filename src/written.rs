//! A value as JSON, the way a fact file writes it: what decisions, explanations and
//! reasons show of the values they read; as a JSON value ([`value_json`]) or written
//! straight into a buffer ([`typed_value`]), byte for byte what serde_json writes of
//! the former.

use std::io::Write as _;

use crate::checked::CheckedPolicy;
use crate::value::{Date, Type, Value};

/// A value as JSON, the way a fact file writes it.
pub fn value_json(policy: &CheckedPolicy, ty: &Type, value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match (value, ty) {
        (Value::Bool(b), _) => J::Bool(*b),
        (Value::Int(n), _) => J::from(*n),
        (Value::Decimal(n), _) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
        (Value::String(s), _) => J::String(s.to_string()),
        (Value::Date(d), _) => J::String(d.to_string()),
        (Value::Duration(d), _) => J::String(d.to_string()),
        (Value::Enum(v), Type::Enum(id)) => {
            J::String(policy.enum_info(*id).variants[*v as usize].name.clone())
        }
        (Value::Enum(v), _) => J::from(*v),
        (Value::List(items), t) => {
            let inner = match t {
                Type::List(i) => i.as_ref(),
                other => other,
            };
            J::Array(items.iter().map(|i| value_json(policy, inner, i)).collect())
        }
    }
}

/// Appends a value of type `ty` as compact JSON: the bytes serde_json writes of
/// [`value_json`]'s, without making that.
pub(crate) fn typed_value(out: &mut Vec<u8>, policy: &CheckedPolicy, ty: &Type, v: &Value) {
    match (v, ty) {
        (Value::Bool(true), _) => out.extend_from_slice(b"true"),
        (Value::Bool(false), _) => out.extend_from_slice(b"false"),
        (Value::Int(n), _) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
        (Value::Decimal(n), _) => match serde_json::Number::from_f64(*n) {
            // Writing into memory cannot fail.
            Some(n) => drop(serde_json::to_writer(&mut *out, &n)),
            None => out.extend_from_slice(b"null"),
        },
        (Value::Enum(v), Type::Enum(id)) => {
            string(out, &policy.enum_info(*id).variants[*v as usize].name)
        }
        (Value::Enum(v), _) => out.extend_from_slice(itoa::Buffer::new().format(*v).as_bytes()),
        // A date (`2024-06-17`, `-000001-01-01`) and a duration (`1 month 3 days`) are letters,
        // digits, blanks and signs: nothing to escape. Writing into memory cannot fail.
        (Value::Date(d), _) => date(out, *d),
        (Value::Duration(d), _) => drop(write!(out, "\"{d}\"")),
        (Value::String(s), _) => string(out, s),
        (Value::List(items), t) => {
            let inner = match t {
                Type::List(i) => i.as_ref(),
                other => other,
            };
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                typed_value(out, policy, inner, item);
            }
            out.push(b']');
        }
    }
}

/// Appends a string as JSON, escaped by serde_json itself, so that escaping cannot
/// differ; one that needs no escape (most: serde_json escapes only controls, quotes and
/// backslashes) is copied between quotes, tested 16 bytes at a time.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    let plain = |b: u8| b >= 0x20 && b != b'"' && b != b'\\';
    if (s.as_bytes().chunks(16)).all(|c| c.iter().fold(true, |all, &b| all & plain(b))) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    // Writing into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Appends a JSON value as compact JSON, as serde_json writes it.
pub(crate) fn value(out: &mut Vec<u8>, v: &serde_json::Value) {
    match v {
        serde_json::Value::Null => out.extend_from_slice(b"null"),
        serde_json::Value::Bool(true) => out.extend_from_slice(b"true"),
        serde_json::Value::Bool(false) => out.extend_from_slice(b"false"),
        other => {
            // Writing into memory cannot fail.
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

/// Appends a date as a JSON string, as its `Display` writes it (`"2024-06-17"`): a year
/// of four digits by hand, any other (`-000001`, `+010000`) through `Display`.
pub(crate) fn date(out: &mut Vec<u8>, d: Date) {
    let (year, month, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&year) {
        // A date is digits, dashes and a sign: nothing to escape. Writing into memory
        // cannot fail.
        let _ = write!(out, "\"{d}\"");
        return;
    }
    let digit = |n: i16| b'0' + (n % 10) as u8;
    let (month, day) = (i16::from(month), i16::from(day));
    out.extend_from_slice(&[
        b'"',
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
        b'"',
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A date is written as its `Display` writes it, quoted, whatever its year.
        #[test]
        fn a_date_is_written_as_it_displays(
            year in -9999i16..=9999,
            month in 1i8..=12,
            day in 1i8..=31,
        ) {
            let Ok(d) = Date::new(year, month, day) else { return Ok(()) };
            let mut out = Vec::new();
            date(&mut out, d);
            proptest::prop_assert_eq!(String::from_utf8_lossy(&out), format!("\"{d}\""));
        }
    }

    #[test]
    fn the_years_at_the_edges_are_written_as_they_display() {
        for (y, m, d) in [
            (0, 1, 1),
            (9, 9, 9),
            (999, 12, 31),
            (9999, 12, 31),
            (-1, 1, 1),
        ] {
            let d = Date::new(y, m, d).expect("a date");
            let mut out = Vec::new();
            date(&mut out, d);
            assert_eq!(String::from_utf8_lossy(&out), format!("\"{d}\""));
        }
    }
}
