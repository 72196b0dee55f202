//! What people read that changed: the titles, explanations and sources of outcomes, the
//! titles and sources of exceptions, the sources of definitions, the questions facts
//! ask, the labels of enum variants — each per language, so an edit that only rewords the Spanish explanation is seen.
//!
//! A rule with versions is compared on the version in force on each side's date, the one
//! a decision on that date shows.

use serde::{Deserialize, Serialize};

use crate::checked::{CheckedPolicy, Message, Part, Ref, RuleInfo};
use crate::value::Date;

/// What a changed text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextOwner {
    /// An outcome, by id.
    Outcome,
    /// A definition or constant, by name.
    Definition,
    /// An exception, by name.
    Exception,
    /// A fact, by its dotted name.
    Fact,
    /// An enum's variant, as `Enum.variant`.
    Variant,
}

/// Which text of its owner changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    /// `title`
    Title,
    /// `explain`
    Explanation,
    /// `source`: one passage added or removed.
    Source,
    /// A fact's `ask`.
    Question,
    /// An enum variant's label.
    Label,
}

/// One text that differs between the two policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextChange {
    /// What it belongs to.
    pub owner: TextOwner,
    /// The owner's id or name.
    pub name: String,
    /// Which of its texts.
    pub field: TextField,
    /// The language, for a title, explanation or question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The text in the old policy (`None`: it had none in this language, or did not cite
    /// this source), interpolations written `{name}`.
    pub old: Option<String>,
    /// The text in the new policy.
    pub new: Option<String>,
}

/// Every text that differs, between what both policies declare under the same name.
pub(super) fn changes(
    old: &CheckedPolicy,
    old_date: Date,
    new: &CheckedPolicy,
    new_date: Date,
) -> Vec<TextChange> {
    let mut out = Vec::new();
    for new_rule in &new.rules {
        let Some(old_rule) = old.rules.iter().find(|r| r.name == new_rule.name) else {
            continue;
        };
        let owner = match new_rule.kind {
            crate::checked::RuleKind::Outcome => TextOwner::Outcome,
            _ => TextOwner::Definition,
        };
        let mut push = |field, lang, old, new| {
            out.push(TextChange {
                owner,
                name: new_rule.name.clone(),
                field,
                lang,
                old,
                new,
            })
        };
        let (old_texts, new_texts) = (in_force(old_rule, old_date), in_force(new_rule, new_date));
        for (field, o, n) in [
            (TextField::Title, old_texts.0, new_texts.0),
            (TextField::Explanation, old_texts.1, new_texts.1),
        ] {
            messages(old, o, new, n, &mut |lang, a, b| {
                push(field, Some(lang), a, b)
            });
        }
        sources(old_texts.2, new_texts.2, &mut |a, b| {
            push(TextField::Source, None, a, b)
        });
    }
    for new_exc in &new.exceptions {
        let Some(old_exc) = old.exceptions.iter().find(|e| e.name == new_exc.name) else {
            continue;
        };
        let mut push = |field, lang, old, new| {
            out.push(TextChange {
                owner: TextOwner::Exception,
                name: new_exc.name.clone(),
                field,
                lang,
                old,
                new,
            })
        };
        messages(
            old,
            &old_exc.title,
            new,
            &new_exc.title,
            &mut |lang, a, b| push(TextField::Title, Some(lang), a, b),
        );
        sources(&old_exc.sources, &new_exc.sources, &mut |a, b| {
            push(TextField::Source, None, a, b)
        });
    }
    for new_fact in &new.facts {
        let Some(old_fact) = old.facts.iter().find(|f| f.name == new_fact.name) else {
            continue;
        };
        messages(old, &old_fact.ask, new, &new_fact.ask, &mut |lang, a, b| {
            out.push(TextChange {
                owner: TextOwner::Fact,
                name: new_fact.name.clone(),
                field: TextField::Question,
                lang: Some(lang),
                old: a,
                new: b,
            })
        });
    }
    for new_enum in &new.enums {
        let Some(old_enum) = old.enums.iter().find(|e| e.name == new_enum.name) else {
            continue;
        };
        for variant in &new_enum.variants {
            let Some(old_variant) = old_enum.variants.iter().find(|v| v.name == variant.name)
            else {
                continue;
            };
            messages(
                old,
                &old_variant.label,
                new,
                &variant.label,
                &mut |lang, a, b| {
                    out.push(TextChange {
                        owner: TextOwner::Variant,
                        name: format!("{}.{}", new_enum.name, variant.name),
                        field: TextField::Label,
                        lang: Some(lang),
                        old: a,
                        new: b,
                    })
                },
            );
        }
    }
    out
}

/// A rule's title, explanation and sources on `date`: its version in force then, if it
/// has versions.
fn in_force(rule: &RuleInfo, date: Date) -> (&Message, &Message, &[String]) {
    match rule.version_at(date) {
        Some(v) => (&v.title, &v.explain, &v.sources),
        None => (&rule.title, &rule.explain, &rule.sources),
    }
}

/// Calls `found(lang, old, new)` for each language whose text differs, in the order the
/// new message gives its languages, then those only the old one has.
fn messages(
    old_policy: &CheckedPolicy,
    old: &Message,
    new_policy: &CheckedPolicy,
    new: &Message,
    found: &mut dyn FnMut(String, Option<String>, Option<String>),
) {
    let text = |policy: &CheckedPolicy, m: &Message, lang: &str| {
        m.texts
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, parts)| written(policy, parts))
    };
    let mut langs: Vec<&str> = new.texts.iter().map(|(l, _)| l.as_str()).collect();
    for (l, _) in &old.texts {
        if !langs.contains(&l.as_str()) {
            langs.push(l);
        }
    }
    for lang in langs {
        let (a, b) = (text(old_policy, old, lang), text(new_policy, new, lang));
        if a != b {
            found(lang.to_string(), a, b);
        }
    }
}

/// A message's parts as written, each interpolation as `{name}`: a renamed fact shows as
/// a changed text, as it reads differently.
fn written(policy: &CheckedPolicy, parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.clone(),
            Part::Value(r, _, shown) => {
                let name = match r {
                    Ref::Fact(f) => &policy.fact(*f).name,
                    Ref::Rule(r) => &policy.rule(*r).name,
                };
                // A changed fallback reads differently too.
                match &shown.fallback {
                    Some(fallback) => format!("{{{name} or {fallback:?}}}"),
                    None => format!("{{{name}}}"),
                }
            }
        })
        .collect()
}

/// Calls `found(old, new)` for each source changed: a removed passage and an added one
/// are paired in order, as a rewording; those left over are removed (`new` is `None`) or
/// added (`old` is `None`).
fn sources(old: &[String], new: &[String], found: &mut dyn FnMut(Option<String>, Option<String>)) {
    let mut removed = old.iter().filter(|s| !new.contains(s));
    let mut added = new.iter().filter(|s| !old.contains(s));
    loop {
        match (removed.next(), added.next()) {
            (None, None) => break,
            (o, n) => found(o.cloned(), n.cloned()),
        }
    }
}
