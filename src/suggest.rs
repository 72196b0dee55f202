//! "Did you mean …?": the closest known name to a misspelt one. Below every stage, so
//! the checker, the fact reader and the explainer suggest alike without importing each
//! other.

/// The closest of `candidates` to `name`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn a_typo_gets_the_closest_name_and_a_stranger_none() {
        let names = ["fears_return", "detained", "entry_date"];
        assert_eq!(
            did_you_mean("fear_return", names).as_deref(),
            Some("did you mean `fears_return`?")
        );
        assert_eq!(did_you_mean("xyz", names), None);
    }
}
