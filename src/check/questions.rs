//! Questions: each fact's `ask` text, which may show other facts (`ask en "You entered
//! on {entry.date}. Were you stopped within 14 days?"`).
//!
//! A question is asked only once the facts it shows are known, so it may not show its
//! own fact, nor a fact whose question shows it in turn: such questions could never be
//! asked as written.

use std::collections::HashSet;

use super::messages::Place;
use super::{CheckError, Checker};
use crate::checked::FactId;
use crate::source::Span;

/// How far the walk over one fact's questions has got.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    New,
    /// On the path being walked: meeting it again closes a cycle.
    Open,
    Done,
}

impl Checker<'_> {
    /// Checks every fact's question, then refuses questions that show each other.
    pub(super) fn check_questions(&mut self) {
        let asks = std::mem::take(&mut self.fact_asks);
        let mut shows: Vec<Vec<(FactId, Span)>> = Vec::with_capacity(asks.len());
        for (i, ask) in asks.iter().enumerate() {
            let id = FactId(i as u32);
            let owner = self.facts.get(i).map_or_else(Span::default, |f| f.span);
            let message = self.plain_message(ask, owner, Place::Question(id));
            if let Some(fact) = self.facts.get_mut(i) {
                fact.ask = message;
            }
            let mut shown = std::mem::take(&mut self.shown);
            shown.dedup_by_key(|(f, _)| *f);
            shows.push(shown);
        }
        self.question_cycles(&shows);
    }

    /// Reports every question that shows, through other questions, its own fact.
    fn question_cycles(&mut self, shows: &[Vec<(FactId, Span)>]) {
        let mut marks = vec![Mark::New; shows.len()];
        let mut reported: HashSet<usize> = HashSet::new();
        for root in 0..shows.len() {
            if marks[root] != Mark::New {
                continue;
            }
            // An explicit stack: a chain of questions may be as long as the policy.
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            marks[root] = Mark::Open;
            while let Some((at, next)) = stack.last_mut() {
                let (at, edge) = (*at, *next);
                *next += 1;
                let Some(&(to, span)) = shows.get(at).and_then(|s| s.get(edge)) else {
                    marks[at] = Mark::Done;
                    stack.pop();
                    continue;
                };
                let to = to.0 as usize;
                match marks.get(to) {
                    Some(Mark::New) => {
                        marks[to] = Mark::Open;
                        stack.push((to, 0));
                    }
                    Some(Mark::Open) if reported.insert(at) => {
                        let name = |i: usize| {
                            self.facts
                                .get(i)
                                .map_or_else(String::new, |f| f.name.clone())
                        };
                        let (fact, shown) = (name(at), name(to));
                        // A question showing its own fact was refused when it was read.
                        let direct = shows[to].iter().any(|(f, _)| f.0 as usize == at);
                        let way_back = if direct {
                            format!("`{shown}`, whose question shows `{fact}` in turn")
                        } else {
                            format!("`{shown}`, whose questions lead back to `{fact}`")
                        };
                        self.error(CheckError::QuestionCycle {
                            fact,
                            shown: way_back,
                            name: shown,
                            span,
                        });
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::source::Sources;
    use crate::syntax::parse_file;

    /// The messages of the errors checking `text` gives (the checker alone: the layers
    /// above it, `Policy` among them, are not for it to import, even in tests).
    fn errors(text: &str) -> Vec<String> {
        let mut sources = Sources::default();
        let file = sources.add("q.asylon", text);
        let tree = parse_file(file, text).expect("the test's policy parses");
        match super::super::check(&sources, &[tree]) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_longer_cycle_is_reported_once_with_the_way_back() {
        let found = errors(
            r#"policy "P"
            fact a: int "a" ask en "{b}?"
            fact b: int "b" ask en "{c}?"
            fact c: int "c" ask en "{a}?"
            outcome o when a + b + c > 0 title en "o""#,
        );
        assert_eq!(
            found,
            ["the question of `c` shows `a`, whose questions lead back to `c`"]
        );
    }

    #[test]
    fn a_chain_without_a_cycle_checks() {
        let found = errors(
            r#"policy "P"
            fact a: int "a" ask en "{b} and {c}?"
            fact b: int "b" ask en "{c}?"
            fact c: int "c"
            outcome o when a + b + c > 0 title en "o""#,
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
