//! One question as form controls, what the person sent back read as a fact's value, and
//! a value shown back to them. The controls give the text the command line's `ask`
//! reads (`yes`, a choice's name, `YYYY-MM-DD`, items separated by commas), so that an
//! answer is read, bounds and all, by the same library function and refused with its
//! reason.

use asylon::internal::answer::{choices, read_answer, Reply};
use asylon::internal::checked::{CheckedPolicy, FactId};
use asylon::value::Type;
use maud::{html, Markup};
use serde_json::Value;

use super::words::Words;

/// How a fact is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Yes or no (radio buttons).
    YesNo,
    /// One of the choices (radio buttons): `(value, label)`.
    One(Vec<(String, String)>),
    /// Any of the choices (checkboxes).
    Any(Vec<(String, String)>),
    /// A date picker.
    Date,
    /// A number; `true` when it may have decimals.
    Number(bool),
    /// Text.
    Text,
}

/// The control for `fact`, its choices labelled in `lang`.
pub fn control(checked: &CheckedPolicy, fact: FactId, lang: &str) -> Control {
    let ty = &checked.fact(fact).ty;
    let labelled = |ty: &Type| -> Vec<(String, String)> {
        let Type::Enum(id) = ty else {
            return Vec::new();
        };
        let names = checked
            .enum_info(*id)
            .variants
            .iter()
            .map(|v| v.name.clone());
        names.zip(choices(checked, fact, lang)).collect()
    };
    match ty {
        Type::Bool => Control::YesNo,
        Type::Enum(_) => Control::One(labelled(ty)),
        Type::List(inner) if matches!(**inner, Type::Enum(_)) => Control::Any(labelled(inner)),
        Type::Date => Control::Date,
        Type::Int => Control::Number(false),
        Type::Decimal => Control::Number(true),
        _ => Control::Text,
    }
}

/// What the person sent as the answer to `fact`: `Ok(None)` when nothing was chosen or
/// written, else the value a fact file holds, or the library's reason to refuse it.
pub fn read(
    checked: &CheckedPolicy,
    fact: FactId,
    sent: &[&str],
    lang: &str,
) -> Result<Option<Value>, Box<asylon::Diagnostic>> {
    let text = match control(checked, fact, lang) {
        // No box ticked is an answer: none of them.
        Control::Any(_) if sent.iter().all(|s| s.trim().is_empty()) => "none".to_string(),
        Control::Any(_) => sent.join(", "),
        _ => sent.first().map_or(String::new(), |s| s.trim().to_string()),
    };
    if text.is_empty() {
        return Ok(None);
    }
    match read_answer(checked, fact, &text, lang) {
        Ok(Reply::Value(v)) => Ok(Some(v)),
        // Typing "no sé" or `?` is saying "I don't know"; `back` is no answer.
        Ok(Reply::DontKnow) => Ok(Some(Value::Null)),
        Ok(Reply::Back) => Ok(None),
        Err(e) => Err(refused(&e)),
    }
}

fn refused(e: &asylon::internal::answer::AnswerError) -> Box<asylon::Diagnostic> {
    Box::new(asylon::Diagnostic {
        code: "asylon::answer::invalid".into(),
        severity: asylon::Severity::Error,
        message: e.message.clone(),
        help: e.help.clone(),
        location: None,
        related: Vec::new(),
    })
}

