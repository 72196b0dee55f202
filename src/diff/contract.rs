//! Changes to the facts contract: the fact objects a policy accepts. A fact added,
//! removed or renamed, a type, a bound, a pattern or an enum's variants changed — each
//! with an example fact set one policy accepts and the other refuses, checked by reading
//! it with both.
//!
//! A fact one policy has and the other lacks is a *rename* when the two are likely the
//! same fact under another name: the same description, the same last name part
//! (`child` → `person.child`), or names that differ by little with the same type.

use serde::{Deserialize, Serialize};

use crate::checked::{CheckedPolicy, FactId, FactInfo};
use crate::facts::Facts;
use crate::limits::Limits;
use crate::value::{Duration, Type};

use super::insert_dotted;

/// What changed about a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractChangeKind {
    /// Only the new policy has it.
    Added,
    /// Only the old policy has it.
    Removed,
    /// It is likely the same fact under another name.
    Renamed,
    /// Its type changed.
    Type,
    /// Its `at least` or `at most` bound changed.
    Bound,
    /// Its `matching` pattern changed.
    Pattern,
    /// Its enum gained or lost variants.
    Variants,
}

/// Which policy accepts an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The old one.
    Old,
    /// The new one.
    New,
}

/// One change to the facts contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractChange {
    /// What changed.
    pub change: ContractChangeKind,
    /// The fact's dotted name (the new one, for a rename; the old one, for a removal).
    pub fact: String,
    /// For a rename: the old name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The old declaration's type and conditions (`int at least 0`); `None` when added.
    pub old: Option<String>,
    /// The new declaration's; `None` when removed.
    pub new: Option<String>,
    /// A fact set exactly one of the policies accepts (`None` when none of the values
    /// tried tells them apart, as can happen for two patterns).
    pub example: Option<serde_json::Value>,
    /// Which policy accepts the example (the other refuses it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<Which>,
}

/// Every change to the facts contract, in the new policy's fact order, removals last.
pub(super) fn changes(old: &CheckedPolicy, new: &CheckedPolicy) -> Vec<ContractChange> {
    let mut removed: Vec<FactId> = (0..old.facts.len() as u32)
        .map(FactId)
        .filter(|f| new.fact_named(&old.fact(*f).name).is_none())
        .collect();
    let mut out = Vec::new();
    for (i, fact) in new.facts.iter().enumerate() {
        let id = FactId(i as u32);
        let sides = Sides { old, new };
        match old.fact_named(&fact.name) {
            Some(o) => {
                if let Some(change) = changed(&sides, o, id) {
                    out.push(change);
                }
            }
            None => {
                let renamed = best_rename(&sides, &removed, id);
                if let Some(from) = renamed {
                    removed.retain(|r| *r != from);
                }
                out.push(one_sided(&sides, renamed, Some(id)));
            }
        }
    }
    for r in removed {
        out.push(one_sided(&Sides { old, new }, Some(r), None));
    }
    out
}

struct Sides<'p> {
    old: &'p CheckedPolicy,
    new: &'p CheckedPolicy,
}

impl Sides<'_> {
    fn declared(&self, which: Which, id: FactId) -> String {
        let policy = self.policy(which);
        declaration(policy, policy.fact(id))
    }

    fn policy(&self, which: Which) -> &CheckedPolicy {
        match which {
            Which::Old => self.old,
            Which::New => self.new,
        }
    }
}

/// A fact both have under the same name: what changed about it, if anything.
fn changed(sides: &Sides<'_>, old: FactId, new: FactId) -> Option<ContractChange> {
    let (o, n) = (sides.old.fact(old), sides.new.fact(new));
    let (old_shape, new_shape) = (shape(sides.old, &o.ty), shape(sides.new, &n.ty));
    let change = if old_shape != new_shape {
        match (&o.ty, &n.ty) {
            (Type::Enum(_), Type::Enum(_)) => ContractChangeKind::Variants,
            (Type::List(a), Type::List(b))
                if matches!((a.as_ref(), b.as_ref()), (Type::Enum(_), Type::Enum(_))) =>
            {
                ContractChangeKind::Variants
            }
            _ => ContractChangeKind::Type,
        }
    } else if (o.constraint.at_least, o.constraint.at_most)
        != (n.constraint.at_least, n.constraint.at_most)
    {
        ContractChangeKind::Bound
    } else if o.constraint.matching.as_ref().map(|(p, _)| p)
        != n.constraint.matching.as_ref().map(|(p, _)| p)
    {
        ContractChangeKind::Pattern
    } else {
        return None;
    };
    let (example, accepted_by) = example(sides, &o.name, Some(old), &n.name, Some(new));
    Some(ContractChange {
        change,
        fact: n.name.clone(),
        renamed_from: None,
        old: Some(sides.declared(Which::Old, old)),
        new: Some(sides.declared(Which::New, new)),
        example,
        accepted_by,
    })
}

