//! The pages, as HTML (maud escapes every value): the frame every page shares (language
//! switch, quick exit, save), a question, the review of the answers, the results, and
//! the pages for a problem. Every word about the case is the policy's, in the reader's
//! language; the page's own words come from [`super::words`].

use asylon::internal::checked::FactId;
use asylon::interview::question_text;
use asylon::{Decision, Diagnostic, Facts, Policy};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::question::{control, controls, grouped, shown, Control};
use super::state::{get, State};
use super::words::{language_name, words, Words};
use super::{SCRIPT, STYLE};

/// What a page needs to know besides what it shows.
pub struct Frame<'a> {
    /// The policy's name in URLs.
    pub name: &'a str,
    /// The policy.
    pub policy: &'a Policy,
    /// Where the quick exit goes.
    pub quick_exit: &'a str,
    /// The screening's state, carried in every form.
    pub state: &'a State,
}

/// Which page to come back to after a language switch.
pub enum Current<'a> {
    /// The question about this fact; `true` when it came from the review page.
    Question(&'a str, bool),
    /// The review page.
    Review,
    /// The results page.
    Results,
    /// A page without a screening (a problem).
    Nothing,
}

impl Frame<'_> {
    fn action(&self) -> String {
        format!("/screen/{}", self.name)
    }

    /// The state as hidden fields.
    fn hidden(&self) -> Markup {
        let s = self.state;
        html! {
            input type="hidden" name="lang" value=(s.lang);
            input type="hidden" name="as_of" value=(s.as_of);
            input type="hidden" name="answers" value=(s.answers_text());
            input type="hidden" name="history" value=(s.history.join(" "));
        }
    }

    /// A whole page: the frame around `body`.
    pub fn page(&self, title: &str, current: Current<'_>, body: Markup) -> Markup {
        let w = words(&self.state.lang);
        let checked = self.policy.checked();
        let others: Vec<&String> = (checked.languages.iter())
            .filter(|l| **l != self.state.lang)
            .collect();
        let (view, fact, ret) = match current {
            Current::Question(fact, ret) => ("question", fact, ret),
            Current::Review => ("review", "", false),
            Current::Results => ("results", "", false),
            Current::Nothing => ("", "", false),
        };
        html! {
            (DOCTYPE)
            html lang=(self.state.lang) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="referrer" content="no-referrer";
                    title { (title) " – " (checked.header.name) }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    a.skip href="#main" { (w.skip) }
                    header.bar {
                        p.name lang="en" { (checked.header.name) }
                        @if !others.is_empty() && !view.is_empty() {
                            form.langs method="post" action=(self.action()) aria-label=(w.languages) {
                                (self.hidden())
                                input type="hidden" name="do" value="show";
                                input type="hidden" name="view" value=(view);
                                input type="hidden" name="fact" value=(fact);
                                @if ret { input type="hidden" name="ret" value="review"; }
                                @for l in &others {
                                    button name="to_lang" value=(l) lang=(l)
                                        aria-label={(w.languages) ": " (language_name(l))} {
                                        (language_name(l))
                                    }
                                }
                            }
                        }
                        a.quick-exit href=(self.quick_exit) rel="noreferrer"
                            title=(w.quick_exit_hint) { (w.quick_exit) }
                    }
                    main id="main" tabindex="-1" { (body) }
                    @if !view.is_empty() { (self.tools(w)) }
                    script { (PreEscaped(SCRIPT)) }
                }
            }
        }
    }

    /// Save the answers, start again.
    fn tools(&self, w: &Words) -> Markup {
        html! {
            footer.tools {
                form method="post" action={(self.action()) "/answers.json"} {
                    (self.hidden())
                    div.actions {
                        button type="submit" name="save" value="1" { (w.save) }
                        a href={(self.action()) "?lang=" (self.state.lang)} { (w.start_again) }
                    }
                    p.meta { (w.save_hint) }
                }
            }
        }
    }

    /// The text of the question about `fact`, showing the facts known.
    fn ask(&self, fact: FactId, facts: &Facts) -> String {
        question_text(self.policy.checked(), fact, &self.state.lang, |f| {
            facts.get(f).cloned()
        })
    }

    /// One question. `remaining`: at most how many questions are left (none when it
    /// was chosen from the review page); `errors`: why the last answer was refused;
    /// `sent`: that answer, shown again.
    pub fn question(&self, q: &QuestionPage<'_>) -> Markup {
        let w = words(&self.state.lang);
        let checked = self.policy.checked();
        let info = checked.fact(q.fact);
        let text = self.ask(q.fact, q.facts);
        let control = control(checked, q.fact, &self.state.lang);
        let current = q.sent.or_else(|| get(&self.state.answers, &info.name));
        let start = self.state.history.is_empty()
            && self.state.answers.as_object().is_some_and(|m| m.is_empty())
            && q.errors.is_empty();
        let described = if q.errors.is_empty() {
            "hint"
        } else {
            "hint err"
        };
        let hint = match q.remaining {
            Some(n) => w.remaining(n),
            None => String::new(),
        };
        let decides: Vec<&str> = (q.decision.undetermined.iter())
            .filter(|u| u.missing.iter().any(|m| *m == info.name))
            .map(|u| u.title.as_str())
            .collect();
        let errors = html! {
            @if !q.errors.is_empty() {
                div.error id="err" role="alert" { @for e in q.errors { (diagnostic(e, w)) } }
            }
        };
        let body = html! {
            @if start {
                p { (w.intro) }
                p.meta { (w.privacy) }
            }
            form method="post" action=(self.action()) novalidate {
                (self.hidden())
                input type="hidden" name="fact" value=(info.name);
                @if q.from_review { input type="hidden" name="ret" value="review"; }
                @if grouped(&control) {
                    fieldset aria-describedby=(described) {
                        legend { h1 { (text) } }
                        p.hint id="hint" { (hint) }
                        @if matches!(control, Control::Any(_)) { p.hint { (w.choose_any) } }
                        (errors)
                        (controls(&control, current, described, w))
                    }
                } @else {
                    h1 { label for="value" { (text) } }
                    p.hint id="hint" { (hint) }
                    (errors)
                    (controls(&control, current, described, w))
                }
                @if !decides.is_empty() {
                    details.why {
                        summary { (w.why_ask) }
                        p { (w.why_ask_text) }
                        ul { @for t in &decides { li { (t) } } }
                    }
                }
                div.actions {
                    button.primary type="submit" name="do" value="answer" { (w.cont) }
                    button type="submit" name="do" value="dont_know" { (w.dont_know) }
                    @if !self.state.history.is_empty() {
                        button type="submit" name="do" value="back" { (w.back) }
                    }
                    button type="submit" name="do" value="review" { (w.review) }
                }
            }
            @if start { (self.resume(w, &[])) }
        };
        self.page(&text, Current::Question(&info.name, q.from_review), body)
    }

    /// The form that continues from a saved file, with why the last one was refused.
    pub fn resume(&self, w: &Words, errors: &[Diagnostic]) -> Markup {
        html! {
            details.resume.no-print open[!errors.is_empty()] {
                summary { (w.resume_title) }
                @if !errors.is_empty() {
                    div.error id="resume-err" role="alert" { @for e in errors { (diagnostic(e, w)) } }
                }
                form method="post" action={(self.action()) "/resume"} enctype="multipart/form-data" {
                    input type="hidden" name="lang" value=(self.state.lang);
                    input type="hidden" name="as_of" value=(self.state.as_of);
                    p {
                        label for="file" { (w.resume_file) }
                        br;
                        input id="file" type="file" name="file" accept=".json,application/json";
                    }
                    p {
                        label for="text" { (w.resume_text) }
                        br;
                        textarea id="text" name="text" rows="4" spellcheck="false" {}
                    }
                    div.actions { button type="submit" { (w.cont) } }
                }
            }
        }
    }

    /// The answers, each with its question (and a button to change it, unless printed).
    fn answers(&self, facts: &Facts, changeable: bool) -> Markup {
        let w = words(&self.state.lang);
        let checked = self.policy.checked();
        let answered = self.state.answered(checked);
        html! {
            @if answered.is_empty() {
                p { (w.no_answers) }
            } @else {
                dl.answers {
                    @for f in answered {
                        @let info = checked.fact(f);
                        @let q = self.ask(f, facts);
                        div data-fact=(info.name) {
                            dt { (q) }
                            dd {
                                span { (get(&self.state.answers, &info.name).map(|v| shown(checked, f, v, w)).unwrap_or_default()) }
                                @if changeable {
                                    " "
                                    button.link.change type="submit" name="change" value=(info.name)
                                        aria-label={(w.change) ": " (q)} { (w.change) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The review page; `more`: whether questions remain.
    pub fn review(&self, facts: &Facts, more: bool) -> Markup {
        let w = words(&self.state.lang);
        let body = html! {
            h1 { (w.review_title) }
            form method="post" action=(self.action()) {
                (self.hidden())
                (self.answers(facts, true))
                div.actions {
                    @if more {
                        button.primary type="submit" name="do" value="question" { (w.more_questions) }
                        button type="submit" name="do" value="results" { (w.see_results) }
                    } @else {
                        button.primary type="submit" name="do" value="results" { (w.see_results) }
                    }
                    @if !self.state.history.is_empty() {
                        button type="submit" name="do" value="back" { (w.back) }
                    }
                }
            }
        };
        self.page(w.review_title, Current::Review, body)
    }

    /// The results page: what holds and why, what is undecided and which answers would
    /// decide it, the reminder to seek legal help, and the answers (for printing).
    pub fn results(&self, facts: &Facts, decision: &Decision) -> Markup {
        let w = words(&self.state.lang);
        let checked = self.policy.checked();
        let unknown = self.state.unknown(checked);
        let body = html! {
            h1 { (w.results_title) }
            p.meta { (w.as_of(&self.state.as_of)) }
            h2 { (w.holds_title) }
            @if decision.outcomes.is_empty() { p { (w.none_holds) } }
            @for o in &decision.outcomes {
                section.outcome data-outcome=(o.id) data-status="holds" {
                    h3 { (o.title) }
                    @if !o.explanation.is_empty() { p { (o.explanation) } }
                    @if !o.sources.is_empty() {
                        p.source-label { (w.source) }
                        @for s in &o.sources { blockquote lang="en" { (s) } }
                    }
                }
            }
            @if !decision.undetermined.is_empty() {
                h2 { (w.undetermined_title) }
                @for u in &decision.undetermined {
                    section.outcome.open data-outcome=(u.id) data-status="undetermined" {
                        h3 { (u.title) }
                        p { (w.would_decide) }
                        ul {
                            @for m in &u.missing {
                                @if let Some(f) = checked.fact_named(m) {
                                    li data-fact=(m) {
                                        (self.ask(f, facts))
                                        @if unknown.contains(&f) { " (" (w.said_dont_know) ")" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.legal {
                h2 { (w.legal_title) }
                p { (w.legal_help) }
            }
            h2 { (w.your_answers) }
            (self.answers(facts, false))
            @if !decision.does_not_hold.is_empty() {
                details.no-print {
                    summary { (w.not_holding) }
                    ul { @for n in &decision.does_not_hold { li data-outcome=(n.id) data-status="does_not_hold" { (n.title) } } }
                }
            }
            form method="post" action=(self.action()) {
                (self.hidden())
                div.actions {
                    button.primary id="print" type="button" hidden { (w.print) }
                    button type="submit" name="do" value="review" { (w.review) }
                }
            }
        };
        self.page(w.results_title, Current::Results, body)
    }

    /// A problem with the request itself (an altered form, a policy not served).
    pub fn problem(&self, errors: &[Diagnostic]) -> Markup {
        let w = words(&self.state.lang);
        let body = html! {
            h1 { (w.error_title) }
            div.error role="alert" { @for e in errors { (diagnostic(e, w)) } }
            p { a href=(self.action()) { (w.start_again) } }
        };
        self.page(w.error_title, Current::Nothing, body)
    }
}

/// What a question page shows.
pub struct QuestionPage<'a> {
    /// The fact asked about.
    pub fact: FactId,
    /// The facts known, shown in questions that name them.
    pub facts: &'a Facts,
    /// The decision so far (which undecided outcomes the answer can decide).
    pub decision: &'a Decision,
    /// At most how many questions remain, this one included (none: asked to change it).
    pub remaining: Option<usize>,
    /// Asked from the review page, to go back there.
    pub from_review: bool,
    /// Why the last answer was refused.
    pub errors: &'a [Diagnostic],
    /// The refused answer, shown again.
    pub sent: Option<&'a serde_json::Value>,
}

/// A diagnostic next to what it is about: what is wrong, what to do, its code.
fn diagnostic(e: &Diagnostic, w: &Words) -> Markup {
    html! {
        p { (e.message) }
        @if let Some(help) = &e.help { p { (help) } }
        p.code { (w.error_code) ": " code { (e.code) } }
    }
}

/// A page without a policy: a list of the screenings served, or that there is none.
pub fn bare(lang: &str, title: &str, quick_exit: &str, body: Markup) -> Markup {
    let w = words(lang);
    html! {
        (DOCTYPE)
        html lang=(w.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.bar {
                    a.quick-exit href=(quick_exit) rel="noreferrer" title=(w.quick_exit_hint) {
                        (w.quick_exit)
                    }
                }
                main id="main" { (body) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"
        policy "Escapes <b>"
        fact x: bool "x" ask en "Is it <script>alert(1)</script>?" es "¿Es <i>así</i>?"
        outcome o when x title en "O & <em>" es "O & <em>"
          explain en "Because \"quoted\"" es "Porque"
    "#;

    #[test]
    fn the_policy_s_texts_and_the_answers_are_escaped() {
        let policy = Policy::from_source("escapes.asylon", POLICY).expect("the policy checks");
        let mut state = State::new("en", Some("2024-06-17")).expect("a date");
        let frame_with = |state: &State, f: &dyn Fn(&Frame<'_>) -> Markup| -> String {
            let frame = Frame {
                name: "escapes",
                policy: &policy,
                quick_exit: "https://exit.example/\"><script>",
                state,
            };
            f(&frame).into_string()
        };
        let (facts, decision) = state.evaluate(&policy).expect("evaluates");
        let fact = policy.checked().fact_named("x").expect("declared");
        let question = frame_with(&state, &|frame| {
            frame.question(&QuestionPage {
                fact,
                facts: &facts,
                decision: &decision,
                remaining: Some(1),
                from_review: false,
                errors: &[],
                sent: None,
            })
        });
        assert!(question.contains("Is it &lt;script&gt;alert(1)&lt;/script&gt;?"));
        assert!(!question.contains("<script>alert"));
        assert!(!question.contains("\"><script>"));
        assert!(question.contains("Escapes &lt;b&gt;"));
        state.set("x", serde_json::json!(true));
        let (facts, decision) = state.evaluate(&policy).expect("evaluates");
        let results = frame_with(&state, &|frame| frame.results(&facts, &decision));
        assert!(results.contains("O &amp; &lt;em&gt;"), "{results}");
        // The answers travel in a hidden field: their quotes stay inside its value.
        assert!(results.contains(r#"name="answers" value="{&quot;x&quot;:true}""#));
    }
}
