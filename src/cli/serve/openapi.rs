//! `GET /openapi.json`: the OpenAPI 3.1 description of the service, built from the
//! library's own JSON Schemas (the facts of each policy served, a decision) and the
//! shapes of the service's answers, so that it cannot drift from what `schema` prints.

use serde_json::{json, Map, Value};

use asylon::schema::{decision_schema, fact_schema};

use super::state::Registry;

/// The document for the policies in `registry`.
pub fn document(registry: &Registry, token: bool) -> Value {
    let names: Vec<&str> = registry.entries().iter().map(|e| e.name.as_str()).collect();
    let mut schemas = Map::new();
    let mut facts = Vec::new();
    for (i, e) in registry.entries().iter().enumerate() {
        let key = format!("Facts{i}");
        schemas.insert(key.clone(), strip(fact_schema(&e.current().policy)));
        facts.push(json!({ "$ref": format!("#/components/schemas/{key}") }));
    }
    schemas.insert("Facts".into(), json!({ "anyOf": facts }));
    let mut decision = decision_schema(None);
    if let Some(Value::Object(defs)) = decision.as_object_mut().and_then(|d| d.remove("$defs")) {
        for (k, mut v) in defs {
            refs(&mut v);
            schemas.insert(format!("Decision_{k}"), v);
        }
    }
    refs(&mut decision);
    schemas.insert("Decision".into(), strip(decision));
    schemas.insert("Diagnostic".into(), diagnostic());
    schemas.insert(
        "Errors".into(),
        json!({
            "type": "object",
            "required": ["errors"],
            "properties": { "errors": { "type": "array", "items": { "$ref": "#/components/schemas/Diagnostic" } } }
        }),
    );
    schemas.insert("Request".into(), request());
    let outcomes: Vec<String> = (registry.entries().iter())
        .flat_map(|e| {
            let loaded = e.current();
            let checked = loaded.policy.checked();
            (checked.outcomes.iter())
                .map(|&r| checked.rule(r).name.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut explain = envelope();
    explain["required"] = json!(["facts", "outcome"]);
    explain["properties"]["outcome"]["enum"] = json!(outcomes);
    schemas.insert("ExplainRequest".into(), explain);
    let name = json!({
        "name": "name", "in": "path", "required": true,
        "description": "The policy's name: its directory's",
        "schema": { "type": "string", "enum": names }
    });
    let errors = |codes: &[&str]| -> Value {
        let mut out = Map::new();
        for code in codes
            .iter()
            .chain(if token { &["401"][..] } else { &[] })
            .chain(&["503"])
        {
            out.insert(
                (*code).into(),
                json!({
                    "description": "Diagnostic records",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Errors" } } }
                }),
            );
        }
        Value::Object(out)
    };
    let ok = |description: &str, schema: Value| -> Value {
        json!({ "description": description, "content": { "application/json": { "schema": schema } } })
    };
    let with = |mut errors: Value, ok: Value| -> Value {
        errors["200"] = ok;
        errors
    };
    let post = |summary: &str, body: Value, responses: Value| -> Value {
        json!({ "post": {
            "summary": summary,
            "parameters": [name.clone()],
            "requestBody": { "required": true, "content": { "application/json": { "schema": body } } },
            "responses": responses
        } })
    };
    let case_errors = ["400", "404", "413", "415", "422"];
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "asylon decision service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Policies for asylum pathways, evaluated with unknown facts. Every answer about a policy carries its revision (a content hash of its sources) in the asylon-revision header, and decisions and explanations carry it in their body (`revision`)."
        },
        "paths": {
            "/v1/policies": { "get": {
                "summary": "The policies served",
                "responses": with(errors(&[]), ok("The policies", json!({ "type": "object" })))
            } },
            "/v1/policies/{name}": { "get": {
                "summary": "A policy's facts and outcomes, in each language",
                "parameters": [name.clone()],
                "responses": with(errors(&["404"]), ok("The policy", json!({ "type": "object" })))
            } },
            "/v1/policies/{name}/schema": { "get": {
                "summary": "The JSON Schemas of the policy's facts and of a decision",
                "parameters": [name.clone()],
                "responses": with(errors(&["404"]), ok("The schemas", json!({ "type": "object", "required": ["revision", "facts", "decision"] })))
            } },
            "/v1/policies/{name}/evaluate": post(
                "The decision for a case, as `asylon eval --format json` prints it",
                json!({ "$ref": "#/components/schemas/Request" }),
                with(errors(&case_errors), ok("The decision", json!({ "$ref": "#/components/schemas/Decision" })))
            ),
            "/v1/policies/{name}/next-question": post(
                "The next question of an interview, and the decision so far",
                json!({ "$ref": "#/components/schemas/Request" }),
                with(errors(&case_errors), ok("The question", json!({
                    "type": "object",
                    "required": ["revision", "question", "remaining", "decision"],
                    "properties": {
                        "revision": { "type": "string" },
                        "question": { "type": ["object", "null"] },
                        "remaining": { "type": "integer", "minimum": 0 },
                        "decision": { "$ref": "#/components/schemas/Decision" }
                    }
                })))
            ),
            "/v1/policies/{name}/explain": post(
                "Why one outcome holds, does not hold or is undetermined",
                json!({ "$ref": "#/components/schemas/ExplainRequest" }),
                with(errors(&case_errors), ok("The explanation", json!({
                    "type": "object",
                    "required": ["outcome", "title", "status", "revision", "as_of", "lang", "condition"]
                })))
            ),
            "/v1/policies/{name}/batch": { "post": {
                "summary": "Many cases: JSON Lines in, JSON Lines out (the batch contract of the command line)",
                "parameters": [
                    name.clone(),
                    { "name": "as_of", "in": "query", "schema": { "type": "string", "format": "date" } },
                    { "name": "lang", "in": "query", "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,35}$" } },
                    { "name": "compact", "in": "query", "schema": { "type": "boolean" } }
                ],
                "requestBody": { "required": true, "content": { "application/x-ndjson": { "schema": { "type": "string" } } } },
                "responses": with(errors(&["400", "404", "413", "415", "422"]), json!({
                    "description": "One result line per input line",
                    "content": { "application/jsonl": { "schema": { "type": "string" } } }
                }))
            } },
            "/v1/admin/reload": { "post": {
                "summary": "Every policy loaded again; each swapped in only if it checks",
                "responses": with(errors(&["422"]), ok("What each reload did", json!({ "type": "object" })))
            } },
            "/health": { "get": {
                "summary": "Live; each policy's revision and the diagnostics of a failed reload",
                "responses": with(errors(&[]), ok("Live", json!({ "type": "object" })))
            } },
            "/ready": { "get": {
                "summary": "Every policy is loaded",
                "responses": with(errors(&[]), ok("Ready", json!({ "type": "object" })))
            } },
            "/metrics": { "get": {
                "summary": "Counters in the Prometheus text format",
                "responses": with(errors(&[]), json!({ "description": "Counters", "content": { "text/plain": { "schema": { "type": "string" } } } }))
            } },
            "/openapi.json": { "get": {
                "summary": "This document",
                "responses": with(errors(&[]), ok("OpenAPI 3.1", json!({ "type": "object" })))
            } }
        },
        "components": { "schemas": schemas }
    });
    let mut doc = doc;
    if token {
        doc["components"]["securitySchemes"] =
            json!({ "bearer": { "type": "http", "scheme": "bearer" } });
    }
    doc
}

