//! A person's answer to one question, read from what they typed into the JSON value a
//! fact file would hold, so that the answers of an interview are a fact file.
//!
//! What is accepted, in every language (the words of English and Spanish both work, so
//! a person who switches language mid-sentence is still understood):
//!
//! | type | answer |
//! |---|---|
//! | `bool` | `yes`, `y`, `sí`, `si`, `s`, `true` / `no`, `n`, `false` |
//! | `int`, `decimal` | a number (`2500`, `-3`, `2.5`; `2,5` for a decimal) |
//! | `date` | `YYYY-MM-DD` |
//! | `duration` | `60 days`, `3 months`, `1 year` (`60 días`, `3 meses`, `1 año`) |
//! | enum | the choice's number in the list, its name (`valid_visa`) or its label |
//! | `list of T` | items separated by commas; `none` / `ninguno` for an empty list |
//! | `string` | the text |
//!
//! and, for any question, `?` (or `don't know`, `no sé`) for "I don't know" and `back`
//! (or `atrás`) to go back one question. A fact's bounds and pattern are checked here,
//! so a wrong answer is refused with a reason in the person's language before it
//! reaches the facts.

use miette::Diagnostic;
use thiserror::Error;

use crate::checked::{CheckedPolicy, FactId, FactInfo};
use crate::message::render;
use crate::value::{parse_date, Duration, Type};

/// What a person answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A value, as a fact file writes it.
    Value(serde_json::Value),
    /// "I don't know": the fact stays unknown and is not asked again.
    DontKnow,
    /// Go back one question.
    Back,
}

/// An answer that does not fit the question, with the reason in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(asylon::answer::invalid))]
pub struct AnswerError {
    /// What is wrong, in the person's language.
    pub message: String,
    /// How to answer, in the person's language.
    #[help]
    pub help: Option<String>,
}

/// The words that mean "I don't know", in any language asylon speaks.
pub const DONT_KNOW: &[&str] = &[
    "?",
    "don't know",
    "dont know",
    "i don't know",
    "i dont know",
    "no sé",
    "no se",
];

/// The words that mean "go back one question".
pub const BACK: &[&str] = &["back", "atrás", "atras", "<"];

const YES: &[&str] = &["yes", "y", "true", "sí", "si", "s"];
const NO: &[&str] = &["no", "n", "false"];
const EMPTY_LIST: &[&str] = &["none", "ninguno", "ninguna", "nada", "[]"];

fn spanish(lang: &str) -> bool {
    lang.split('-').next() == Some("es")
}

fn refuse(lang: &str, en: String, es: String) -> AnswerError {
    AnswerError {
        message: if spanish(lang) { es } else { en },
        help: None,
    }
}

/// The choices of an enum (or list of enum) fact, by their labels in `lang`, in order:
/// choice `n` of an interview is variant `n - 1`. Empty for other types.
pub fn choices(policy: &CheckedPolicy, fact: FactId, lang: &str) -> Vec<String> {
    let ty = match &policy.fact(fact).ty {
        Type::List(inner) => inner.as_ref(),
        other => other,
    };
    let Type::Enum(id) = ty else {
        return Vec::new();
    };
    policy
        .enum_info(*id)
        .variants
        .iter()
        .map(|v| {
            let label = render(policy, &v.label, lang, |_| None);
            if label.is_empty() {
                v.name.replace('_', " ")
            } else {
                label
            }
        })
        .collect()
}

/// Reads what a person typed as the answer to the question about `fact`.
pub fn read_answer(
    policy: &CheckedPolicy,
    fact: FactId,
    text: &str,
    lang: &str,
) -> Result<Reply, AnswerError> {
    let text = text.trim();
    let lower = text.to_lowercase();
    if DONT_KNOW.contains(&lower.as_str()) {
        return Ok(Reply::DontKnow);
    }
    if BACK.contains(&lower.as_str()) {
        return Ok(Reply::Back);
    }
    if text.is_empty() {
        return Err(refuse(
            lang,
            "Please answer (? if you don't know).".into(),
            "Por favor, responda (? si no sabe).".into(),
        ));
    }
    let info = policy.fact(fact);
    match &info.ty {
        Type::List(inner) => {
            if EMPTY_LIST.contains(&lower.as_str()) && !is_variant(policy, inner, &lower) {
                return Ok(Reply::Value(serde_json::Value::Array(Vec::new())));
            }
            let items = text
                .split(',')
                .map(|item| read_item(policy, info, fact, inner, item.trim(), lang))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Reply::Value(serde_json::Value::Array(items)))
        }
        ty => read_item(policy, info, fact, ty, text, lang).map(Reply::Value),
    }
}

fn is_variant(policy: &CheckedPolicy, ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Enum(id) if policy.enum_info(*id).variant(name).is_some())
}

