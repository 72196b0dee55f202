//! A value as JSON, the way a fact file writes it: what decisions, explanations and
//! reasons show of the values they read.

use crate::checked::CheckedPolicy;
use crate::value::{Type, Value};

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
