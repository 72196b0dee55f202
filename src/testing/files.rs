//! `given file "cases/x.json"`: where a test's fact file is, relative to the policy file
//! the test is written in. The loader reads it into the policy's sources under this
//! name, and the checker finds it there by the same name, so that both agree without
//! the checker touching the file system.

use std::path::{Component, Path, PathBuf};

/// The path of the fact file `written` in a test of the policy file `policy_file`, as
/// the loader reads it and diagnostics show it: joined to the policy file's directory,
/// `.` and `..` folded away where they can be (`policies/p/../../examples/x.json` is
/// `examples/x.json`).
pub fn given_file_path(policy_file: &str, written: &str) -> String {
    let base = Path::new(policy_file).parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for part in base.join(written).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_fold = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_fold {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::given_file_path;

    #[test]
    fn paths_are_relative_to_the_policy_file() {
        assert_eq!(
            given_file_path("policies/border/90-tests.asylon", "cases/a.json"),
            "policies/border/cases/a.json"
        );
        assert_eq!(
            given_file_path("policies/border/90-tests.asylon", "../../examples/a.json"),
            "examples/a.json"
        );
        assert_eq!(given_file_path("p.asylon", "./a.json"), "a.json");
        assert_eq!(given_file_path("p.asylon", "../a.json"), "../a.json");
    }
}