/// One value of type `ty` (the fact's own type, or its list's item type).
fn read_item(
    policy: &CheckedPolicy,
    info: &FactInfo,
    fact: FactId,
    ty: &Type,
    text: &str,
    lang: &str,
) -> Result<serde_json::Value, AnswerError> {
    use serde_json::Value as J;
    let lower = text.to_lowercase();
    match ty {
        Type::Bool => {
            if YES.contains(&lower.as_str()) {
                Ok(J::Bool(true))
            } else if NO.contains(&lower.as_str()) {
                Ok(J::Bool(false))
            } else {
                Err(refuse(
                    lang,
                    format!("`{text}` is not yes or no."),
                    format!("`{text}` no es sí ni no."),
                ))
            }
        }
        Type::Int => {
            let n: i64 = text.parse().map_err(|_| {
                refuse(
                    lang,
                    format!("`{text}` is not a whole number."),
                    format!("`{text}` no es un número entero."),
                )
            })?;
            let c = &info.constraint;
            if let Some(lo) = c.at_least.filter(|lo| n < *lo) {
                return Err(refuse(
                    lang,
                    format!("The number must be at least {lo}."),
                    format!("El número debe ser al menos {lo}."),
                ));
            }
            if let Some(hi) = c.at_most.filter(|hi| n > *hi) {
                return Err(refuse(
                    lang,
                    format!("The number must be at most {hi}."),
                    format!("El número debe ser como máximo {hi}."),
                ));
            }
            Ok(J::from(n))
        }
        Type::Decimal => text
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(J::Number)
            .ok_or_else(|| {
                refuse(
                    lang,
                    format!("`{text}` is not a number."),
                    format!("`{text}` no es un número."),
                )
            }),
        Type::Date => parse_date(text)
            .map(|d| J::String(d.to_string()))
            .ok_or_else(|| AnswerError {
                help: Some(if spanish(lang) {
                    "escriba la fecha AAAA-MM-DD, por ejemplo 2024-06-17".into()
                } else {
                    "write the date YYYY-MM-DD, for example 2024-06-17".into()
                }),
                ..refuse(
                    lang,
                    format!("`{text}` is not a date."),
                    format!("`{text}` no es una fecha."),
                )
            }),
        Type::Duration => read_duration(&lower)
            .map(|d| J::String(d.to_string()))
            .ok_or_else(|| {
                refuse(
                    lang,
                    format!("`{text}` is not a duration such as 60 days, 3 months or 1 year."),
                    format!("`{text}` no es un plazo como 60 días, 3 meses o 1 año."),
                )
            }),
        Type::Enum(id) => {
            let info = policy.enum_info(*id);
            let labels = choices_of(policy, *id, lang);
            let found = lower
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .filter(|i| *i < info.variants.len())
                .or_else(|| info.variant(&lower).map(|i| i as usize))
                .or_else(|| labels.iter().position(|l| l.to_lowercase() == lower));
            match found {
                Some(i) => Ok(J::String(info.variants[i].name.clone())),
                None => Err(AnswerError {
                    help: Some(if spanish(lang) {
                        format!("responda con un número del 1 al {}", info.variants.len())
                    } else {
                        format!("answer with a number from 1 to {}", info.variants.len())
                    }),
                    ..refuse(
                        lang,
                        format!("`{text}` is not one of the choices."),
                        format!("`{text}` no es una de las opciones."),
                    )
                }),
            }
        }
        Type::String => {
            if let Some((pattern, re)) = &info.constraint.matching {
                if !re.is_match(text) {
                    return Err(AnswerError {
                        help: info.description.clone(),
                        ..refuse(
                            lang,
                            format!("`{text}` does not have the expected form (`{pattern}`)."),
                            format!("`{text}` no tiene la forma esperada (`{pattern}`)."),
                        )
                    });
                }
            }
            Ok(J::String(text.to_string()))
        }
        // Nested lists and `Any` are not fact types the checker lets through; refuse
        // rather than guess.
        Type::List(_) | Type::Any => Err(refuse(
            lang,
            format!("`{}` cannot be answered in an interview.", info.name),
            format!(
                "`{}` no se puede responder en una entrevista.",
                policy.fact(fact).name
            ),
        )),
    }
}

fn choices_of(policy: &CheckedPolicy, id: crate::value::EnumId, lang: &str) -> Vec<String> {
    policy
        .enum_info(id)
        .variants
        .iter()
        .map(|v| render(policy, &v.label, lang, |_| None))
        .collect()
}

