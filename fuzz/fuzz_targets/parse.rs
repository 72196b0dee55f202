//! The parser and lowering on any text: a syntax tree or syntax errors, never a crash.
//! Every error points into the text, on character boundaries (so that a report can quote
//! it); and layout after the last token changes nothing: a text that parses, followed by
//! a comment and blank lines, parses to the same tree. (That formatting keeps the tree is
//! the `fmt` target's job.)
#![no_main]

use asylon::internal::source::{FileId, Span};
use asylon::internal::syntax::parse_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match parse_file(FileId(0), text) {
        Ok(tree) => {
            let padded = format!("{text}\n# the end\n\n");
            let again = parse_file(FileId(0), &padded).expect("trailing layout parses");
            assert_eq!(tree, again, "trailing layout changed the syntax tree");
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a failed parse reports an error");
            for error in &errors {
                let Span { start, end, .. } = error.span();
                let (start, end) = (start as usize, end as usize);
                assert!(
                    start <= end
                        && end <= text.len()
                        && text.is_char_boundary(start)
                        && text.is_char_boundary(end),
                    "{error:?} points outside the text or inside a character"
                );
            }
        }
    }
});
