//! A decision as text for a person: what holds and why, what is undecided and what to
//! find out next, with sources.

use std::fmt::Write as _;

use asylon::decision::{Decision, ReasonKind};
use asylon::internal::message::format_date;
use asylon::interview::question_text;
use asylon::{Facts, Policy};

use super::words::words;

const WIDTH: usize = 88;

/// Wraps `text` to the width, every line after the first indented by `indent`.
pub(super) fn wrap(out: &mut String, first: &str, indent: usize, text: &str) {
    let mut line = first.to_string();
    // A label such as `because:` is followed by a space; an indent is not.
    let mut fresh = first.trim().is_empty();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if !fresh && len + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The whole decision as text; the questions to ask next show the facts in `known`.
pub fn decision(policy: &Policy, d: &Decision, known: Option<&Facts>) -> String {
    let w = words(&d.lang);
    let checked = policy.checked();
    let mut out = String::new();
    let version = d
        .version
        .as_deref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default();
    let as_of = asylon::value::parse_date(&d.as_of)
        .map_or(d.as_of.clone(), |date| format_date(date, &d.lang));
    let _ = writeln!(out, "{}{version}, {} {as_of}", d.policy, w.as_of);

    if !d.outcomes.is_empty() {
        let _ = writeln!(out, "\n{}", w.holds);
        for o in &d.outcomes {
            wrap(&mut out, &format!("  ✓ {} [{}]", o.title, o.id), 6, "");
            if !o.explanation.is_empty() {
                wrap(&mut out, "     ", 5, &o.explanation);
            }
            if let Some(version) = &o.effective {
                wrap(&mut out, &format!("     {}:", w.version), 9, version);
            }
            for r in &o.because {
                let facts: Vec<String> =
                    r.facts.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                let facts = if facts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", facts.join(", "))
                };
                match r.kind {
                    ReasonKind::Condition => {
                        wrap(
                            &mut out,
                            &format!("     {}:", w.because),
                            9,
                            &format!("{}{facts}", r.condition),
                        );
                    }
                    ReasonKind::Exception => {
                        let state = if r.value.is_null() {
                            w.exception_unknown
                        } else {
                            w.exception_did_not_apply
                        };
                        let name = r.exception.as_deref().unwrap_or("");
                        wrap(
                            &mut out,
                            &format!("     {state}:"),
                            9,
                            &format!("{name}: {}{facts}", r.condition),
                        );
                    }
                }
            }
            for s in &o.sources {
                wrap(
                    &mut out,
                    &format!("     {}:", w.source),
                    9,
                    &format!("“{s}”"),
                );
            }
        }
    }

    if !d.undetermined.is_empty() {
        let _ = writeln!(out, "\n{}", w.undetermined);
        for u in &d.undetermined {
            wrap(&mut out, &format!("  ? {} [{}]", u.title, u.id), 6, "");
            if u.conflict {
                wrap(&mut out, "     ", 5, w.conflict_note);
            }
            if !u.missing.is_empty() {
                wrap(
                    &mut out,
                    &format!("     {}:", w.depends_on),
                    9,
                    &u.missing.join(", "),
                );
            }
        }
    }

    if !d.does_not_hold.is_empty() {
        let _ = writeln!(out, "\n{}", w.does_not_hold);
        for n in &d.does_not_hold {
            wrap(&mut out, &format!("  ✗ {} [{}]", n.title, n.id), 6, "");
            if let Some(not_in_force) = &n.effective {
                wrap(&mut out, "     ", 5, not_in_force);
            }
            for defeat in &n.defeated_by {
                wrap(&mut out, &format!("     {}:", w.defeated), 9, &defeat.title);
                if let Some(s) = &defeat.source {
                    wrap(
                        &mut out,
                        &format!("     {}:", w.source),
                        9,
                        &format!("“{s}”"),
                    );
                }
            }
        }
    }

    if !d.conflicts.is_empty() {
        let _ = writeln!(out, "\n{}", w.conflicts);
        for c in &d.conflicts {
            let sides: Vec<String> = c
                .exceptions
                .iter()
                .map(|e| format!("{} {} {}", e.exception, w.gives, e.value))
                .collect();
            wrap(&mut out, &format!("  ! {}:", c.rule), 6, &sides.join("; "));
        }
    }

    if !d.missing.is_empty() {
        let _ = writeln!(out, "\n{}", w.next);
        for (i, fact) in d.missing.iter().enumerate() {
            let n = d
                .undetermined
                .iter()
                .filter(|u| u.missing.contains(fact))
                .count();
            let decides = if n == 1 {
                w.decides_one.to_string()
            } else {
                w.decides.replace("{n}", &n.to_string())
            };
            let question = checked
                .fact_named(fact)
                .map(|f| {
                    question_text(checked, f, &d.lang, |shown| {
                        known.and_then(|k| k.get(shown)).cloned()
                    })
                })
                .unwrap_or_default();
            let line = if question.is_empty() {
                format!("{fact} — {decides}")
            } else {
                format!("{question} ({fact}) — {decides}")
            };
            wrap(&mut out, &format!("  {}.", i + 1), 6, &line);
        }
    }
    out
}
