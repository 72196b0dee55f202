//! `asylon fmt`: policies printed in one canonical layout, comments kept.
//!
//! The syntax tree holds no comments, so they are read from the text apart
//! (`comments.rs`) and attached to the node that follows each: a declaration, a clause,
//! a fact of a group, an enum variant, a given fact or an expectation of a test. The
//! printer (`printer.rs`) puts each back in front of its node. Formatting changes no
//! syntax tree (strings are printed as written) and is idempotent: both are tested on
//! every policy of the repository.

mod comments;
mod printer;

use crate::source::FileId;
use crate::syntax::ast::{Decl, File, GroupMember, Texts};
use crate::syntax::{parse_file, SyntaxError};

/// Formats the text of one `.asylon` file; the syntax errors when it does not parse.
///
/// Formatting never changes what a file means, and formatting twice changes nothing
/// more: when the laid-out text would read as another syntax tree, or would lay out
/// differently again, the text is given back as written. That happens only around text
/// that is already wrong, such as a `{` a string leaves open (an error `asylon check`
/// reports): a fallback `{name or "…"}` holds quotes, so such a `{` can reach past its
/// string into the next one, and whether it does depends on the line breaks and comments
/// between them, which formatting moves.
///
/// ```
/// let messy = "policy \"P\"\nfact   a: bool \"a\"\n";
/// assert_eq!(asylon::format::format_source(messy).unwrap(), "policy \"P\"\n\nfact a: bool \"a\"\n");
/// ```
pub fn format_source(text: &str) -> Result<String, Vec<SyntaxError>> {
    let file = parse_file(FileId(0), text)?;
    let formatted = lay_out(text, &file);
    let stable = match parse_file(FileId(0), &formatted) {
        Ok(again) if again == file => lay_out(&formatted, &again) == formatted,
        _ => false,
    };
    Ok(if stable { formatted } else { text.to_string() })
}

/// `file`, parsed from `text`, printed with its comments.
fn lay_out(text: &str, file: &File) -> String {
    let attached = comments::Attached::new(comments::scan(text), &anchors(file));
    printer::Printer::new(text, attached).file(file)
}

/// Where each node a comment can be attached to starts, as the printer asks for them.
fn anchors(file: &File) -> Vec<usize> {
    let mut out: Vec<u32> = Vec::new();
    let texts = |t: Option<&Texts>, out: &mut Vec<u32>| {
        if let Some(first) = t.and_then(|t| t.first()) {
            out.push(first.lang.span.start);
        }
    };
    if let Some(h) = &file.header {
        out.push(h.span.start);
    }
    for decl in &file.decls {
        match decl {
            Decl::Enum(e) => {
                out.push(e.span.start);
                out.extend(e.variants.iter().map(|v| v.name.span.start));
            }
            Decl::Fact(f) => {
                out.push(f.span.start);
                allow(&f.allow, &mut out);
            }
            Decl::FactGroup(g) => group_anchors(g, &mut out),
            Decl::Const(c) => {
                out.push(c.span.start);
                allow(&c.allow, &mut out);
            }
            Decl::Define(d) => {
                out.push(d.span.start);
                out.extend(d.unless.iter().map(|u| u.span.start));
                out.extend(d.sources.iter().map(|s| s.span.start));
                allow(&d.allow, &mut out);
            }
            Decl::Outcome(o) => {
                out.push(o.span.start);
                out.extend(o.when.iter().map(|w| w.span.start));
                out.extend(o.unless.iter().map(|u| u.span.start));
                texts(o.title.as_ref(), &mut out);
                texts(o.explain.as_ref(), &mut out);
                out.extend(o.sources.iter().map(|s| s.span.start));
                allow(&o.allow, &mut out);
            }
            Decl::Exception(e) => {
                out.push(e.span.start);
                out.extend(e.when.iter().map(|w| w.span.start));
                out.extend(e.gives.iter().map(|g| g.span.start));
                texts(e.title.as_ref(), &mut out);
                texts(e.explain.as_ref(), &mut out);
                out.extend(e.sources.iter().map(|s| s.span.start));
                allow(&e.allow, &mut out);
            }
            Decl::Impossible(i) => {
                out.push(i.span.start);
                out.extend(i.when.iter().map(|w| w.span.start));
                texts(i.message.as_ref(), &mut out);
                out.extend(i.sources.iter().map(|s| s.span.start));
                allow(&i.allow, &mut out);
            }
            Decl::Test(t) => {
                out.push(t.span.start);
                out.extend(t.as_of.iter().map(|d| d.span.start));
                out.extend(t.given_span.iter().map(|s| s.start));
                out.extend(t.given.iter().map(|g| g.fact.span.start));
                out.extend(t.expects.iter().map(|e| e.span.start));
            }
        }
    }
    out.into_iter().map(|a| a as usize).collect()
}