/// The controls of a question, showing `current` (the answer given before, if any);
/// `described_by`: the ids of the texts that describe a single field.
pub fn controls(
    control: &Control,
    current: Option<&Value>,
    described_by: &str,
    w: &Words,
) -> Markup {
    let chosen = |v: &str| match current {
        Some(Value::String(s)) => s == v,
        Some(Value::Bool(b)) => (v == "yes") == *b,
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some(v)),
        _ => false,
    };
    let written = match current {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let radios = |choices: &[(String, String)], kind: &str| {
        html! {
            div.choices {
                @for (k, (value, label)) in choices.iter().enumerate() {
                    div.choice {
                        input type=(kind) name="value" id={"c" (k)} value=(value)
                            checked[chosen(value)];
                        label for={"c" (k)} { (label) }
                    }
                }
            }
        }
    };
    match control {
        Control::YesNo => radios(
            &[("yes".into(), w.yes.into()), ("no".into(), w.no.into())],
            "radio",
        ),
        Control::One(choices) => radios(choices, "radio"),
        Control::Any(choices) => radios(choices, "checkbox"),
        Control::Date => html! {
            input #value type="date" name="value" value=(written)
                aria-describedby=(described_by);
        },
        Control::Number(decimal) => html! {
            input #value .short type="text" name="value" value=(written)
                inputmode=(if *decimal { "decimal" } else { "numeric" })
                autocomplete="off" aria-describedby=(described_by);
        },
        Control::Text => html! {
            input #value type="text" name="value" value=(written) autocomplete="off"
                aria-describedby=(described_by);
        },
    }
}

/// Whether the control is a group of choices (a fieldset with a legend) rather than one
/// field (a label).
pub fn grouped(control: &Control) -> bool {
    matches!(control, Control::YesNo | Control::One(_) | Control::Any(_))
}

/// An answer shown back in the reader's words: a choice's label, yes or no.
pub fn shown(checked: &CheckedPolicy, fact: FactId, value: &Value, w: &Words) -> String {
    let label = |name: &str| -> String {
        match control(checked, fact, w.lang) {
            Control::One(cs) | Control::Any(cs) => cs
                .into_iter()
                .find(|(v, _)| v == name)
                .map_or_else(|| name.to_string(), |(_, l)| l),
            _ => name.to_string(),
        }
    };
    match value {
        Value::Null => w.dont_know.to_string(),
        Value::Bool(true) => w.yes.to_string(),
        Value::Bool(false) => w.no.to_string(),
        Value::Array(items) if items.is_empty() => w.none.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), label))
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(s) => label(s),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const POLICY: &str = r#"
        policy "Controls"
        enum Ground { race en "race" es "raza"  religion en "religion" es "religión" }
        fact grounds: list of Ground "grounds" ask en "Why?" es "¿Por qué?"
        fact age: int "age" ask en "How old?"
        fact ok: bool "ok" ask en "OK?"
        outcome o when ok and age > 1 and race in grounds title en "o"
    "#;

    #[test]
    fn answers_are_read_as_the_command_line_reads_them() {
        let policy = asylon::Policy::from_source("c.asylon", POLICY).expect("checks");
        let checked = policy.checked();
        let grounds = checked.fact_named("grounds").expect("declared");
        let age = checked.fact_named("age").expect("declared");
        let ok = checked.fact_named("ok").expect("declared");
        assert_eq!(
            control(checked, grounds, "es"),
            Control::Any(vec![
                ("race".into(), "raza".into()),
                ("religion".into(), "religión".into())
            ])
        );
        assert_eq!(read(checked, grounds, &[], "en"), Ok(Some(json!([]))));
        assert_eq!(
            read(checked, grounds, &["race", "religion"], "en"),
            Ok(Some(json!(["race", "religion"])))
        );
        assert_eq!(read(checked, age, &["42"], "en"), Ok(Some(json!(42))));
        assert_eq!(read(checked, age, &[" "], "en"), Ok(None));
        let refused = read(checked, age, &["forty"], "es").unwrap_err();
        assert_eq!(refused.code, "asylon::answer::invalid");
        assert_eq!(read(checked, ok, &["no"], "es"), Ok(Some(json!(false))));
        let w = super::super::words::words("es");
        assert_eq!(shown(checked, grounds, &json!(["religion"]), w), "religión");
        assert_eq!(shown(checked, ok, &json!(true), w), "Sí");
        assert_eq!(shown(checked, ok, &Value::Null, w), "No sé");
    }
}
