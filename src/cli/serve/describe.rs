//! What the service says about a policy, from its checked form: its facts (with types,
//! descriptions, questions and choices in each language) and its outcomes (with titles),
//! and one question of an interview. Texts are the policy's own, rendered by the
//! library; nothing here words anything.

use std::collections::BTreeMap;

use serde::Serialize;

use asylon::internal::answer::choices;
use asylon::internal::checked::{CheckedPolicy, FactId};
use asylon::internal::message::{render, template};
use asylon::interview::{question_text, Question};
use asylon::value::Type;
use asylon::Facts;

use super::state::Loaded;

/// `GET /v1/policies`: one policy in the list.
#[derive(Serialize)]
pub struct Summary<'a> {
    /// The name in URLs.
    pub name: &'a str,
    /// The policy's own name (`policy "…"`).
    pub policy: &'a str,
    /// Its version, if it says.
    pub version: Option<&'a str>,
    /// The content hash of its sources.
    pub revision: &'a str,
    /// The languages its texts are written in, English first.
    pub languages: &'a [String],
}

impl<'a> Summary<'a> {
    /// The summary of the version `loaded`, served as `name`.
    pub fn of(name: &'a str, loaded: &'a Loaded) -> Summary<'a> {
        let checked = loaded.policy.checked();
        Summary {
            name,
            policy: &checked.header.name,
            version: checked.header.version.as_deref(),
            revision: &loaded.revision,
            languages: &checked.languages,
        }
    }
}

/// `GET /v1/policies/{name}`.
#[derive(Serialize)]
pub struct Description<'a> {
    #[serde(flatten)]
    summary: Summary<'a>,
    facts: Vec<FactDescription>,
    outcomes: Vec<OutcomeDescription>,
}

#[derive(Serialize)]
struct FactDescription {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    description: Option<String>,
    /// The question, by language.
    ask: BTreeMap<String, String>,
    /// The choices of an enum, each with its label by language.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    choices: Vec<ChoiceDescription>,
}

#[derive(Serialize)]
struct ChoiceDescription {
    value: String,
    label: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct OutcomeDescription {
    id: String,
    /// The title, by language.
    title: BTreeMap<String, String>,
}

impl<'a> Description<'a> {
    /// Everything about the version `loaded`, served as `name`.
    pub fn of(name: &'a str, loaded: &'a Loaded) -> Description<'a> {
        let checked = loaded.policy.checked();
        let langs = &checked.languages;
        let by_lang = |m: &asylon::internal::checked::Message| -> BTreeMap<String, String> {
            langs
                .iter()
                .map(|l| (l.clone(), render(checked, m, l, |_| None)))
                .collect()
        };
        let facts = (0..checked.facts.len())
            .map(|i| {
                let id = FactId(i as u32);
                let info = checked.fact(id);
                let values = enum_values(checked, &info.ty);
                let labels: Vec<Vec<String>> =
                    langs.iter().map(|l| choices(checked, id, l)).collect();
                FactDescription {
                    name: info.name.clone(),
                    ty: type_name(checked, &info.ty),
                    description: info.description.clone(),
                    // A question may show other answers: its placeholders stay, for the
                    // client to fill (as the facts schema keeps them).
                    ask: langs
                        .iter()
                        .map(|l| (l.clone(), template(checked, &info.ask, l)))
                        .collect(),
                    choices: values
                        .into_iter()
                        .enumerate()
                        .map(|(k, value)| ChoiceDescription {
                            value,
                            label: langs
                                .iter()
                                .zip(&labels)
                                .filter_map(|(l, ls)| ls.get(k).map(|s| (l.clone(), s.clone())))
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        let outcomes = checked
            .outcomes
            .iter()
            .map(|&r| {
                let rule = checked.rule(r);
                OutcomeDescription {
                    id: rule.name.clone(),
                    title: by_lang(&rule.title),
                }
            })
            .collect();
        Description {
            summary: Summary::of(name, loaded),
            facts,
            outcomes,
        }
    }
}

/// The next question of an interview, in one language.
#[derive(Serialize)]
pub struct QuestionView {
    /// The fact's dotted name: the answer goes there in the fact object.
    fact: String,
    #[serde(rename = "type")]
    ty: String,
    /// The question, in the request's language.
    ask: String,
    description: Option<String>,
    /// The choices of an enum: the value to send and its label.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    choices: Vec<Choice>,
    /// The undetermined outcomes the answer can decide.
    decides: Vec<String>,
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

impl QuestionView {
    /// The question `q`, in `lang`, showing the answers in `known`.
    pub fn of(checked: &CheckedPolicy, q: &Question, lang: &str, known: &Facts) -> QuestionView {
        let info = checked.fact(q.fact);
        let labels = choices(checked, q.fact, lang);
        QuestionView {
            fact: q.name.clone(),
            ty: type_name(checked, &info.ty),
            ask: question_text(checked, q.fact, lang, |f| known.get(f).cloned()),
            description: info.description.clone(),
            choices: enum_values(checked, &info.ty)
                .into_iter()
                .zip(labels)
                .map(|(value, label)| Choice { value, label })
                .collect(),
            decides: q.decides.clone(),
        }
    }
}

/// The values of an enum (or list of enum) type, as a fact object writes them.
fn enum_values(checked: &CheckedPolicy, ty: &Type) -> Vec<String> {
    let ty = match ty {
        Type::List(inner) => inner.as_ref(),
        other => other,
    };
    match ty {
        Type::Enum(id) => checked
            .enum_info(*id)
            .variants
            .iter()
            .map(|v| v.name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// A type as the language writes it: `bool`, `date`, `list of ground`.
fn type_name(checked: &CheckedPolicy, ty: &Type) -> String {
    ty.written(&|id| checked.enum_info(id).name.clone())
}
