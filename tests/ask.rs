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
    // Typed once the question is there: the line editor reads only what comes after.
    p.exp_string(&tty("¿Viaja sin su padre ni su madre?"))
        .expect("alone again");
    p.exp_string(&tty("> ")).expect("a prompt");
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

/// `asylon ask` in a pseudo-terminal, from the repository's root; every wait fails after
/// 20 seconds rather than blocking the tests.
#[cfg(unix)]
fn terminal(args: &[&str]) -> rexpect::session::PtySession {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_asylon"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    rexpect::session::spawn_command(command, Some(20_000)).expect("a terminal")
}

/// Waits for a question and its prompt, then types `keys` and Enter.
#[cfg(unix)]
fn answer(p: &mut rexpect::session::PtySession, question: &str, keys: &str) {
    p.exp_string(&tty(question)).expect(question);
    p.exp_string("> ").expect("a prompt");
    p.send(keys).expect("typed");
    p.send("\r").expect("Enter");
    p.flush().expect("sent");
}

#[cfg(unix)]
fn exit_code(p: &rexpect::session::PtySession) -> i32 {
    match p.process().wait().expect("the interview exits") {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("the interview did not exit by itself: {other:?}"),
    }
}

const LEFT: &str = "\x1b[D";
const UP: &str = "\x1b[A";

#[cfg(unix)]
#[test]
fn arrow_keys_edit_the_answer_and_recall_earlier_ones() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let save = dir.path().join("answers.json");
    let save = save.to_str().expect("UTF-8");
    let mut p = terminal(&["ask", SCREENING, "--as-of", "2024-06-17", "--save", save]);
    p.exp_string("Ctrl-C = stop")
        .expect("the keys of a terminal");
    answer(&mut p, "Are you afraid to go back?", "no");
    // 7, back one character, 1: the answer is 17, not `7^[[D1`.
    answer(&mut p, "How old are you?", &format!("7{LEFT}1"));
    // Up twice: the answer before the last one, `no`.
    answer(
        &mut p,
        "Are you travelling without a parent?",
        &format!("{UP}{UP}"),
    );
    answer(&mut p, "Where are you now?", "3");
    p.exp_string("Nothing more can change the answer.")
        .expect("the end");
    let rest = p.exp_eof().expect("the interview ends by itself");
    assert!(!rest.contains("is not"), "no answer was refused: {rest}");
    assert_eq!(exit_code(&p), 0);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(save).expect("saved")).expect("JSON");
    assert_eq!(
        saved,
        serde_json::json!({"person": {"fears_return": false, "age": 17, "alone": false},
                           "place": "abroad"})
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_the_answers_so_far_and_exits_130_and_the_interview_goes_on_from_them() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let save = dir.path().join("answers.json");
    let save = save.to_str().expect("UTF-8");
    let mut p = terminal(&["ask", SCREENING, "--as-of", "2024-06-17", "--save", save]);
    answer(&mut p, "Are you afraid to go back?", "yes");
    answer(&mut p, "Why? Choose all that apply.", "?");
    p.exp_string("How old are you?").expect("the age");
    p.exp_string("> ").expect("a prompt");
    p.send("1").expect("typed, not yet sent");
    p.send_control('c').expect("Ctrl-C");
    p.exp_string(&format!("Answers saved to {save}"))
        .expect("where the answers are");
    p.exp_string(&format!(
        "To go on later: asylon ask {SCREENING} --facts {save} --save {save}"
    ))
    .expect("how to go on");
    let rest = p.exp_eof().expect("the interview stops");
    assert!(!rest.contains("Holds"), "no decision after Ctrl-C: {rest}");
    assert_eq!(exit_code(&p), 130);

    // What was answered, and "I don't know" as null; a half-typed answer is not one.
    let text = std::fs::read_to_string(save).expect("saved");
    let saved: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        saved,
        serde_json::json!({"person": {"fears_return": true, "grounds": null}})
    );
    // `eval` takes the saved file as it is.
    let eval = asylon(&["eval", SCREENING, save, "--as-of", "2024-06-17"], "");
    assert_eq!(eval.code, 0, "{}", eval.stderr);

    // Going on asks nothing already answered, "I don't know" included.
    let resumed = asylon(
        &[
            "ask",
            SCREENING,
            "--as-of",
            "2024-06-17",
            "--facts",
            save,
            "--save",
            save,
        ],
        "30\n2\n2024-06-01\n",
    );
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_eq!(
        questions(&resumed.stdout),
        [
            "How old are you?",
            "Where are you now?",
            "On what day did you arrive?"
        ]
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(save).expect("saved")).expect("JSON");
    assert_eq!(
        saved,
        serde_json::json!({
            "person": {"fears_return": true, "grounds": null, "age": 30},
            "place": "border",
            "entry": {"date": "2024-06-01"}
        })
    );
}

