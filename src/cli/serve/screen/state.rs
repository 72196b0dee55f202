//! The state of one screening, as it travels in the page's forms: the language, the
//! evaluation date, the answers so far (a fact object `asylon eval` accepts, `null` for
//! "I don't know") and the order they were given in (for Back). Nothing is kept on the
//! server: every request carries all of it.

use asylon::internal::checked::{CheckedPolicy, FactId};
use asylon::{Decision, EvalOptions, Facts, Policy};
use serde_json::{Map, Value};

/// One screening's state.
#[derive(Debug, Clone)]
pub struct State {
    /// The reader's language.
    pub lang: String,
    /// The evaluation date, `YYYY-MM-DD`, fixed when the screening starts.
    pub as_of: String,
    /// The answers: a fact object, `null` where the person does not know.
    pub answers: Value,
    /// The facts answered in this screening, in order (facts from a saved file are not).
    pub history: Vec<String>,
}

/// The pairs of an `application/x-www-form-urlencoded` body, in order.
pub type Fields = Vec<(String, String)>;

/// The last value of field `name`.
pub fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every value of field `name`, in order (checkboxes).
pub fn all<'a>(fields: &'a Fields, name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Why a state cannot be read: only a form that was altered, or a file that is not a
/// fact object.
#[derive(Debug)]
pub struct BadState(pub Box<asylon::Diagnostic>);

fn bad(code: &str, message: String, help: &str) -> BadState {
    BadState(Box::new(asylon::Diagnostic {
        code: code.into(),
        severity: asylon::Severity::Error,
        message,
        help: Some(help.into()),
        location: None,
        related: Vec::new(),
    }))
}

impl State {
    /// A new screening in `lang`, evaluated on `as_of` (default: today).
    pub fn new(lang: &str, as_of: Option<&str>) -> Result<State, asylon::Error> {
        let date = crate::cli::date_or_today(as_of)?;
        Ok(State {
            lang: lang.to_string(),
            as_of: date.to_string(),
            answers: Value::Object(Map::new()),
            history: Vec::new(),
        })
    }

    /// The state the form's hidden fields carry.
    pub fn from_fields(fields: &Fields) -> Result<State, BadState> {
        let lang = field(fields, "lang").unwrap_or("en");
        let mut state = State::new(lang, field(fields, "as_of")).map_err(|e| {
            bad(
                "asylon::screen::as_of",
                e.to_string(),
                "start the screening again",
            )
        })?;
        if let Some(text) = field(fields, "answers").filter(|t| !t.trim().is_empty()) {
            state.answers = answers_object(text)?;
        }
        state.history = field(fields, "history")
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        Ok(state)
    }

    /// The options to evaluate with.
    pub fn options(&self) -> EvalOptions {
        EvalOptions {
            // The date was read when the state was made.
            as_of: EvalOptions::on(&self.as_of)
                .map(|o| o.as_of)
                .unwrap_or_else(|_| jiff::Zoned::now().date()),
            lang: self.lang.clone(),
        }
    }

    /// The answers as compact JSON, for a hidden field.
    pub fn answers_text(&self) -> String {
        self.answers.to_string()
    }

    /// The facts answered "I don't know" (a `null`, or inside a group given as `null`).
    pub fn unknown(&self, checked: &CheckedPolicy) -> Vec<FactId> {
        (0..checked.facts.len())
            .map(|i| FactId(i as u32))
            .filter(|&f| {
                let name = &checked.fact(f).name;
                matches!(get(&self.answers, name), Some(Value::Null))
            })
            .collect()
    }

    /// Every fact with an answer (`null` included), in the policy's order.
    pub fn answered(&self, checked: &CheckedPolicy) -> Vec<FactId> {
        (0..checked.facts.len())
            .map(|i| FactId(i as u32))
            .filter(|&f| get(&self.answers, &checked.fact(f).name).is_some())
            .collect()
    }

