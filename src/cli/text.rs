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

/// A period in force as the decision's JSON writes it (`effective from 2024-06-05`,
/// `not in force on 2024-06-04: effective from 2024-06-05`), in the decision's language
/// with its dates for people: `in force from June 5, 2024`, `vigente desde el 5 de junio
/// de 2024`.
fn period(text: &str, lang: &str) -> String {
    let [effective, from, until, not_in_force_on, always] = words(lang).period;
    let date =
        |t: &str| asylon::value::parse_date(t).map_or(t.to_string(), |d| format_date(d, lang));
    let one = |part: &str| -> String {
        if part == "always in force" {
            return always.to_string();
        }
        let words: Vec<String> = (part.split_whitespace())
            .map(|t| match t {
                "effective" => effective.to_string(),
                "from" => from.to_string(),
                "until" => until.to_string(),
                t => date(t),
            })
            .collect();
        words.join(" ")
    };
    match text
        .strip_prefix("not in force on ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((day, periods)) => {
            let periods: Vec<String> = periods.split("; ").map(one).collect();
            format!("{not_in_force_on} {}: {}", date(day), periods.join("; "))
        }
        None => one(text),
    }
}

/// The whole decision as text; the questions to ask next show the facts in `known`.
///
/// Two audiences: for the person being screened (`why` false) titles, explanations,
/// sources, the exceptions that defeated an outcome and the questions that would decide
/// more; for a legal-aid worker (`why`, `eval --why`) also the `because` lines of each
/// outcome (its conditions with the values they compared, the exceptions checked), the
/// facts an undetermined outcome depends on and each question's fact name. `eval` and
/// `ask` both print with this.
pub fn decision(policy: &Policy, d: &Decision, known: Option<&Facts>, why: bool) -> String {
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
    let title = d.title.as_deref().unwrap_or(&d.policy);
    let _ = writeln!(out, "{title}{version}, {} {as_of}", w.as_of);

    if !d.outcomes.is_empty() {
        let _ = writeln!(out, "\n{}", w.holds);
        for o in &d.outcomes {
            wrap(&mut out, &format!("  ✓ {} [{}]", o.title, o.id), 6, "");
            if !o.explanation.is_empty() {
                wrap(&mut out, "     ", 5, &o.explanation);
            }
            if let Some(version) = &o.effective {
                wrap(
                    &mut out,
                    &format!("     {}:", w.version),
                    9,
                    &period(version, &d.lang),
                );
            }
            for r in o.because.iter().filter(|_| why) {
                let condition = r.with_values.as_deref().unwrap_or(&r.condition);
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
                            &format!("{condition}{facts}"),
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
                            &format!("{name}: {condition}{facts}"),
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
            if why && !u.missing.is_empty() {
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
                wrap(&mut out, "     ", 5, &period(not_in_force, &d.lang));
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
            } else if why {
                format!("{question} ({fact}) — {decides}")
            } else {
                format!("{question} — {decides}")
            };
            wrap(&mut out, &format!("  {}.", i + 1), 6, &line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::period;

    #[test]
    fn periods_speak_the_decision_language() {
        assert_eq!(
            period("effective from 2024-06-05", "en"),
            "in force from June 5, 2024"
        );
        assert_eq!(
            period("effective from 2024-06-05 until 2024-07-01", "es"),
            "vigente desde el 5 de junio de 2024 hasta el 1 de julio de 2024"
        );
        assert_eq!(
            period(
                "not in force on 2024-06-04: effective from 2024-06-05",
                "es"
            ),
            "no vigente el 4 de junio de 2024: vigente desde el 5 de junio de 2024"
        );
    }
}
