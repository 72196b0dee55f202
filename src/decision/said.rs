//! A decision's texts in one language on one day: the titles and explanations made at
//! load copied, the others rendered with the case's values.

use std::borrow::Cow;

use crate::checked::{CheckedPolicy, ExceptionId, ExceptionInfo, Message, Ref, RuleId, RuleInfo};
use crate::message::{fold_whitespace, render};
use crate::text::Text;
use crate::texts::{Rendered, Texts, Version};
use crate::value::{Date, Value};

/// The policy's title in `lang`, when it differs from its name.
pub(super) fn policy_title(policy: &CheckedPolicy, texts: &Texts, lang: &str) -> Option<Text> {
    texts.names.title(lang).unwrap_or_else(|| {
        let title = render(policy, &policy.header.title, lang, |_| None);
        (!title.is_empty() && title != policy.header.name).then(|| Text::from(title))
    })
}

/// An outcome's title, explanation and sources: those of its version in force on
/// `today`, for a rule that changed over time.
pub(super) fn texts_of(rule: &RuleInfo, today: Date) -> (&Message, &Message, &[String]) {
    match rule.version_at(today) {
        Some(v) => (&v.title, &v.explain, &v.sources),
        None => (&rule.title, &rule.explain, &rule.sources),
    }
}

/// A decision's texts in one language on one day: those rendered at load copied, the
/// others rendered.
pub(super) struct Said<'a> {
    pub(super) policy: &'a CheckedPolicy,
    pub(super) texts: &'a Texts,
    pub(super) today: Date,
    pub(super) lang: &'a str,
    /// `lang`'s place among the policy's languages, when it is one of them: where the
    /// texts made at load keep each message's text in it.
    pub(super) at: Option<usize>,
}

impl<'a> Said<'a> {
    pub(super) fn new(
        policy: &'a CheckedPolicy,
        texts: &'a Texts,
        today: Date,
        lang: &'a str,
    ) -> Said<'a> {
        let at = policy.languages.iter().position(|l| l == lang);
        Said {
            policy,
            texts,
            today,
            lang,
            at,
        }
    }

    /// An outcome's title: the text made at load, borrowed, when it has no values.
    pub(super) fn title(
        &self,
        id: RuleId,
        value: impl FnMut(&Ref) -> Option<Value>,
    ) -> Cow<'a, Text> {
        self.outcome_text(id, |m| m.0, |t| &t.title, value)
    }

    /// An outcome's explanation (see [`Said::title`]).
    pub(super) fn explanation(
        &self,
        id: RuleId,
        value: impl FnMut(&Ref) -> Option<Value>,
    ) -> Cow<'a, Text> {
        self.outcome_text(id, |m| m.1, |t| &t.explain, value)
    }

    /// One of an outcome's messages (`message` picks it from [`texts_of`]), from the
    /// texts made at load (`made` picks it from those of the version in force) when
    /// there are some.
    fn outcome_text<'m>(
        &self,
        id: RuleId,
        message: impl FnOnce((&'m Message, &'m Message, &'m [String])) -> &'m Message,
        made: impl FnOnce(&'a Version) -> &'a Rendered,
        value: impl FnMut(&Ref) -> Option<Value>,
    ) -> Cow<'a, Text>
    where
        'a: 'm,
    {
        let rule = self.policy.rule(id);
        let message = message(texts_of(rule, self.today));
        match self.texts.rule_at(id.0 as usize, rule, self.today) {
            Some(t) => made(t).render(self.policy, message, (self.lang, self.at), value),
            None => Cow::Owned(Text::from(render(self.policy, message, self.lang, value))),
        }
    }

    /// The title of an exception that defeated a rule (see [`Said::title`]).
    pub(super) fn defeat_title(
        &self,
        id: ExceptionId,
        mut value: impl FnMut(&Ref) -> Option<Value>,
    ) -> Cow<'a, Text> {
        let exception = self.policy.exception(id);
        let texts = self.texts.exception(id.0 as usize);
        let title = match texts {
            Some(t) => t.title.render(
                self.policy,
                &exception.title,
                (self.lang, self.at),
                &mut value,
            ),
            None => Cow::Owned(Text::from(render(
                self.policy,
                &exception.title,
                self.lang,
                &mut value,
            ))),
        };
        if !title.is_empty() {
            return title;
        }
        Cow::Owned(Text::from(untitled(
            self.policy,
            exception,
            self.lang,
            value,
        )))
    }
}

/// The title of an exception written without one: a sentence made from its name
/// (`Exception “prior order” applies`), as a person reads this, not the condition (which
/// the reasons show).
fn untitled(
    policy: &CheckedPolicy,
    exception: &ExceptionInfo,
    lang: &str,
    mut value: impl FnMut(&Ref) -> Option<Value>,
) -> String {
    if !exception.inline {
        return crate::message::untitled_exception(Some(&exception.name), lang);
    }
    // An inline `unless` has no name of its own; `unless ban_exception` reads as the name
    // it tests (as written: the condition of a version's `unless` also tests the dates).
    let written = fold_whitespace(policy.text(exception.when.span));
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    if written.is_empty() || !written.chars().all(is_name) {
        return crate::message::untitled_exception(None, lang);
    }
    if let Some(outcome) = policy.outcome_named(&written).map(|r| policy.rule(r)) {
        let title = render(policy, &outcome.title, lang, &mut value);
        if !title.is_empty() {
            return title;
        }
    }
    crate::message::untitled_exception(Some(&written), lang)
}