#[cfg(unix)]
#[test]
fn ctrl_d_ends_the_interview_with_the_decision_so_far_and_exits_0() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let save = dir.path().join("answers.json");
    let save = save.to_str().expect("UTF-8");
    let mut p = terminal(&[
        "ask",
        SCREENING,
        "--as-of",
        "2024-06-17",
        "--lang",
        "es",
        "--save",
        save,
    ]);
    answer(&mut p, "¿Tiene miedo de regresar?", "no");
    p.exp_string(&tty("¿Cuántos años tiene?")).expect("the age");
    p.exp_string("> ").expect("a prompt");
    p.send_control('d').expect("Ctrl-D");
    p.exp_string(&tty(
        "La entrevista terminó antes de responder todas las preguntas.",
    ))
    .expect("the input ended");
    p.exp_string(&tty("Sin determinar"))
        .expect("the decision so far");
    p.exp_string(&tty(&format!(
        "Para seguir más tarde: asylon ask {SCREENING} --lang es --facts {save} --save {save}"
    )))
    .expect("how to go on");
    p.exp_eof().expect("the interview ends");
    assert_eq!(exit_code(&p), 0);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(save).expect("saved")).expect("JSON");
    assert_eq!(
        saved,
        serde_json::json!({"person": {"fears_return": false}})
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_without_save_says_how_to_keep_the_answers_next_time() {
    let mut p = terminal(&["ask", SCREENING, "--as-of", "2024-06-17"]);
    answer(&mut p, "Are you afraid to go back?", "no");
    p.exp_string("How old are you?").expect("the age");
    p.exp_string("> ").expect("a prompt");
    p.send_control('c').expect("Ctrl-C");
    p.exp_string("Your answers were not kept. To keep them next time, start with --save FILE.")
        .expect("how to keep them");
    p.exp_eof().expect("the interview stops");
    assert_eq!(exit_code(&p), 130);
}

/// The bounds an interview showed, in order (`(at most 3 more questions)`).
fn bounds(transcript: &str) -> Vec<usize> {
    transcript
        .lines()
        .filter_map(|l| {
            let rest = l
                .strip_prefix("(at most ")
                .or_else(|| l.strip_prefix("(como máximo "))?;
            rest.split(' ').next()?.parse().ok()
        })
        .collect()
}

#[test]
fn each_question_says_at_most_how_many_are_left_and_the_number_goes_down() {
    let run = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17"],
        "yes\n1, 3\n17\nno\n2\n2023-01-01\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = bounds(&run.stdout);
    let asked = questions(&run.stdout).len();
    assert_eq!(shown.len(), asked, "one before each question");
    for (i, bound) in shown.iter().enumerate() {
        assert!(
            asked - i <= *bound,
            "{} asked after `at most {bound}`",
            asked - i
        );
    }
    assert!(shown.windows(2).all(|w| w[1] < w[0]), "{shown:?}");
    assert!(run.stdout.contains("(at most 1 more question)\n"));

    let es = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17", "--lang", "es"],
        "no\n?\nno\n",
    );
    assert_eq!(es.code, 0, "{}", es.stderr);
    assert!(es.stdout.contains("(como máximo 6 preguntas más)\n1. "));
    assert_eq!(bounds(&es.stdout), [6, 4, 3, 2]);
}

#[test]
fn a_saved_dont_know_is_not_asked_again_unless_ask_unknown_says_so() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let start = dir.path().join("start.json");
    std::fs::write(
        &start,
        r#"{"person": {"fears_return": true, "grounds": null, "age": null}}"#,
    )
    .expect("written");
    let start = start.to_str().expect("UTF-8");
    let args = ["ask", SCREENING, "--as-of", "2024-06-17", "--facts", start];
    let resumed = asylon(&args, "no\n2\n2024-06-01\n");
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert_eq!(
        questions(&resumed.stdout),
        [
            "Are you travelling without a parent?",
            "Where are you now?",
            "On what day did you arrive?"
        ]
    );

    let again = asylon(&[&args[..], &["--ask-unknown"]].concat(), "2\n?\n");
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        questions(&again.stdout)[..2],
        ["Why? Choose all that apply.", "How old are you?"]
    );
}

#[test]
fn input_that_ends_early_says_how_to_go_on_or_how_to_keep_the_answers() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let save = dir.path().join("my answers.json");
    let save = save.to_str().expect("UTF-8");
    let run = asylon(
        &["ask", SCREENING, "--as-of", "2024-06-17", "--save", save],
        "yes\n?\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "To go on later: asylon ask {SCREENING} --facts '{save}' --save '{save}'"
        )),
        "{}",
        run.stderr
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(save).expect("saved")).expect("JSON");
    assert_eq!(
        saved,
        serde_json::json!({"person": {"fears_return": true, "grounds": null}})
    );

    let unsaved = asylon(&["ask", SCREENING, "--as-of", "2024-06-17"], "yes\n");
    assert!(
        unsaved
            .stderr
            .contains("To keep them next time, start with --save FILE."),
        "{}",
        unsaved.stderr
    );
}

#[test]
fn a_saved_interview_goes_on_in_spanish_and_says_how_to_keep_the_answers() {
    let run = asylon(
        &[
            "ask",
            SCREENING,
            "--as-of",
            "2024-06-17",
            "--lang",
            "es",
            "--facts",
            "tests/fixtures/interview/saved.json",
        ],
        "?\nsí\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The fear was answered, its grounds were "no sé": neither is asked.
    assert_eq!(
        questions(&run.stdout),
        [
            "¿Cuántos años tiene?",
            "¿Viaja sin su padre ni su madre?",
            "¿Dónde está ahora?"
        ]
    );
    insta::assert_snapshot!(format!("{}\n--- stderr ---\n{}", run.stdout, run.stderr));
}

#[test]
fn a_save_path_that_is_a_directory_is_refused_before_the_first_question() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let run = asylon(
        &[
            "ask",
            SCREENING,
            "--save",
            dir.path().to_str().expect("UTF-8"),
        ],
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
