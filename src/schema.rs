//! The facts of a policy as a JSON Schema (draft 2020-12), so that web forms and other
//! tools can validate and render fact sets without asylon; and the schema of a decision
//! ([`decision_schema`]), so that they can read what asylon answers.
//!
//! The schema accepts what [`crate::Policy::facts_from_json`] accepts, except where
//! JSON Schema cannot say it: a well-formed date that is not a real day is refused only
//! by validators that assert `format: date`; `2500.0` is an `integer` to JSON Schema but
//! not to asylon; a duplicate key is invisible to a validator. Each fact carries its
//! description and its question in every language (`x-asylon-ask`); enum facts carry
//! the label of each variant (`x-asylon-labels`).

mod decision;

use serde_json::{json, Map, Value as J};

use crate::checked::{CheckedPolicy, FactInfo, FactNode, FactTree, Message};
use crate::message::template;
use crate::value::Type;
use crate::Policy;

pub use decision::decision_schema;

/// The JSON Schema of a policy's fact objects.
///
/// ```
/// let policy = asylon::Policy::from_source("p.asylon", r#"
///     policy "P" version "1"
///     fact age: int "age in years"
///     outcome adult when age >= 18 title en "An adult"
/// "#)?;
/// let schema = asylon::schema::fact_schema(&policy);
/// assert_eq!(schema["properties"]["age"]["type"], serde_json::json!(["integer", "null"]));
/// # Ok::<(), asylon::Error>(())
/// ```
pub fn fact_schema(policy: &Policy) -> J {
    let policy = policy.checked();
    let mut root = group(policy, &policy.fact_tree, false);
    if let J::Object(map) = &mut root {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert(
            "title".into(),
            json!(format!("Facts of \"{}\"", policy.header.name)),
        );
        if let Some(v) = &policy.header.version {
            head.insert("x-asylon-version".into(), json!(v));
        }
        head.append(map);
        *map = head;
    }
    root
}

fn group(policy: &CheckedPolicy, tree: &FactTree, nullable: bool) -> J {
    let mut properties = Map::new();
    for (key, node) in &tree.entries {
        let schema = match node {
            FactNode::Fact(f) => fact(policy, policy.fact(*f)),
            FactNode::Group(g) => group(policy, g, true),
        };
        properties.insert(key.clone(), schema);
    }
    let ty = if nullable {
        json!(["object", "null"])
    } else {
        json!("object")
    };
    json!({
        "type": ty,
        "properties": properties,
        "additionalProperties": false,
    })
}

fn fact(policy: &CheckedPolicy, info: &FactInfo) -> J {
    let mut schema = value_schema(policy, &info.ty, true);
    let J::Object(map) = &mut schema else {
        return schema;
    };
    if let Some(lo) = info.constraint.at_least {
        map.insert("minimum".into(), json!(lo));
    }
    if let Some(hi) = info.constraint.at_most {
        map.insert("maximum".into(), json!(hi));
    }
    if let Some((pattern, _)) = &info.constraint.matching {
        // The policy's pattern must match the whole string.
        let anchored = format!("^(?:{pattern})$");
        match &info.ty {
            Type::List(_) => {
                if let Some(J::Object(items)) = map.get_mut("items") {
                    items.insert("pattern".into(), json!(anchored));
                }
            }
            _ => {
                map.insert("pattern".into(), json!(anchored));
            }
        }
    }
    if let Some(d) = &info.description {
        map.insert("description".into(), json!(d));
    }
    let ask = texts(policy, &info.ask);
    if !ask.is_empty() {
        if let Some(en) = ask.get("en") {
            map.insert("title".into(), en.clone());
        }
        map.insert("x-asylon-ask".into(), J::Object(ask));
    }
    schema
}

/// The schema of one value; `nullable` for a fact itself (unknown), not a list item.
fn value_schema(policy: &CheckedPolicy, ty: &Type, nullable: bool) -> J {
    let typed = |name: &str| {
        if nullable {
            json!({ "type": [name, "null"] })
        } else {
            json!({ "type": name })
        }
    };
    match ty {
        Type::Bool => typed("boolean"),
        Type::Int => typed("integer"),
        Type::Decimal => typed("number"),
        Type::String => typed("string"),
        Type::Date => {
            let mut s = typed("string");
            s["format"] = json!("date");
            s["pattern"] = json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
            s
        }
        Type::Duration => {
            let mut s = typed("string");
            s["pattern"] = json!("^[0-9]+ (day|days|month|months|year|years)$");
            s
        }
        Type::Enum(id) => {
            let info = policy.enum_info(*id);
            let mut values: Vec<J> = info.variants.iter().map(|v| json!(v.name)).collect();
            if nullable {
                values.push(J::Null);
            }
            let labels: Map<String, J> = info
                .variants
                .iter()
                .filter(|v| !v.label.texts.is_empty())
                .map(|v| (v.name.clone(), J::Object(texts(policy, &v.label))))
                .collect();
            let mut s = json!({ "enum": values });
            if !labels.is_empty() {
                s["x-asylon-labels"] = J::Object(labels);
            }
            s
        }
        Type::List(inner) => {
            let mut s = typed("array");
            s["items"] = value_schema(policy, inner, false);
            s
        }
        Type::Any => json!({}),
    }
}

/// A message in every language it has, `{lang: text}`.
fn texts(policy: &CheckedPolicy, message: &Message) -> Map<String, J> {
    message
        .texts
        .iter()
        .map(|(lang, _)| (lang.clone(), json!(template(policy, message, lang))))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::Policy;

    #[test]
    fn dotted_facts_become_nested_closed_objects() {
        let policy = Policy::from_source(
            "p.asylon",
            r#"policy "P" version "1"
               facts person { age: int at least 0 at most 150 "age" ask en "How old?" es "¿Edad?" }"#,
        )
        .unwrap();
        let schema = super::fact_schema(&policy);
        assert_eq!(schema["additionalProperties"], false);
        let person = &schema["properties"]["person"];
        assert_eq!(person["type"], serde_json::json!(["object", "null"]));
        assert_eq!(person["additionalProperties"], false);
        let age = &person["properties"]["age"];
        assert_eq!(age["type"], serde_json::json!(["integer", "null"]));
        assert_eq!(age["minimum"], 0);
        assert_eq!(age["maximum"], 150);
        assert_eq!(age["x-asylon-ask"]["es"], "¿Edad?");
        assert_eq!(age["title"], "How old?");
    }
}
