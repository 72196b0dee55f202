//! The README teaches the language with a policy: it must stay a valid one.

use asylon::{EvalOptions, Policy};

#[test]
fn the_readme_policy_checks_and_evaluates() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```asylon\n")
        .expect("the README has an asylon example")
        + "```asylon\n".len();
    let end = start + readme[start..].find("```").expect("the example is closed");
    let policy =
        Policy::from_source("README.md", &readme[start..end]).expect("the README policy checks");
    let decision = policy
        .evaluate_json(
            "case.json",
            r#"{"authorization": "none", "border": {"daily_crossings_average": 2600},
                "person": {"unaccompanied_child": true}}"#,
            &EvalOptions::on("2024-06-17").unwrap(),
        )
        .expect("the case evaluates");
    assert_eq!(
        decision.status("asylum_ban_in_effect"),
        Some(asylon::Status::Holds)
    );
    assert_eq!(
        decision.status("asylum_ban_applies"),
        Some(asylon::Status::DoesNotHold)
    );
    assert_eq!(
        decision.does_not_hold[0].defeated_by[0].exception,
        "unaccompanied_children"
    );
}

/// The README's section on the examples, as the command line gives it today.
fn examples_section() -> String {
    use std::fmt::Write as _;
    let root = env!("CARGO_MANIFEST_DIR");
    let policy = Policy::load(format!("{root}/policies/us-mexico-border"))
        .expect("the border policy checks");
    let options = EvalOptions::on("2024-06-17").unwrap();
    let mut names: Vec<String> = std::fs::read_dir(format!("{root}/examples"))
        .expect("examples/")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut out = String::from("| example | what holds (as of 2024-06-17) | undetermined | ask next |\n|---|---|---|---|\n");
    for name in names {
        let text = std::fs::read_to_string(format!("{root}/examples/{name}")).unwrap();
        let d = policy
            .evaluate_json(&name, &text, &options)
            .expect("every example evaluates");
        let holds: Vec<String> = d.outcomes.iter().map(|o| format!("`{}`", o.id)).collect();
        let next: Vec<String> = d.missing.iter().take(3).map(|m| format!("`{m}`")).collect();
        let _ = writeln!(
            out,
            "| [`{name}`](examples/{name}) | {} | {} | {} |",
            if holds.is_empty() {
                "—".to_string()
            } else {
                holds.join(", ")
            },
            d.undetermined.len(),
            if next.is_empty() {
                "—".to_string()
            } else {
                next.join(", ")
            },
        );
    }
    let main = [
        "eval",
        "policies/us-mexico-border",
        "examples/unaccompanied_child_northwest_mexico.json",
        "--as-of",
        "2024-06-17",
    ];
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(main)
        .current_dir(root)
        .output()
        .expect("asylon runs");
    let _ = write!(
        out,
        "\nWhat a person reads, for the 16-year-old travelling alone in Northwest Mexico:\n\n```text\n$ asylon {}\n{}```\n",
        main.join(" "),
        String::from_utf8_lossy(&run.stdout)
    );
    out
}

/// The README's section on `asylon diff` across the day the asylum ban took effect.
fn diff_section() -> String {
    let args = [
        "diff",
        "policies/us-mexico-border",
        "policies/us-mexico-border",
        "--old-as-of",
        "2024-06-04",
        "--as-of",
        "2024-06-05",
    ];
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("asylon runs");
    format!(
        "```text\n$ asylon {}\n{}```\n",
        args.join(" "),
        String::from_utf8_lossy(&run.stdout)
    )
}

/// Checks (or with `UPDATE_README` set, rewrites) a generated section of the README.
fn generated_section(marker: &str, expected: String) {
    let path = format!("{}/README.md", env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (start, end) = (
        format!("<!-- {marker}:start -->\n"),
        format!("<!-- {marker}:end -->"),
    );
    let from = readme.find(&start).expect("the README has the section") + start.len();
    let to = from + readme[from..].find(&end).expect("the section is closed");
    if readme[from..to] != expected && std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(
            &path,
            format!("{}{expected}{}", &readme[..from], &readme[to..]),
        )
        .unwrap();
        return;
    }
    assert_eq!(
        readme[from..to],
        expected,
        "run `UPDATE_README=1 cargo test --test readme` and review the change"
    );
}

#[test]
fn the_readme_shows_what_the_ban_changed() {
    generated_section("diff", diff_section());
}

#[test]
fn the_readme_shows_what_each_example_gives() {
    generated_section("examples", examples_section());
}

#[test]
fn a_loaded_policy_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Policy>();
    shared::<asylon::Decision>();
    shared::<asylon::Error>();
}