    /// Records an answer to `name` (`Value::Null`: "I don't know").
    pub fn set(&mut self, name: &str, value: Value) {
        set(&mut self.answers, name, Some(value));
        if !self.history.iter().any(|h| h == name) {
            self.history.push(name.to_string());
        }
    }

    /// Takes back the last answer given in this screening; its fact.
    pub fn back(&mut self) -> Option<String> {
        let name = self.history.pop()?;
        set(&mut self.answers, &name, None);
        Some(name)
    }

    /// The facts and the decision the answers give.
    pub fn evaluate(&self, policy: &Policy) -> Result<(Facts, Decision), asylon::Error> {
        let facts = policy.facts_from_value(&self.answers)?;
        let decision = policy.evaluate(&facts, &self.options())?;
        Ok((facts, decision))
    }
}

/// A fact object read from text: the hidden field, or a saved file.
pub fn answers_object(text: &str) -> Result<Value, BadState> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(bad(
            "asylon::facts::not_an_object",
            "the answers are not a JSON object".into(),
            "use a file saved by this page, or a fact file `asylon eval` accepts",
        )),
        Err(e) => Err(bad(
            "asylon::facts::json",
            format!("the answers are not valid JSON: {e}"),
            "use a file saved by this page, or a fact file `asylon eval` accepts",
        )),
    }
}

/// The value at a dotted path; a group given as `null` holds `null` for each fact in it.
pub fn get<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = root;
    for key in path.split('.') {
        match node {
            Value::Object(map) => node = map.get(key)?,
            Value::Null => return Some(node),
            _ => return None,
        }
    }
    Some(node)
}

/// Sets (`None`: removes) the value at a dotted path, making the groups on the way.
fn set(root: &mut Value, path: &str, value: Option<Value>) {
    let mut node = root;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if !node.is_object() {
            if value.is_none() {
                return;
            }
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else {
            return; // INVARIANT: made an object just above.
        };
        if keys.peek().is_none() {
            match value {
                Some(v) => {
                    map.insert(key.to_string(), v);
                }
                None => {
                    map.remove(key);
                }
            }
            return;
        }
        node = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_are_set_taken_back_and_read_through_groups() {
        let mut state = State::new("en", Some("2024-06-17")).expect("a date");
        state.set("entry.method", json!("between_ports"));
        state.set("location", Value::Null);
        assert_eq!(
            state.answers,
            json!({"entry": {"method": "between_ports"}, "location": null})
        );
        assert_eq!(state.back().as_deref(), Some("location"));
        assert_eq!(state.back().as_deref(), Some("entry.method"));
        assert_eq!(state.back(), None);
        assert_eq!(state.answers, json!({"entry": {}}));
        let file = json!({"border": null, "a": {"b": 1}});
        assert_eq!(get(&file, "border.asylum_ban_in_force"), Some(&Value::Null));
        assert_eq!(get(&file, "a.b"), Some(&json!(1)));
        assert_eq!(get(&file, "a.c"), None);
    }

    #[test]
    fn the_hidden_fields_round_trip_and_bad_ones_are_refused() {
        let fields: Fields = vec![
            ("lang".into(), "es".into()),
            ("as_of".into(), "2024-06-17".into()),
            ("answers".into(), r#"{"location":"central_mexico"}"#.into()),
            ("history".into(), "location".into()),
        ];
        let state = State::from_fields(&fields).expect("a state");
        assert_eq!(state.lang, "es");
        assert_eq!(state.history, ["location"]);
        assert_eq!(state.answers_text(), r#"{"location":"central_mexico"}"#);
        let broken: Fields = vec![("answers".into(), "[1]".into())];
        let e = State::from_fields(&broken).unwrap_err();
        assert_eq!(e.0.code, "asylon::facts::not_an_object");
        let late: Fields = vec![("as_of".into(), "17 June".into())];
        assert!(State::from_fields(&late).is_err());
    }
}