/// A request about one case: a fact object, or the facts with how to evaluate them.
fn request() -> Value {
    json!({ "oneOf": [{ "$ref": "#/components/schemas/Facts" }, envelope()] })
}

/// `{"facts": {…}, "as_of": …, "lang": …}`.
fn envelope() -> Value {
    json!({
            "type": "object",
            "required": ["facts"],
            "additionalProperties": false,
            "properties": {
                "facts": { "$ref": "#/components/schemas/Facts" },
                "as_of": { "type": "string", "format": "date", "description": "The evaluation date (default: today)" },
                "lang": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,35}$", "description": "The language of texts, a BCP 47 tag matched to the policy's languages (es-MX reads es); one the policy does not have is an error" },
                "why": { "type": "boolean", "description": "Accepted; a decision always carries its reasons" },
                "outcome": { "type": "string", "description": "explain: the outcome's id" },
                "unknown": { "type": "array", "items": { "type": "string" }, "description": "next-question: facts the person does not know" }
            }
    })
}

/// The record of `asylon::Diagnostic`.
fn diagnostic() -> Value {
    let location = json!({ "type": ["object", "null"], "required": ["in"], "properties": { "in": { "enum": ["fact", "fact_text", "policy"] } } });
    json!({
        "type": "object",
        "required": ["code", "severity", "message", "help", "location", "related"],
        "properties": {
            "code": { "type": "string" },
            "severity": { "enum": ["error", "warning"] },
            "message": { "type": "string" },
            "help": { "type": ["string", "null"] },
            "location": location,
            "related": { "type": "array" }
        }
    })
}

/// A schema without the keys only a whole document has.
fn strip(mut schema: Value) -> Value {
    if let Some(o) = schema.as_object_mut() {
        o.remove("$schema");
        o.remove("$id");
    }
    schema
}

/// `#/$defs/x` → `#/components/schemas/Decision_x`, everywhere in `v`.
fn refs(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                match x {
                    Value::String(s) if k == "$ref" => {
                        if let Some(rest) = s.strip_prefix("#/$defs/") {
                            *s = format!("#/components/schemas/Decision_{rest}");
                        }
                    }
                    _ => refs(x),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(refs),
        _ => {}
    }
}
