//! The slips everyone makes, recognised where the grammar stopped: an operator from
//! another language (`!=`, `==`, `&&`), a misspelt keyword, `rule` for `outcome`, an `if`
//! without its `else`. Each gets a message that says what to write instead of the list of
//! everything the grammar would have taken.
//!
//! Recognition runs only once a parse has failed, on the text at the error and the names
//! of what pest expected there: the grammar itself carries no rule for a mistake, so a
//! policy that parses pays nothing for these.

/// A recognised slip: what to say, and how much of the text it covers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slip {
    /// The message, user input in backticks.
    pub message: String,
    /// The words under the span.
    pub label: String,
    /// What to write instead.
    pub help: String,
    /// How many bytes of the text, from the error, the slip covers.
    pub len: usize,
}

/// Operators of other languages, longest first (`!=` before `!`), with what asylon
/// writes instead and an example.
const FOREIGN_OPERATORS: &[(&str, &str, &str)] = &[
    ("!=", "is not", "entry.method is not at_port"),
    ("==", "is", "entry.method is at_port"),
    ("&&", "and", "person.detained and person.fears_return"),
    ("||", "or", "person.detained or person.fears_return"),
    ("=", "is", "entry.method is at_port"),
    ("&", "and", "person.detained and person.fears_return"),
    ("|", "or", "person.detained or person.fears_return"),
    ("!", "not", "not person.detained"),
];

/// The slip at byte `at` of `text`, if it is one asylon knows, given the names of what the
/// grammar expected there (`rule_name`'s words).
pub(crate) fn recognise(text: &str, at: usize, expected: &[&str]) -> Option<Slip> {
    let rest = &text[at..];
    let operator_here = expected.contains(&"an operator");
    let operand_here = expected.contains(&"an expression");
    for (written, instead, example) in FOREIGN_OPERATORS {
        if !rest.starts_with(written) {
            continue;
        }
        // A lone `=` or `!` is a slip only where an operator or an operand goes; `!=`,
        // `==`, `&&` and `||` are one anywhere.
        let lone = written.len() == 1;
        let fits = match *written {
            "!" => operand_here,
            _ if lone => operator_here,
            _ => true,
        };
        if !fits {
            continue;
        }
        return Some(Slip {
            message: format!("`{written}` is not an operator in asylon"),
            label: format!("write `{instead}`"),
            help: format!("write `{instead}`, as in `{example}`"),
            len: written.len(),
        });
    }
    let word: &str = {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        &rest[..end]
    };
    if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let len = word.len();
    if word == "if" && operand_here {
        return Some(Slip {
            message: "an `if` inside an expression needs parentheses".into(),
            label: "write `(if … then … else …)`".into(),
            help: "an `if` stands alone as a whole expression; after an operator, put it in parentheses: `a + (if b then 1 else 2)`".into(),
            len,
        });
    }
    if word == "for" && expected.contains(&"`to`") {
        return Some(Slip {
            message: "expected `to`, found `for`".into(),
            label: "write `to`".into(),
            help: "an exception names the rule it stops with `to`: `exception late_filing to asylum_ban`".into(),
            len,
        });
    }
    let declaration_here = expected.contains(&"`outcome`");
    if matches!(word, "rule" | "rules") && declaration_here {
        return Some(Slip {
            message: format!("asylon has no `{word}` declaration"),
            label: "not a declaration".into(),
            help: "write `outcome NAME when …` for a result the policy decides, `define NAME = …` for a step on the way to one, or `exception NAME to RULE when …` for a case a rule does not cover".into(),
            len,
        });
    }
    // A misspelt keyword: compared with the keywords pest expected here only, so that a
    // name is not taken for a keyword that could not stand in its place (`person` is
    // one edit from `version`, which only the header takes).
    let candidates: Vec<&str> = expected.iter().filter_map(|n| keyword_of(n)).collect();
    if !candidates.contains(&word) {
        if let Some(keyword) = misspelt(word, &candidates) {
            return Some(Slip {
                message: format!("unknown keyword `{word}`"),
                label: "not a keyword".into(),
                help: format!("did you mean `{keyword}`?"),
                len,
            });
        }
    }
    if expected.contains(&"`else`") {
        return Some(Slip {
            message: "`if … then …` has no `else`".into(),
            label: "`else …` expected before this".into(),
            help: "an `if` gives a value either way: write `if … then … else …`".into(),
            len,
        });
    }
    None
}

/// The keyword `word` is a likely misspelling of: one edit away (two for longer words).
/// Stricter than the names' "did you mean": a word where a keyword could go is often a
/// name or a language tag the author meant (`title en` read as a name and a tag), and
/// only a near miss is worth calling a misspelt keyword.
fn misspelt<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let allowed = match word.chars().count() {
        0..=2 => return None,
        3..=5 => 1,
        _ => 2,
    };
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= allowed)
        .min()
        .map(|(_, c)| c)
}

/// The keyword a name stands for, when it is one word in backticks (`` `unless` ``), or
/// the first word of a longer form (`` `effective from … until …` ``).
fn keyword_of(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('`')?;
    let word = inner.split(['`', ' ', ',']).next()?;
    (!word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase())).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(text: &str, expected: &[&str]) -> Option<String> {
        recognise(text, 0, expected).map(|s| s.help)
    }

    #[test]
    fn foreign_operators_say_what_to_write() {
        let op = ["an operator"];
        assert!(help("!= 3", &op).unwrap().starts_with("write `is not`"));
        assert!(help("== 3", &op).unwrap().starts_with("write `is`"));
        assert!(help("= 3", &op).unwrap().starts_with("write `is`"));
        assert!(help("&& b", &op).unwrap().starts_with("write `and`"));
        assert!(help("|| b", &op).unwrap().starts_with("write `or`"));
        assert!(help("!a", &["an expression"])
            .unwrap()
            .starts_with("write `not`"));
        // A lone `=` where no operator goes is not taken for a comparison.
        assert_eq!(help("= 3", &["`:`"]), None);
    }

    #[test]
    fn an_if_where_an_operand_goes_asks_for_parentheses() {
        let here = ["an expression", "a name"];
        let said = help("if a then 1 else 2", &here).expect("a slip");
        assert!(said.contains("(if b then 1 else 2)"), "{said}");
        assert_eq!(help("if", &["`outcome`"]), None);
    }

    #[test]
    fn misspelt_keywords_get_the_closest_one() {
        let here = [
            "an operator",
            "`unless`",
            "`title`",
            "`outcome`",
            "`exception`",
        ];
        assert_eq!(
            help("unles b", &here).as_deref(),
            Some("did you mean `unless`?")
        );
        assert_eq!(
            help("outcom o", &here).as_deref(),
            Some("did you mean `outcome`?")
        );
        assert_eq!(help("zebra", &here), None);
        assert_eq!(help("en", &here), None);
        // Only keywords that could stand here are offered.
        assert_eq!(help("version", &here), None);
        assert_eq!(
            help("excpetion x", &here).as_deref(),
            Some("did you mean `exception`?")
        );
        assert_eq!(recognise("unles b", 0, &here).unwrap().len, 5);
    }

    #[test]
    fn keywords_are_read_from_the_expected_names() {
        assert_eq!(keyword_of("`unless`"), Some("unless"));
        assert_eq!(keyword_of("`effective from … until …`"), Some("effective"));
        assert_eq!(keyword_of("an operator"), None);
    }
}
