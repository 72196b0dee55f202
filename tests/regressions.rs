//! Inputs that once crashed asylon, found by fuzzing (`fuzz/`), kept as tests. Each must
//! now get diagnostics and exit 1.

mod common;

macro_rules! refused {
    ($($name:ident: $policy:expr => $code:expr;)*) => {$(
        #[test]
        fn $name() {
            let run = common::check_text($policy);
            assert_eq!(run.code, 1, "{}", run.stderr);
            assert!(run.stderr.contains($code), "expected `{}` in\n{}", $code, run.stderr);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    )*};
}

refused! {
    // fuzz target `check`: an exception to an unknown rule in a policy with no rules
    // indexed an empty list of rules.
    exception_to_unknown_rule_without_rules: "exception e to nothing when true\n" => "asylon::unknown_target";
    exception_to_unknown_rule_with_rules: "policy \"p\"\nfact a: bool \"a\"\noutcome o when a title en \"o\"\nexception e to nothing when a\n" => "asylon::unknown_target";
}