/// Each code of an `allow`, so that a comment saying why stays before the clause.
fn allow(codes: &[crate::syntax::ast::Name], out: &mut Vec<u32>) {
    out.extend(codes.iter().map(|c| c.span.start));
}

fn group_anchors(g: &crate::syntax::ast::FactGroup, out: &mut Vec<u32>) {
    out.push(g.span.start);
    for m in &g.members {
        match m {
            GroupMember::Fact(f) => {
                out.push(f.span.start);
                allow(&f.allow, out);
            }
            GroupMember::Group(inner) => group_anchors(inner, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        format_source(text).expect("parses")
    }

    #[test]
    fn long_conditions_break_at_and_with_operands_aligned() {
        let text = "outcome o when aaaaaaaaaaaaaaaaaaaa and bbbbbbbbbbbbbbbbbbbbbbbbb and not (cccccccccccccccccccc or ddddddddddddddddddddddd) title en \"O\"";
        assert_eq!(
            fmt(text),
            "outcome o\n  when aaaaaaaaaaaaaaaaaaaa\n   and bbbbbbbbbbbbbbbbbbbbbbbbb\n   and not (cccccccccccccccccccc or ddddddddddddddddddddddd)\n  title   en \"O\"\n"
        );
    }

    #[test]
    fn comments_stay_before_what_they_describe() {
        let text = "# head\n\nfact a: bool # about a\n# about b\nfact b: bool\n# end\n";
        assert_eq!(
            fmt(text),
            "# head\n\n# about a\nfact a: bool\n\n# about b\nfact b: bool\n\n# end\n"
        );
    }

    #[test]
    fn clauses_come_in_one_order_and_strings_stay_as_written() {
        let text = "outcome o source \"s\\n t\" title en \"T\"   es \"Te\" when a";
        assert_eq!(
            fmt(text),
            "outcome o\n  when a\n  title   en \"T\" es \"Te\"\n  source \"s\\n t\"\n"
        );
    }

    #[test]
    fn allow_is_the_last_clause_and_keeps_its_comment() {
        let text = "outcome o allow never_true # why\n# decided\n allow asylon::lint::same_condition when a title en \"O\"\nfact f: bool \"f\" allow unused_fact";
        assert_eq!(
            fmt(text),
            "outcome o\n  when a\n  title   en \"O\"\n  # why\n  # decided\n  allow never_true, asylon::lint::same_condition\n\nfact f: bool \"f\" allow unused_fact\n"
        );
    }

    #[test]
    fn a_long_missing_list_goes_on_its_own_lines() {
        let text = "test \"t\" as of 2024-01-01 expect some_outcome undetermined, missing first.fact_name, second.fact_name, third.fact_name, fourth.fact_name, fifth.fact";
        assert_eq!(
            fmt(text),
            "test \"t\"\n  as of 2024-01-01\n  expect some_outcome undetermined,\n    missing first.fact_name, second.fact_name, third.fact_name, fourth.fact_name,\n            fifth.fact\n"
        );
    }

    #[test]
    fn a_chain_inside_parentheses_hangs_its_operators_under_the_first_operand() {
        let text = "outcome o when a or (bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb and (cccccccccccccccccccccccccccccccccccccccc or dddddddddddddddddddddddddddddddddddddddd)) title en \"O\"";
        assert_eq!(
            fmt(text),
            "outcome o\n  when a\n    or (bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n        and (cccccccccccccccccccccccccccccccccccccccc\n             or dddddddddddddddddddddddddddddddddddddddd))\n  title   en \"O\"\n"
        );
    }
}
