//! The formatter on any text that parses: its output parses to the same syntax tree
//! (formatting never changes meaning) and formats to itself (formatting is idempotent).
#![no_main]

use asylon::internal::source::FileId;
use asylon::internal::syntax::parse_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(tree) = parse_file(FileId(0), text) else { return };
    let formatted = asylon::format::format_source(text).expect("text that parses formats");
    let again = parse_file(FileId(0), &formatted).expect("formatted text parses");
    assert_eq!(tree, again, "formatting changed the syntax tree:\n{formatted}");
    let twice = asylon::format::format_source(&formatted).expect("formatted text formats");
    assert_eq!(formatted, twice, "formatting is not idempotent");
});
