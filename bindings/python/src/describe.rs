//! A policy's facts and outcomes as plain data, for a program that renders questions
//! or reports: ids, types, choices, and their texts in each of the policy's languages.

use asylon::internal::checked::{CheckedPolicy, FactInfo, Message};
use asylon::internal::message::template;
use asylon::value::Type;
use serde_json::{json, Map, Value};

/// Every fact, in declaration order.
pub fn facts(policy: &CheckedPolicy) -> Value {
    Value::Array(policy.facts.iter().map(|f| fact(policy, f)).collect())
}

/// One fact: `id` (its dotted name, the key path in a fact dict), `type` as the policy
/// writes it, `description`, `question` (`{lang: text}`), and for an enum its `choices`
/// with their `labels` (`{choice: {lang: text}}`); `at_least`/`at_most` when bounded.
pub fn fact(policy: &CheckedPolicy, info: &FactInfo) -> Value {
    let (choices, labels) = match &info.ty {
        Type::Enum(id) => {
            let e = policy.enum_info(*id);
            let choices: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
            let labels: Map<String, Value> = e
                .variants
                .iter()
                .map(|v| (v.name.clone(), texts(policy, &v.label)))
                .collect();
            (json!(choices), Value::Object(labels))
        }
        _ => (Value::Null, Value::Null),
    };
    json!({
        "id": info.name,
        "type": type_name(policy, &info.ty),
        "description": info.description,
        "question": texts(policy, &info.ask),
        "choices": choices,
        "labels": labels,
        "at_least": info.constraint.at_least,
        "at_most": info.constraint.at_most,
    })
}

/// Every outcome, in policy order: `id`, `title` (`{lang: text}`) and `sources`.
pub fn outcomes(policy: &CheckedPolicy) -> Value {
    let outcomes = policy.outcomes.iter().map(|id| {
        let rule = policy.rule(*id);
        json!({
            "id": rule.name,
            "title": texts(policy, &rule.title),
            "sources": rule.sources,
        })
    });
    Value::Array(outcomes.collect())
}

/// A message in every language it has, each interpolation kept as `{name}`: there is
/// no case here to take its value from (as `asylon schema` keeps them).
fn texts(policy: &CheckedPolicy, message: &Message) -> Value {
    let texts: Map<String, Value> = message
        .texts
        .iter()
        .map(|(lang, _)| (lang.clone(), json!(template(policy, message, lang))))
        .collect();
    Value::Object(texts)
}

/// A type as a policy declares it: `bool`, `date`, `list of string`, an enum's name.
fn type_name(policy: &CheckedPolicy, ty: &Type) -> String {
    ty.written(&|id| policy.enum_info(id).name.clone())
}