/// A fact added, removed or renamed.
fn one_sided(sides: &Sides<'_>, old: Option<FactId>, new: Option<FactId>) -> ContractChange {
    let old_name = old.map(|f| sides.old.fact(f).name.clone());
    let new_name = new.map(|f| sides.new.fact(f).name.clone());
    let (change, fact, renamed_from) = match (&old_name, &new_name) {
        (Some(o), Some(n)) => (ContractChangeKind::Renamed, n.clone(), Some(o.clone())),
        (None, Some(n)) => (ContractChangeKind::Added, n.clone(), None),
        (Some(o), _) => (ContractChangeKind::Removed, o.clone(), None),
        // INVARIANT: called with at least one side.
        (None, None) => (ContractChangeKind::Removed, String::new(), None),
    };
    // A renamed fact is told apart by its name: the example uses the old one.
    let (example, accepted_by) = match (old, new) {
        (Some(o), _) => example(sides, &fact_name(sides.old, o), Some(o), "", None),
        (None, Some(n)) => example(sides, "", None, &fact_name(sides.new, n), Some(n)),
        (None, None) => (None, None),
    };
    ContractChange {
        change,
        fact,
        renamed_from,
        old: old.map(|f| sides.declared(Which::Old, f)),
        new: new.map(|f| sides.declared(Which::New, f)),
        example,
        accepted_by,
    }
}

fn fact_name(policy: &CheckedPolicy, id: FactId) -> String {
    policy.fact(id).name.clone()
}

