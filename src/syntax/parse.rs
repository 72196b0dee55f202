//! Text → pest pairs, and pest's errors in words an author understands.

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser as _;
use pest_derive::Parser;

use super::SyntaxError;
use crate::source::{FileId, Span};

/// The pest parser generated from `grammar/asylon.pest`.
#[derive(Parser)]
#[grammar = "../grammar/asylon.pest"]
pub(crate) struct AsylonParser;

/// Parses `text` with `rule`, turning a failure into a [`SyntaxError`].
pub(crate) fn parse(
    rule: Rule,
    file: FileId,
    text: &str,
) -> Result<pest::iterators::Pairs<'_, Rule>, SyntaxError> {
    AsylonParser::parse(rule, text).map_err(|e| convert(file, text, e))
}

fn convert(file: FileId, text: &str, error: pest::error::Error<Rule>) -> SyntaxError {
    let at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = describe_found(text, at);
    let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
    let span = Span::new(file, at, end);
    match error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().filter_map(|r| rule_name(*r)).collect();
            names.sort_unstable();
            names.dedup();
            if let Some(slip) = super::slips::recognise(text, at, &names) {
                return SyntaxError::Slip {
                    message: slip.message,
                    label: slip.label,
                    span: Span::new(file, at, at + slip.len),
                    help: slip.help,
                };
            }
            let listed = condense(&names);
            let expected = match listed.as_slice() {
                [] => "something else".to_string(),
                [one] => (*one).to_string(),
                [init @ .., last] => format!("{} or {}", init.join(", "), last),
            };
            let word = found.trim_matches('`');
            let help = if names.contains(&"a name")
                && AsylonParser::parse(Rule::keyword, word).is_ok_and(|p| p.as_str() == word)
            {
                Some(format!("`{word}` is a word of the language and cannot be a name; choose another, such as `{word}_count`"))
            } else {
                Some("see docs/language.md for the syntax of each declaration".to_string())
            };
            SyntaxError::Unexpected {
                expected,
                found,
                span,
                help,
            }
        }
        // pest's only custom error is its own recursion limit.
        ErrorVariant::CustomError { .. } => SyntaxError::TooDeep {
            limit: super::lower::MAX_EXPR_DEPTH,
            span,
        },
    }
}

/// The words that begin a declaration: where all of them could go, they are said as "a
/// declaration" rather than listed (with the end of the file, which can go there too).
const DECLARATIONS: &[&str] = &[
    "`const`",
    "`define`",
    "`enum`",
    "`exception`",
    "`fact`",
    "`facts`",
    "`impossible`",
    "`outcome`",
    "`test`",
];

/// The names of what was expected, with the declarations said as one.
fn condense<'a>(names: &[&'a str]) -> Vec<&'a str> {
    if !DECLARATIONS.iter().all(|d| names.contains(d)) {
        return names.to_vec();
    }
    let mut out: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !DECLARATIONS.contains(n) && *n != "the end of the file")
        .collect();
    out.push("a new declaration");
    out
}

fn describe_found(text: &str, at: usize) -> String {
    let rest = &text[at..];
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .take(40)
                .collect();
            format!("`{word}`")
        }
        Some(c) => format!("`{c}`"),
    }
}

