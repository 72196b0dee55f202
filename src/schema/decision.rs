//! The JSON Schema (draft 2020-12) of a decision as `asylon eval --format json` prints
//! it, and as each result of `asylon batch` carries it: the contract other tools read.
//!
//! It is strict: every object lists its properties and refuses others
//! (`additionalProperties: false`), and every field always written is `required`, so a
//! renamed or dropped field fails validation. Fields written only when they say
//! something (`version`, `effective`, `conflicts`, …) are optional. Given a policy, the
//! schema also names what that policy can say: its name, its outcome ids, its facts.

use serde_json::{json, Value as J};

use crate::Policy;

/// The JSON Schema of a decision. With a policy, outcome ids, fact names, exception
/// names and the policy's name are narrowed to that policy's; without, they are any
/// string.
///
/// ```
/// let schema = asylon::schema::decision_schema(None);
/// assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
/// assert_eq!(schema["additionalProperties"], false);
/// ```
pub fn decision_schema(policy: Option<&Policy>) -> J {
    let names = Names::of(policy);
    let title = match policy {
        Some(p) => format!("Decision of \"{}\"", p.checked().header.name),
        None => "Decision of an asylon policy".to_string(),
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": "What `asylon eval --format json` prints: which outcomes hold, which do not, which are undetermined and which facts would decide them.",
        "type": "object",
        "properties": {
            "policy": names.policy,
            "title": {"type": "string", "description": "the policy's title in the decision's language, when it is translated and differs from `policy`"},
            "version": {"type": "string"},
            "revision": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$", "description": "the revision of the rules that made the decision: `sha256:` and the hex digest of the policy's sources (the service's `asylon-revision` header)"},
            "as_of": {"type": "string", "format": "date"},
            "lang": {"type": "string", "minLength": 1},
            "outcomes": {"type": "array", "items": {"$ref": "#/$defs/holding"}},
            "undetermined": {"type": "array", "items": {"$ref": "#/$defs/undetermined"}},
            "does_not_hold": {"type": "array", "items": {"$ref": "#/$defs/does_not_hold"}},
            "missing": {"type": "array", "items": names.fact, "uniqueItems": true},
            "conflicts": {"type": "array", "items": {"$ref": "#/$defs/conflict"}, "minItems": 1},
        },
        "required": ["policy", "revision", "as_of", "lang", "outcomes", "undetermined", "does_not_hold", "missing"],
        "additionalProperties": false,
        "$defs": {
            "holding": object(
                json!({
                    "id": names.outcome,
                    "status": {"const": "holds"},
                    "title": {"type": "string"},
                    "explanation": {"type": "string"},
                    "source": {"type": "string"},
                    "sources": strings(),
                    "effective": {"type": "string"},
                    "because": {"type": "array", "items": {"$ref": "#/$defs/reason"}},
                }),
                &["id", "status", "title", "explanation", "source", "sources", "because"],
            ),
            "reason": object(
                json!({
                    "kind": {"enum": ["condition", "exception"]},
                    "exception": names.exception,
                    "condition": {"type": "string"},
                    "with_values": {"type": "string", "description": "the condition with the value of each operand it compared: `days since credible_fear.referral_date = 77 > 60`"},
                    "value": {"type": ["boolean", "null"]},
                    "facts": {
                        "type": "object",
                        "propertyNames": names.fact,
                        "additionalProperties": known_value(),
                    },
                    "defeated_by": {"type": "array", "items": names.exception, "minItems": 1},
                    "source": {"type": "string"},
                }),
                &["kind", "condition", "value", "facts"],
            ),
            "undetermined": object(
                json!({
                    "id": names.outcome,
                    "status": {"const": "undetermined"},
                    "title": {"type": "string"},
                    "missing": {"type": "array", "items": names.fact, "uniqueItems": true},
                    "conflict": {"const": true},
                }),
                &["id", "status", "title", "missing"],
            ),
            "does_not_hold": object(
                json!({
                    "id": names.outcome,
                    "status": {"const": "does_not_hold"},
                    "title": {"type": "string"},
                    "effective": {"type": "string"},
                    "defeated_by": {
                        "type": "array",
                        "items": {"$ref": "#/$defs/defeat"},
                        "minItems": 1,
                    },
                }),
                &["id", "status", "title"],
            ),
            "defeat": object(
                json!({
                    "exception": names.exception,
                    "title": {"type": "string"},
                    "source": {"type": "string"},
                }),
                &["exception", "title"],
            ),
            "conflict": object(
                json!({
                    "rule": {"type": "string"},
                    "exceptions": {
                        "type": "array",
                        "minItems": 2,
                        "items": object(
                            json!({"exception": names.exception, "value": known_value()}),
                            &["exception", "value"],
                        ),
                    },
                }),
                &["rule", "exceptions"],
            ),
        },
    })
}

/// The schemas of the names a decision uses: any string, or one of a policy's.
struct Names {
    policy: J,
    outcome: J,
    fact: J,
    exception: J,
}

impl Names {
    fn of(policy: Option<&Policy>) -> Names {
        let Some(policy) = policy else {
            let any = json!({"type": "string"});
            return Names {
                policy: any.clone(),
                outcome: any.clone(),
                fact: any.clone(),
                exception: any,
            };
        };
        let p = policy.checked();
        let mut exceptions: Vec<&str> = p.exceptions.iter().map(|e| e.name.as_str()).collect();
        // An exception written for several rules is one exception per rule, one name.
        exceptions.sort_unstable();
        exceptions.dedup();
        Names {
            policy: json!({"const": p.header.name}),
            outcome: json!({"enum": p.outcomes.iter().map(|r| &p.rule(*r).name).collect::<Vec<_>>()}),
            fact: json!({"enum": p.facts.iter().map(|f| &f.name).collect::<Vec<_>>()}),
            exception: json!({"enum": exceptions}),
        }
    }
}

/// An object with exactly these properties, `required` of them always there.
fn object(properties: J, required: &[&str]) -> J {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn strings() -> J {
    json!({"type": "array", "items": {"type": "string"}})
}

/// A known value as a fact file writes it: never `null`.
fn known_value() -> J {
    json!({"type": ["boolean", "number", "string", "array"]})
}

#[cfg(test)]
mod tests {
    use super::decision_schema;

    #[test]
    fn every_object_refuses_unknown_properties_and_requires_what_is_always_written() {
        let schema = decision_schema(None);
        let defs = schema["$defs"].as_object().expect("definitions");
        for (name, def) in defs.iter().chain([(&"decision".to_string(), &schema)]) {
            assert_eq!(def["additionalProperties"], false, "{name}");
            let required = def["required"].as_array().expect("required");
            for r in required {
                let r = r.as_str().expect("a name");
                assert!(def["properties"].get(r).is_some(), "{name}.{r}");
            }
        }
    }
}