/// The removed fact most likely renamed into `new`, if any is likely at all.
fn best_rename(sides: &Sides<'_>, removed: &[FactId], new: FactId) -> Option<FactId> {
    let n = sides.new.fact(new);
    let leaf = |name: &str| name.rsplit('.').next().unwrap_or(name).to_string();
    removed
        .iter()
        .filter_map(|&r| {
            let o = sides.old.fact(r);
            let same_type = shape(sides.old, &o.ty) == shape(sides.new, &n.ty);
            let similar = strsim::normalized_damerau_levenshtein(&o.name, &n.name);
            let described_alike = o.description.is_some() && o.description == n.description;
            let likely =
                described_alike || leaf(&o.name) == leaf(&n.name) || (same_type && similar >= 0.6);
            let score = f64::from(u8::from(described_alike)) * 2.0
                + f64::from(u8::from(same_type))
                + similar;
            likely.then_some((r, score))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(r, _)| r)
}

/// The JSON values a type takes, as a comparable string: enums by their variants, since
/// a fact object spells a variant, not the enum's name.
fn shape(policy: &CheckedPolicy, ty: &Type) -> String {
    ty.written(&|e| {
        let variants: Vec<&str> = policy
            .enum_info(e)
            .variants
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        format!("{{ {} }}", variants.join(", "))
    })
}

/// A fact's type and conditions as declared: `int at least 0`, `Method { a, b }`.
fn declaration(policy: &CheckedPolicy, fact: &FactInfo) -> String {
    let mut out = fact.ty.written(&|e| {
        let info = policy.enum_info(e);
        let variants: Vec<&str> = info.variants.iter().map(|v| v.name.as_str()).collect();
        format!("{} {{ {} }}", info.name, variants.join(", "))
    });
    if let Some(lo) = fact.constraint.at_least {
        out.push_str(&format!(" at least {lo}"));
    }
    if let Some(hi) = fact.constraint.at_most {
        out.push_str(&format!(" at most {hi}"));
    }
    if let Some((pattern, _)) = &fact.constraint.matching {
        out.push_str(&format!(" matching {pattern:?}"));
    }
    out
}

/// A fact set, giving one value to the fact (`old_name` in the old policy, `new_name`
/// in the new one), that exactly one policy accepts; the values near each side's bounds
/// come first, so the example shows the boundary.
fn example(
    sides: &Sides<'_>,
    old_name: &str,
    old: Option<FactId>,
    new_name: &str,
    new: Option<FactId>,
) -> (Option<serde_json::Value>, Option<Which>) {
    let mut values: Vec<serde_json::Value> = Vec::new();
    for (which, id) in [(Which::New, new), (Which::Old, old)] {
        if let Some(id) = id {
            let policy = sides.policy(which);
            for v in values_of(policy, policy.fact(id)) {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
        }
    }
    // One name per example: under the old name, unless only the new policy has it.
    let name = if old.is_some() { old_name } else { new_name };
    for value in values {
        let mut object = serde_json::Map::new();
        insert_dotted(&mut object, name, value);
        let facts = serde_json::Value::Object(object);
        let accepts = |p: &CheckedPolicy| Facts::from_value(p, &facts, &Limits::default()).is_ok();
        match (accepts(sides.old), accepts(sides.new)) {
            (true, false) => return (Some(facts), Some(Which::Old)),
            (false, true) => return (Some(facts), Some(Which::New)),
            _ => {}
        }
    }
    (None, None)
}

/// Values to try for a fact: its bounds and the values on either side of them, every
/// variant, and one value of every other JSON shape (a `bool` where a number was, …).
fn values_of(policy: &CheckedPolicy, fact: &FactInfo) -> Vec<serde_json::Value> {
    use serde_json::json;
    let mut out = Vec::new();
    for bound in [fact.constraint.at_least, fact.constraint.at_most]
        .into_iter()
        .flatten()
    {
        for d in [-1, 0, 1] {
            if let Some(v) = bound.checked_add(d) {
                out.push(json!(v));
            }
        }
    }
    match &fact.ty {
        Type::Enum(e) => out.extend(policy.enum_info(*e).variants.iter().map(|v| json!(v.name))),
        Type::List(inner) => {
            if let Type::Enum(e) = inner.as_ref() {
                out.extend(
                    policy
                        .enum_info(*e)
                        .variants
                        .iter()
                        .map(|v| json!([v.name])),
                );
            }
            out.push(json!([]));
        }
        _ => {}
    }
    out.extend([
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!("2024-01-01"),
        json!(Duration::days(30).to_string()),
        json!("x"),
        json!(""),
    ]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn contract(old: &str, new: &str) -> Vec<ContractChange> {
        let load = |text: &str| Policy::from_source("p.asylon", text).unwrap();
        let (old, new) = (load(old), load(new));
        changes(old.checked(), new.checked())
    }

    #[test]
    fn a_changed_type_has_an_example_of_the_new_type() {
        let c = contract(
            "policy \"p\"\nfact age: int \"age\"\noutcome o when age > 1 title en \"o\"",
            "policy \"p\"\nfact age: bool \"age\"\noutcome o when age title en \"o\"",
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].change, ContractChangeKind::Type);
        assert_eq!(
            (c[0].old.as_deref(), c[0].new.as_deref()),
            (Some("int"), Some("bool"))
        );
        assert_eq!(c[0].example, Some(serde_json::json!({"age": true})));
        assert_eq!(c[0].accepted_by, Some(Which::New));
    }

    #[test]
    fn a_changed_pattern_is_reported() {
        let c = contract(
            "policy \"p\"\nfact id: string matching \"[a-z]*\" \"id\"\noutcome o when id is \"a\" title en \"o\"",
            "policy \"p\"\nfact id: string matching \"[a-z]+\" \"id\"\noutcome o when id is \"a\" title en \"o\"",
        );
        assert_eq!(c[0].change, ContractChangeKind::Pattern);
        // The empty string tells them apart.
        assert_eq!(c[0].example, Some(serde_json::json!({"id": ""})));
        assert_eq!(c[0].accepted_by, Some(Which::Old));
    }

    #[test]
    fn unrelated_facts_are_not_a_rename() {
        let c = contract(
            "policy \"p\"\nfact minor: bool \"under 18\"\noutcome o when minor title en \"o\"",
            "policy \"p\"\nfact crossings: int \"daily crossings\"\noutcome o when crossings > 1 title en \"o\"",
        );
        let kinds: Vec<_> = c.iter().map(|c| c.change).collect();
        assert_eq!(
            kinds,
            [ContractChangeKind::Added, ContractChangeKind::Removed]
        );
    }
}
