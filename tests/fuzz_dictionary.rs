//! The fuzzers' dictionary (`fuzz/asylon.dict`) has every literal of the grammar, so
//! that a new keyword is offered to the fuzzer as a whole word from the day it exists.

/// The double-quoted literals of a pest grammar, outside `//` comments, as written.
fn literals(grammar: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in grammar.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut chars = code.chars();
        while let Some(c) = chars.by_ref().next() {
            if c != '"' {
                continue;
            }
            let mut lit = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => {
                        lit.push('\\');
                        lit.extend(chars.next());
                    }
                    c => lit.push(c),
                }
            }
            out.push(lit);
        }
    }
    out
}

#[test]
fn the_fuzz_dictionary_has_every_literal_of_the_grammar() {
    let root = env!("CARGO_MANIFEST_DIR");
    let grammar = std::fs::read_to_string(format!("{root}/grammar/asylon.pest"))
        .expect("the grammar is readable");
    let dict = std::fs::read_to_string(format!("{root}/fuzz/asylon.dict"))
        .expect("the dictionary is readable");
    let entries: Vec<&str> = dict.lines().filter(|l| l.starts_with('"')).collect();
    let missing: Vec<String> = literals(&grammar)
        .into_iter()
        // Blanks and the byte-order mark are layout, not words.
        .filter(|l| !l.trim().is_empty() && !l.starts_with("\\u") && !l.starts_with("\\n"))
        .filter(|l| !matches!(l.as_str(), "\\t" | "\\r"))
        .filter(|l| !entries.contains(&format!("\"{l}\"").as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "not in fuzz/asylon.dict (run `python3 fuzz/dictionary.py`): {missing:?}"
    );
}
