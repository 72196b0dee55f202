//! [`Text`]: a string of a decision, shared rather than copied.
//!
//! Most of a decision's text is the policy's own (ids, titles, explanations, the passages
//! of the guide, conditions as written, fact names): the same for every case. A decision
//! holds those as clones of texts made once when the policy was loaded, so that deciding
//! does not copy kilobytes of them per case; and each such text keeps its JSON form, so
//! that writing a decision copies the escaped text instead of escaping it again
//! ([`write_json`]).

use std::borrow::Borrow;
use std::cell::Cell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// An immutable string, cheap to clone: a decision's texts that come from the policy are
/// shared by every decision, not copied into each.
///
/// It reads as a `str` (`Deref`), compares equal to strings with the same content, and
/// serializes as a plain string.
///
/// ```
/// use asylon::Text;
///
/// let title = Text::from("An adult");
/// assert_eq!(title, "An adult");
/// assert_eq!(title.len(), 8);
/// assert_eq!(serde_json::to_string(&title)?, r#""An adult""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct Text(Arc<Inner>);

struct Inner {
    text: Box<str>,
    /// The text as a JSON string, quoted and escaped, for texts made once and written
    /// many times.
    json: Option<Box<RawValue>>,
}

impl Text {
    /// A text that many decisions will share and write: its JSON form is made now, once.
    pub(crate) fn shared(text: impl Into<String>) -> Text {
        let text: String = text.into();
        let json = serde_json::to_string(&text)
            .ok()
            .and_then(|quoted| RawValue::from_string(quoted).ok());
        Text(Arc::new(Inner {
            text: text.into_boxed_str(),
            json,
        }))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// Whether `other` is this very text (a clone of it), not only one equal to it.
    pub(crate) fn same(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The text as a JSON string, when it was prepared at load ([`Text::shared`]).
    pub(crate) fn json_form(&self) -> Option<&str> {
        self.0.json.as_deref().map(RawValue::get)
    }
}

thread_local! {
    /// Whether this thread is writing JSON with [`json_with_shared_texts`].
    static WRITING_JSON: Cell<bool> = const { Cell::new(false) };
}

/// Writes `value` as compact JSON, byte for byte as `serde_json::to_writer` does, but
/// faster for values holding a policy's texts: each of those is written in the JSON form
/// made when the policy was loaded instead of being escaped again. A [`crate::Decision`]
/// alone is written faster still by [`crate::Decision::write_json`].
///
/// ```
/// use asylon::{EvalOptions, Policy};
///
/// let policy = Policy::from_source("p.asylon", r#"
///     policy "P" version "1"
///     fact age: int "age in years"
///     outcome adult when age >= 18
///       title en "An adult: 18 or over" es "Una persona adulta"
/// "#)?;
/// let facts = policy.facts_from_json(r#"{"age": 20}"#)?;
/// let decision = policy.evaluate(&facts, &EvalOptions::on("2024-06-17")?)?;
/// let mut fast = Vec::new();
/// asylon::text::write_json(&mut fast, &decision)?;
/// assert_eq!(fast, serde_json::to_vec(&decision)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_json<W: io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    json_with_shared_texts(|| serde_json::to_writer(writer, value))
}

/// Runs `write`, which serializes with serde_json, letting each shared [`Text`] write
/// its JSON form as it was made at load instead of escaping its text again.
///
/// serde offers no way for a value to know which format it is written in, and the
/// prepared form is JSON only: any other serializer (the Python package's, a user's)
/// must be given the plain text. So the prepared form is used only inside this call, on
/// this thread, where the caller promises serde_json.
fn json_with_shared_texts<R>(write: impl FnOnce() -> R) -> R {
    /// Restores the flag even if `write` unwinds.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WRITING_JSON.with(|w| w.set(self.0));
        }
    }
    let _restore = Restore(WRITING_JSON.with(|w| w.replace(true)));
    write()
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0.json {
            Some(json) if WRITING_JSON.with(Cell::get) => json.serialize(serializer),
            _ => serializer.serialize_str(&self.0.text),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(Arc::new(Inner {
            text: text.into_boxed_str(),
            json: None,
        }))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::from(text.to_string())
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.as_str().to_string()
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0.text
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0.text
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0.text
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::from(String::new())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

/// Strings that need escaping (as the guide's passages and the languages have them), or
/// that serde might be thought to escape: for the tests of both JSON writers.
#[cfg(test)]
pub(crate) const AWKWARD: &[&str] = &[
    "",
    "plain",
    "quotes \" and \\ backslashes",
    "a line\nand a tab\t and a \u{1} control and \u{7f}",
    "U.S.\u{2013}Mexico, ¿Tiene 20 años? </script>",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_text_writes_the_json_serde_json_writes() {
        for s in AWKWARD {
            let shared = Text::shared(*s);
            let plain = serde_json::to_string(s).unwrap();
            let prepared = json_with_shared_texts(|| serde_json::to_string(&shared)).unwrap();
            assert_eq!(prepared, plain);
            assert_eq!(serde_json::to_string(&shared).unwrap(), plain);
        }
    }

    #[test]
    fn a_json_value_gets_the_plain_text_even_while_writing_json() {
        let shared = Text::shared("quotes \" here");
        let value = json_with_shared_texts(|| serde_json::to_value(&shared)).unwrap();
        assert_eq!(value, serde_json::Value::String("quotes \" here".into()));
    }

    #[test]
    fn the_flag_is_restored_after_the_call() {
        json_with_shared_texts(|| {});
        assert!(!WRITING_JSON.with(Cell::get));
        let nested = json_with_shared_texts(|| json_with_shared_texts(|| 1) + 1);
        assert_eq!(nested, 2);
        assert!(!WRITING_JSON.with(Cell::get));
    }

    #[test]
    fn texts_compare_read_and_round_trip_as_strings() {
        let t = Text::shared("abc");
        assert_eq!(t, Text::from("abc"));
        assert_eq!(t, "abc");
        assert_eq!("abc", t);
        let owned: String = ["ab", "c"].concat();
        assert_eq!(t, owned);
        assert_eq!(owned, t);
        assert!(t < Text::shared("abd"));
        let back: Text = serde_json::from_str(r#""abc""#).unwrap();
        assert_eq!(back, t);
        assert_eq!(format!("{t} {t:?}"), r#"abc "abc""#);
    }
}