/// The words used for a rule when pest reports what it expected; `None` hides a rule
/// that is only a piece of a larger one.
pub(crate) fn rule_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::ident | Rule::path => "a name",
        Rule::type_name => "a capitalised type name",
        Rule::lang => "a language tag such as `en`",
        Rule::string | Rule::string_inner => "a quoted string",
        Rule::date_lit => "a date (YYYY-MM-DD)",
        Rule::decimal_lit => "a decimal number",
        Rule::int_lit | Rule::signed_int => "a whole number",
        Rule::duration_lit => "a duration such as `60 days`",
        Rule::unit | Rule::unit_days | Rule::unit_months | Rule::unit_years => {
            "`days`, `months` or `years`"
        }
        Rule::text | Rule::texts => "a text such as `en \"…\"`",
        Rule::type_expr
        | Rule::t_bool
        | Rule::t_int
        | Rule::kw_int
        | Rule::t_decimal
        | Rule::t_string
        | Rule::kw_string
        | Rule::t_date
        | Rule::t_duration
        | Rule::t_list
        | Rule::t_enum => "a type",
        Rule::at_least => "`at least`",
        Rule::at_most => "`at most`",
        Rule::op_or
        | Rule::op_and
        | Rule::op_is
        | Rule::op_is_not
        | Rule::op_in
        | Rule::op_not_in
        | Rule::op_contains
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::no_operator => "an operator",
        Rule::is_known | Rule::is_unknown | Rule::is_empty | Rule::is_not_empty | Rule::no_test => {
            "`is known`, `is empty` or another test"
        }
        Rule::op_not | Rule::op_neg => "an operand",
        Rule::expr | Rule::term | Rule::list_lit | Rule::paren | Rule::if_expr => "an expression",
        Rule::days_from | Rule::days_since => "`days from … to …` or `days since …`",
        Rule::today | Rule::bool_true | Rule::bool_false => "a value",
        Rule::header => "the `policy \"…\"` header",
        Rule::header_version => "`version \"…\"`",
        Rule::header_source => "`source \"…\"`",
        Rule::variant => "an enum variant",
        Rule::enum_decl => "`enum`",
        Rule::ask => "`ask`",
        Rule::fact_body => "a fact (`name: type`)",
        Rule::fact_decl => "`fact`",
        Rule::fact_group => "`facts`",
        Rule::const_decl => "`const`",
        Rule::when_clause => "`when`",
        Rule::unless_clause => "`unless`",
        Rule::gives_clause => "`gives`",
        Rule::title_clause => "`title`",
        Rule::explain_clause => "`explain`",
        Rule::source_clause => "`source`",
        Rule::message_clause => "`message`",
        Rule::define_decl => "`define`",
        Rule::effective_clause => "`effective from … until …`",
        Rule::effective_from => "`from` and a date",
        Rule::effective_until => "`until` and a date",
        Rule::outcome_decl => "`outcome`",
        Rule::exception_decl => "`exception`",
        Rule::impossible_decl => "`impossible`",
        Rule::policy_file | Rule::expr_only => "a declaration",
        Rule::test_decl => "`test`",
        Rule::as_of_clause => "`as of`",
        Rule::given_clause => "`given`",
        Rule::given_entry => "a given fact (`name: value`)",
        Rule::given_file => "`file \"…\"`",
        Rule::expect_clause => "`expect`",
        Rule::expect_status
        | Rule::expect_holds
        | Rule::expect_not_holds
        | Rule::expect_undetermined => "`holds`, `does not hold` or `undetermined`",
        Rule::expect_missing => "`, missing …`",
        Rule::allow_clause | Rule::kw_allow => "`allow`",
        Rule::lint_code => "a lint's code such as `unused_fact`",
        Rule::expect_impossible | Rule::kw_impossible => "`impossible` and a rule's name",
        Rule::keyword => "a keyword",
        // Where an operand may begin, `if` and `days` stand for what they begin.
        Rule::kw_if => "an expression",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_days => "`days from … to …` or `days since …`",
        Rule::kw_from => "`from`",
        Rule::kw_since => "`since`",
        Rule::kw_to => "`to`",
        // Pieces of larger rules, and layout.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(rule: Rule, text: &str) -> bool {
        AsylonParser::parse(rule, text).is_ok()
    }

    #[test]
    fn expression_words_need_a_word_boundary() {
        assert!(ok(Rule::expr_only, "if x then 1 else 2"));
        assert!(ok(Rule::expr_only, "days from a to b"));
        assert!(ok(Rule::expr_only, "days since a"));
        // Each of these is a name, not the keyword it begins with.
        assert!(!ok(Rule::expr_only, "ifx then 1 else 2"));
        assert!(!ok(Rule::expr_only, "if x thenx 1 else 2"));
        assert!(!ok(Rule::expr_only, "days fromx to y"));
        assert!(!ok(Rule::expr_only, "days from x tox"));
        assert!(!ok(Rule::expr_only, "dayssince x"));
        assert!(ok(Rule::expr_only, "ifs + days_left"));
    }

    #[test]
    fn operator_words_need_a_word_boundary() {
        assert!(ok(Rule::expr_only, "a or b"));
        assert!(ok(Rule::expr_only, "proceedings is notice_to_appear"));
        assert!(ok(Rule::expr_only, "x is not ice"));
        assert!(ok(Rule::expr_only, "x not in [a, b]"));
        assert!(ok(Rule::expr_only, "not x and y"));
        assert!(!ok(Rule::expr_only, "a orb"));
    }

    /// The whole text, read as `rule`.
    fn whole(rule: Rule, text: &str) -> bool {
        AsylonParser::parse(rule, text)
            .is_ok_and(|mut p| p.next().is_some_and(|p| p.as_str() == text))
    }

    #[test]
    fn keywords_are_not_names_but_words_that_begin_with_one_are() {
        for word in [
            "and", "or", "not", "is", "in", "contains", "empty", "known", "unknown", "true",
            "false", "today", "if", "then", "else", "days", "day", "since", "from", "to", "when",
            "unless", "gives", "of", "list", "matching", "at", "least", "most", "months", "month",
            "years", "year",
        ] {
            assert!(whole(Rule::keyword, word), "{word} is a keyword");
            assert!(!ok(Rule::ident, word), "{word} is not a name");
            for name in [format!("{word}_x"), format!("{word}s2"), format!("{word}X")] {
                assert!(whole(Rule::ident, &name), "{name} is a name");
                assert!(!whole(Rule::keyword, &name), "{name} is no keyword");
            }
        }
        for name in ["a", "ye", "tod", "da", "mont", "unk", "b", "person", "_x"] {
            assert!(whole(Rule::ident, name), "{name} is a name");
        }
    }

    #[test]
    fn postfix_tests_are_read_before_is() {
        assert!(ok(Rule::expr_only, "x is known"));
        assert!(ok(Rule::expr_only, "x is not empty"));
        assert!(ok(Rule::expr_only, "x is unknown and y is empty"));
    }

    #[test]
    fn literals() {
        for text in [
            "2500",
            "2.5",
            "\"CU\"",
            "2024-02-29",
            "60 days",
            "1 year",
            "today",
            "true",
            "[a, b,]",
            "[]",
            "days since x",
            "days from a to today",
            "if a then 1 else 2",
            "entry.date + 1 year",
            "-3 * (2 + 1)",
        ] {
            assert!(ok(Rule::expr_only, text), "{text}");
        }
        for text in ["2024-6-1x", "\"open", "1 +", "a is", "(a", "[a b]"] {
            assert!(!ok(Rule::expr_only, text), "{text}");
        }
    }

    #[test]
    fn declarations() {
        assert!(ok(
            Rule::policy_file,
            "policy \"p\" version \"1\"\nenum E { a, b en \"B\" es \"Be\" }\n\
             facts person { age: int at least 0 \"age\" ask en \"How old?\" }\n\
             fact e: E\nconst n = 3\ndefine d: bool = person.age >= n unless e is a\n\
             outcome o when d title en \"O\" source \"s\"\n\
             exception x to o when e is b\nimpossible i when person.age > 200 message en \"no\""
        ));
        assert!(!ok(Rule::policy_file, "outcome"));
        assert!(!ok(Rule::policy_file, "facts p { x int }"));
    }
}
