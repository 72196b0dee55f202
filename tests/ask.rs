//! `asylon ask` end to end: through stdin as scripts use it (one line per answer), and
//! through a real pseudo-terminal as a person uses it.

mod common;

use common::asylon;

const SCREENING: &str = "tests/fixtures/interview/screening.asylon";
const BORDER: &str = "policies/us-mexico-border";

/// The questions of a transcript, in the order asked (`3. How old are you?`).
fn questions(transcript: &str) -> Vec<String> {
    transcript
        .lines()
        .filter(|l| {
            let digits = l.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && l[digits..].starts_with(". ")
        })
        .map(|l| l.split_once(". ").map_or("", |(_, q)| q).to_string())
        .collect()
}

#[test]
fn a_scripted_interview_asks_only_what_matters_and_saves_facts_eval_accepts() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let save = dir.path().join("answers.json");
    let save = save.to_str().expect("a UTF-8 path");
    let run = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17", "--save", save],
        "yes\n1, 3\n17\nno\n2\n2023-01-01\nthis line is never read\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(
        questions(&run.stdout),
        [
            "Are you afraid to go back?",
            "Why? Choose all that apply.",
            "How old are you?",
            "Are you travelling without a parent?",
            "Where are you now?",
            "On what day did you arrive?",
        ]
    );
    assert!(run.stdout.contains("Nothing more can change the answer."));

    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(save).expect("the answers were saved"))
            .expect("the answers are JSON");
    assert_eq!(
        saved,
        serde_json::json!({
            "person": {"fears_return": true, "grounds": ["race", "opinion"], "age": 17,
                       "alone": false},
            "place": "border",
            "entry": {"date": "2023-01-01"}
        })
    );
    // The saved file is a fact file: `eval` accepts it unchanged and decides the same.
    let eval = asylon(&["eval", SCREENING, save, "--as-of", "2024-06-17"], "");
    assert_eq!(eval.code, 0, "{}", eval.stderr);
    assert!(
        run.stdout.ends_with(&eval.stdout),
        "the interview ends with the decision `eval` gives:\n{}",
        eval.stdout
    );
}

#[test]
fn a_wrong_answer_is_refused_and_the_question_asked_again() {
    let run = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17"],
        "maybe\nno\n200\nabc\n?\nyes\n3\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("✗ `maybe` is not yes or no."));
    assert!(run.stdout.contains("✗ The number must be at most 130."));
    assert!(run.stdout.contains("✗ `abc` is not a whole number."));
    assert_eq!(
        questions(&run.stdout),
        [
            "Are you afraid to go back?",
            "Are you afraid to go back?",
            "How old are you?",
            "How old are you?",
            "How old are you?",
            "Are you travelling without a parent?",
            "Where are you now?",
        ]
    );
    // Abroad: the deadline's exception applies, so the day of arrival is never asked;
    // the age stays unknown and is not asked again, though `child_alone` waits on it.
    assert!(run
        .stdout
        .contains("The questions left are ones you did not know."));
}

#[test]
fn an_impossible_answer_is_refused_with_the_policy_message() {
    let run = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17"],
        "no\n?\nno\n1\n2099-01-01\n2024-01-01\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "✗ That answer does not fit your other answers: The day of arrival (January 1, 2099) is after today."
        ),
        "{}",
        run.stdout
    );
    let asked = questions(&run.stdout);
    assert_eq!(asked[asked.len() - 2..], ["On what day did you arrive?"; 2]);
    assert!(run.stdout.contains("Nothing more can change the answer."));
}

#[test]
fn back_goes_back_one_question_and_dont_know_is_not_asked_again() {
    let run = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17"],
        "back\n?\nback\nno\n?\nback\n16\nyes\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("There is no previous question to go back to."));
    assert_eq!(
        questions(&run.stdout),
        [
            "Are you afraid to go back?",           // back: nothing to go back to
            "Are you afraid to go back?",           // ?
            "Why? Choose all that apply.",          // still relevant; back
            "Are you afraid to go back?",           // no: the grounds no longer matter
            "How old are you?",                     // ?
            "Are you travelling without a parent?", // back
            "How old are you?",                     // 16
            "Are you travelling without a parent?", // yes
            "Where are you now?",                   // the input ends
        ]
    );
    assert!(run
        .stdout
        .contains("✓ A child alone is protected [child_alone]"));
}

#[test]
fn the_interview_speaks_spanish() {
    let run = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17", "--lang", "es"],
        "sí\nninguno\natrás\n2\n?\nsí\n3\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    assert!(run.stdout.contains("¿Tiene miedo de regresar?"));
    assert!(run.stdout.contains("   2. religión"));
    assert!(run.stdout.contains("Volvemos a la pregunta anterior."));
    assert!(run.stdout.contains("Se cumple"));
    assert!(!run.stdout.contains("Holds"));
}

#[test]
fn the_border_interview_never_repeats_a_question_and_ends_by_itself() {
    let run = asylon(
        &[
            "ask",
            BORDER,
            "--as-of",
            "2024-06-17",
            "--facts",
            "examples/half_facts_unknown.json",
        ],
        &"?\n".repeat(200),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked = questions(&run.stdout);
    assert!(asked.len() > 5, "{}", run.stdout);
    let mut unique = asked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), asked.len(), "a question was asked twice");
    assert!(
        !asked.iter().any(|q| q == "Where are you now?"),
        "given in --facts"
    );
    assert!(run
        .stdout
        .contains("The questions left are ones you did not know."));
    assert!(!run.stdout.contains("ended before every question"));
}