/// A duration in English or Spanish words.
fn read_duration(text: &str) -> Option<Duration> {
    let (n, unit) = text.split_once(' ')?;
    let unit = match unit.trim() {
        "día" | "dia" | "días" | "dias" => "days",
        "mes" | "meses" => "months",
        "año" | "ano" | "años" | "anos" => "years",
        other => other,
    };
    Duration::parse(&format!("{n} {unit}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    const POLICY: &str = r#"
        policy "Answers" version "1"
        enum Color { red en "Red" es "Rojo", green, none en "None of them" }
        enum Ground { race en "race" es "raza", religion en "religion" es "religión" }
        facts f {
          ok: bool "ok"
          age: int at least 0 at most 120 "age"
          share: decimal "share"
          entered: date "day"
          wait: duration "wait"
          color: Color "color"
          grounds: list of Ground "grounds"
          colors: list of Color "colors"
          code: string matching "^[A-Z]{2}$" "a two-letter code"
        }
        outcome o when f.ok title en "o"
    "#;

    fn read(fact: &str, text: &str, lang: &str) -> Result<Reply, AnswerError> {
        let policy = Policy::from_source("answers.asylon", POLICY).expect("the policy checks");
        let checked = policy.checked();
        let id = checked.fact_named(fact).expect("the fact exists");
        read_answer(checked, id, text, lang)
    }

    fn value(fact: &str, text: &str) -> serde_json::Value {
        match read(fact, text, "en") {
            Ok(Reply::Value(v)) => v,
            other => panic!("{fact} {text:?}: {other:?}"),
        }
    }

    #[test]
    fn yes_and_no_in_both_languages() {
        for yes in ["yes", "Y", "sí", "Si", "true"] {
            assert_eq!(value("f.ok", yes), serde_json::json!(true), "{yes}");
        }
        for no in ["no", "N", "false"] {
            assert_eq!(value("f.ok", no), serde_json::json!(false), "{no}");
        }
        let e = read("f.ok", "maybe", "es").unwrap_err();
        assert_eq!(e.message, "`maybe` no es sí ni no.");
    }

    #[test]
    fn numbers_respect_their_bounds() {
        assert_eq!(value("f.age", "42"), serde_json::json!(42));
        assert_eq!(
            read("f.age", "121", "en").unwrap_err().message,
            "The number must be at most 120."
        );
        assert_eq!(
            read("f.age", "-1", "es").unwrap_err().message,
            "El número debe ser al menos 0."
        );
        assert!(read("f.age", "4.5", "en").is_err());
        assert_eq!(value("f.share", "2,5"), serde_json::json!(2.5));
    }

    #[test]
    fn dates_and_durations() {
        assert_eq!(
            value("f.entered", "2024-02-29"),
            serde_json::json!("2024-02-29")
        );
        assert!(read("f.entered", "2023-02-29", "en").is_err());
        assert_eq!(value("f.wait", "60 días"), serde_json::json!("60 days"));
        assert_eq!(value("f.wait", "1 año"), serde_json::json!("1 year"));
    }

    #[test]
    fn enum_by_number_name_or_label() {
        assert_eq!(value("f.color", "1"), serde_json::json!("red"));
        assert_eq!(value("f.color", "green"), serde_json::json!("green"));
        assert_eq!(value("f.color", "red"), serde_json::json!("red"));
        assert!(read("f.color", "4", "en").is_err());
        assert!(read("f.color", "0", "en").is_err());
        match read("f.color", "rojo", "es") {
            Ok(Reply::Value(v)) => assert_eq!(v, "red"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lists_by_commas_and_none() {
        assert_eq!(
            value("f.grounds", "2, race"),
            serde_json::json!(["religion", "race"])
        );
        assert_eq!(value("f.grounds", "none"), serde_json::json!([]));
        assert_eq!(value("f.grounds", "ninguno"), serde_json::json!([]));
        // A variant named `none` is the variant, not the empty list.
        assert_eq!(value("f.colors", "none"), serde_json::json!(["none"]));
    }

    #[test]
    fn patterns_are_checked() {
        assert_eq!(value("f.code", "VE"), serde_json::json!("VE"));
        let e = read("f.code", "Venezuela", "en").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("a two-letter code"));
    }

    #[test]
    fn dont_know_and_back_for_every_question() {
        for fact in ["f.ok", "f.age", "f.grounds", "f.code"] {
            assert_eq!(read(fact, "?", "en"), Ok(Reply::DontKnow));
            assert_eq!(read(fact, "No sé", "es"), Ok(Reply::DontKnow));
            assert_eq!(read(fact, "back", "en"), Ok(Reply::Back));
            assert_eq!(read(fact, "atrás", "es"), Ok(Reply::Back));
        }
        assert!(read("f.ok", "  ", "en").is_err());
    }

    #[test]
    fn choices_are_labels_in_the_language() {
        let policy = Policy::from_source("answers.asylon", POLICY).expect("the policy checks");
        let checked = policy.checked();
        let color = checked.fact_named("f.colors").expect("the fact exists");
        assert_eq!(
            choices(checked, color, "es"),
            ["Rojo", "green", "None of them"]
        );
    }
}
