//! The parser and lowering on any text: a syntax tree or syntax errors, never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = asylon::internal::syntax::parse_file(asylon::internal::source::FileId(0), text);
});
