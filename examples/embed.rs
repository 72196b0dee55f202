//! Embedding asylon in another tool: load the border policy once, then evaluate cases
//! from several threads, reading the outcome ids that tools match on; build a case's
//! facts without JSON; read what is wrong with a fact set as data.
//!
//! ```sh
//! cargo run --example embed
//! ```

use std::path::Path;
use std::sync::Arc;
use std::thread;

use asylon::value::Date;
use asylon::{EvalOptions, Facts, Location, Policy, Status};

fn main() -> miette::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/us-mexico-border");
    // One load and check; `Policy` is `Send + Sync`, evaluation takes `&self`.
    let policy = Arc::new(Policy::load(&dir)?);
    let options = EvalOptions::on("2024-06-17")?.lang("es");

    let cases = [
        r#"{"authorization": "valid_visa"}"#,
        r#"{"authorization": "none", "entry": {"method": "between_ports", "during_asylum_ban": true}}"#,
        r#"{"person": {"unaccompanied_child": true}, "proceedings": "expedited_removal"}"#,
    ];
    let handles: Vec<_> = cases
        .into_iter()
        .enumerate()
        .map(|(i, case)| {
            let policy = Arc::clone(&policy);
            let options = options.clone();
            thread::spawn(move || -> Result<String, asylon::Error> {
                let facts = policy.facts_from_json(case)?;
                let decision = policy.evaluate(&facts, &options)?;
                let mut out = format!("case {i}:\n");
                for o in &decision.outcomes {
                    out.push_str(&format!("  holds         {}: {}\n", o.id, o.title));
                }
                out.push_str(&format!(
                    "  undetermined  {} outcomes\n",
                    decision.undetermined.len()
                ));
                let next: Vec<&str> = decision
                    .missing
                    .iter()
                    .take(3)
                    .map(asylon::Text::as_str)
                    .collect();
                out.push_str(&format!("  ask next      {}\n", next.join(", ")));
                let bar = decision.status("reentry_bar_risk");
                out.push_str(&format!("  reentry_bar_risk: {bar:?}\n"));
                if decision.status("may_request_asylum_at_port") == Some(Status::Holds) {
                    out.push_str("  → may request asylum at a port of entry\n");
                }
                Ok(out)
            })
        })
        .collect();
    for h in handles {
        // A thread that panicked is a bug in this example, not in the caller's input.
        let report = h.join().expect("evaluation thread finished")?;
        print!("{report}");
    }

    // Facts from a form rather than a file: set by path, typed, checked as JSON is.
    let facts = Facts::builder(&policy)
        .set("person.unaccompanied_child", true)?
        .set("entry.method", "port_of_entry")?
        .set("entry.date", Date::constant(2024, 6, 3))?
        .set("proceedings", "expedited_removal")?
        .unknown("fear_stated")
        .build()?;
    let decision = policy.evaluate(&facts, &options)?;
    let holds: Vec<&str> = decision.outcomes.iter().map(|o| o.id.as_str()).collect();
    println!("built: holds {}", holds.join(", "));

    // What is wrong with a fact set, all at once and as data: a form can put each
    // message beside its field.
    let bad = r#"{"person": {"unaccompanied_child": "yes"}, "entry": {"method": "by_boat"},
                  "person.fears_return": true}"#;
    if let Err(error) = policy.facts_from_json(bad) {
        for record in error.records() {
            let field = match &record.location {
                Some(Location::Fact { path, .. }) => path.as_str(),
                _ => "(the whole case)",
            };
            println!("{field}: {} [{}]", record.message, record.code);
            if let Some(help) = &record.help {
                println!("  help: {help}");
            }
        }
        // The same records as JSON, for a web page or another process.
        let json = serde_json::to_string(error.records()).map_err(|e| miette::miette!("{e}"))?;
        println!("{} bytes of JSON", json.len());
    }
    Ok(())
}