#[test]
fn the_border_interview_speaks_spanish() {
    let run = asylon(
        &["ask", BORDER, "--as-of", "2024-06-17", "--lang", "es"],
        "no\n5\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("1. ¿Tiene menos de 18 años y viaja sin su padre, su madre o un tutor legal?"));
    assert!(run.stdout.contains("   5. ningún permiso para entrar"));
    assert!(run
        .stdout
        .contains("La entrevista terminó antes de responder todas las preguntas."));
    assert!(run.stdout.contains("Sin determinar"));
}

#[test]
fn a_save_file_that_cannot_be_written_is_refused_before_the_first_question() {
    let run = asylon(
        &["ask", SCREENING, "--save", "no/such/directory/answers.json"],
        "yes\n",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("asylon::io"), "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "no question was asked: {}",
        run.stdout
    );
}

#[test]
fn a_bad_starting_fact_file_is_a_diagnostic() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let start = dir.path().join("start.json");
    std::fs::write(&start, r#"{"person": {"age": "ten"}}"#).expect("written");
    let run = asylon(
        &["ask", SCREENING, "--facts", start.to_str().expect("UTF-8")],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("asylon::facts::wrong_type"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn starting_facts_cannot_come_from_stdin() {
    let run = asylon(&["ask", SCREENING, "--facts", "-"], "{}");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("asylon::ask::facts_from_stdin"),
        "{}",
        run.stderr
    );
}

/// The text as rexpect reads it from a terminal: one `char` per byte.
#[cfg(unix)]
fn tty(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

#[cfg(unix)]
#[test]
fn a_person_answers_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let save = dir.path().join("answers.json");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_asylon"));
    command
        .args([
            "ask",
            SCREENING,
            "--as-of",
            "2024-06-17",
            "--lang",
            "es",
            "--save",
        ])
        .arg(&save)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let mut p = rexpect::session::spawn_command(command, Some(20_000)).expect("a terminal");
    p.exp_string(&tty("¿Tiene miedo de regresar?"))
        .expect("first question");
    p.exp_string(&tty("> ")).expect("a prompt");
    p.send_line("no").expect("typed");
    p.exp_string(&tty("¿Cuántos años tiene?")).expect("the age");
    p.send_line("diez").expect("typed");
    p.exp_string(&tty("`diez` no es un número entero."))
        .expect("refused");
    p.send_line("10").expect("typed");
    p.exp_string(&tty("¿Viaja sin su padre ni su madre?"))
        .expect("alone");
    p.send_line("atrás").expect("typed");
    p.exp_string(&tty("Volvemos a la pregunta anterior."))
        .expect("back");
    p.exp_string(&tty("¿Cuántos años tiene?"))
        .expect("the age again");
    p.send_line("10").expect("typed");
    p.send_line("sí").expect("typed");
    p.exp_string(&tty("¿Dónde está ahora?")).expect("place");
    p.exp_string(&tty("3. En el extranjero"))
        .expect("choices by label");
    p.send_line("3").expect("typed");
    p.exp_string(&tty("Ya nada más puede cambiar la respuesta."))
        .expect("the end");
    p.exp_string(&tty("Un niño solo está protegido"))
        .expect("the decision");
    p.exp_eof().expect("the interview ends by itself");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&save).expect("saved")).expect("JSON");
    assert_eq!(
        saved,
        serde_json::json!({"person": {"fears_return": false, "age": 10, "alone": true},
                           "place": "abroad"})
    );
}

const SHOWN: &str = "tests/fixtures/interview/shown.asylon";

#[test]
fn a_question_shows_the_answers_it_names_and_waits_for_them() {
    let run = asylon(
        &["ask", SHOWN, "--as-of", "2024-06-17"],
        "2024-06-01\n3\n30\nyes\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        questions(&run.stdout),
        [
            // The stop decides more outcomes, but its question shows the day of entry.
            "On what day did you enter?",
            "You entered on June 1, 2024. How many days later were you stopped?",
            // Declared after the studies, asked before them: their question shows it.
            "How old are you?",
            "At 30, are you still a student?",
        ]
    );
    assert!(!run.stdout.contains("unknown"), "{}", run.stdout);
}

#[test]
fn a_question_shows_starting_facts_in_the_persons_language() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let start = dir.path().join("start.json");
    std::fs::write(&start, r#"{"entry": {"date": "2024-06-01"}, "age": 30}"#).expect("written");
    let start = start.to_str().expect("UTF-8");
    let run = asylon(
        &[
            "ask",
            SHOWN,
            "--as-of",
            "2024-06-17",
            "--lang",
            "es",
            "--facts",
            start,
        ],
        "3\nsí\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        questions(&run.stdout),
        [
            "Entró el 1 de junio de 2024. ¿Cuántos días después lo detuvieron?",
            "Con 30 años, ¿sigue estudiando?",
        ]
    );
}

#[test]
fn a_question_whose_shown_fact_stays_unknown_is_asked_with_its_description() {
    let run = asylon(&["ask", SHOWN, "--as-of", "2024-06-17"], "?\n20\n?\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        questions(&run.stdout),
        [
            "On what day did you enter?",
            "How old are you?",
            // Ready questions first, even one that decides fewer outcomes.
            "At 20, are you still a student?",
            "days from entry until stopped",
        ]
    );
    assert!(!run.stdout.contains("unknown"), "{}", run.stdout);
}

#[test]
fn eval_shows_the_given_facts_in_the_questions_to_ask_next() {
    let run = asylon(
        &["eval", SHOWN, "-", "--as-of", "2024-06-17"],
        r#"{"entry": {"date": "2024-06-01"}}"#,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("You entered on June 1, 2024. How many days later were you stopped?"),
        "{}",
        run.stdout
    );
    // The age is not given: the studies' question is its description, not "At unknown".
    assert!(run.stdout.contains("still a student — "), "{}", run.stdout);
}
