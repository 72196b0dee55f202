//! `asylon ask`: a screening interview in the terminal, or driven line by line through
//! stdin by scripts and tests (one line answers one question; the interview ends by
//! itself when nothing more can be asked or the input ends).
//!
//! In a terminal the answers are typed with line editing and this interview's history
//! (rustyline; the history is never written to disk). With `--save`, the answers are
//! written after every one of them, so no way of stopping loses them: Ctrl-C abandons
//! the interview (exit 130, no decision), Ctrl-D ends the input (the decision on the
//! answers so far, exit 0, as when piped input ends).

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use asylon::internal::answer::{choices, read_answer, Reply};
use asylon::internal::checked::FactId;
use asylon::interview::{Interview, Question};
use asylon::value::Type;
use asylon::{EvalOptions, FactsError, Policy};

use super::text;
use super::words::{ask_words, AskWords};

/// The exit code of an interview stopped with Ctrl-C: 128 + SIGINT, as shells report a
/// command interrupted by it.
const INTERRUPTED: u8 = 130;

/// What `asylon ask` was given.
pub struct AskArgs<'a> {
    pub policy: &'a str,
    pub options: EvalOptions,
    pub start: Option<&'a str>,
    pub save: Option<&'a str>,
    /// Ask again the facts the starting facts give as `null` ("I don't know").
    pub ask_unknown: bool,
}

/// Runs the interview; `Err` is a policy or fact-file error, for the caller to print.
pub fn run(args: AskArgs<'_>) -> Result<ExitCode, asylon::Error> {
    let policy = Policy::load(args.policy)?;
    let start = match args.start {
        // The answers come from stdin: the starting facts cannot come from there too.
        Some("-") => {
            return Err(asylon::Error::from_reports(
                asylon::ErrorKind::Io,
                vec![miette::miette!(
                code = "asylon::ask::facts_from_stdin",
                help = "save the starting facts to a file and give its path to --facts",
                "`--facts -` would read the starting facts from stdin, where the answers come from"
            )],
            ))
        }
        Some(path) => {
            let (name, text) = super::read_facts(path, policy.limits().max_facts_bytes)?;
            // Evaluating the text first gives diagnostics that point into the file.
            policy.evaluate_json(&name, &text, &args.options)?;
            serde_json::from_str(&text).map_err(|e| {
                asylon::Error::from_reports(
                    asylon::ErrorKind::Facts,
                    vec![miette::miette!(code = "asylon::facts::json", "{e}")],
                )
            })?
        }
        None => serde_json::json!({}),
    };
    if let Some(path) = args.save {
        // Found out now, not after the person has answered every question.
        let dir = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(io_error(
                path,
                io::Error::new(io::ErrorKind::NotFound, "no such directory"),
            ));
        }
    }
    let lang = policy.resolve_language(&args.options.lang)?;
    let w = ask_words(&lang);
    let mut interview = if args.ask_unknown {
        Interview::new(&policy, args.options.clone(), start)?
    } else {
        Interview::resume(&policy, args.options.clone(), start)?
    };
    let keep = |interview: &Interview| match args.save {
        Some(path) => save(path, interview.answers()).map_err(|e| io_error(path, e)),
        None => Ok(()),
    };
    // Written once now, so a file that cannot be written is found out before the first
    // question, and a stop before the first answer still leaves the starting facts.
    keep(&interview)?;
    let mut out = io::stdout().lock();
    let stdin = io::stdin();
    let mut input = match Terminal::open() {
        Some(terminal) => Input::Terminal(Box::new(terminal)),
        None => Input::Lines {
            // Nothing echoes an answer read from a pipe: the transcript shows it.
            echo: !stdin.is_terminal(),
            input: stdin.lock(),
        },
    };
    let end = converse(&policy, &mut interview, &lang, &mut input, &mut out, &keep);
    let written = match end {
        Ok(End::Interrupted) => {
            keep(&interview)?;
            stopped(&args, w, &lang);
            return Ok(ExitCode::from(INTERRUPTED));
        }
        Ok(End::SaveFailed(e)) => return Err(e),
        Ok(end @ (End::Over | End::InputEnded)) => {
            let decision = text::decision(
                &policy,
                interview.decision(),
                Some(interview.facts()),
                false,
            );
            let written = write!(out, "\n{decision}");
            keep(&interview)?;
            if matches!(end, End::InputEnded) {
                stopped(&args, w, &lang);
            } else if let Some(path) = args.save {
                // Where the answers went is for the person, not part of the decision.
                eprintln!("{} {path}", w.saved);
            }
            written
        }
        Err(e) => {
            // Reading the answers or writing the transcript failed: what was answered is kept.
            keep(&interview)?;
            Err(e)
        }
    };
    Ok(super::exit_after_write(written))
}

/// Tells the person, on stderr, where the answers of an interview stopped before its end
/// are and how to go on, or how to keep them next time.
fn stopped(args: &AskArgs<'_>, w: &AskWords, lang: &str) {
    match args.save {
        Some(path) => {
            let lang = if lang == "en" {
                String::new()
            } else {
                format!(" --lang {}", shell_word(lang))
            };
            let path = shell_word(path);
            eprintln!("{} {path}", w.saved);
            eprintln!(
                "{} asylon ask {}{lang} --facts {path} --save {path}",
                w.go_on,
                shell_word(args.policy)
            );
        }
        None => eprintln!("{}", w.not_saved),
    }
}

/// A word as a POSIX shell reads it back: quoted when it holds anything else than
/// letters, digits and `._/-`.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._/-=:,+@".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Writes the answers as a fact file, replacing `path` whole: a stop at any moment
/// leaves either the previous answers or these, never half a file. Only the person
/// running the interview can read it (it holds what an asylum seeker said).
fn save(path: &str, answers: &serde_json::Value) -> io::Result<()> {
    let mut json = serde_json::to_string_pretty(answers).map_err(io::Error::from)?;
    json.push('\n');
    let target = Path::new(path);
    let name = target
        .file_name()
        .map_or_else(|| "answers".into(), |n| n.to_string_lossy().into_owned());
    let partial = target.with_file_name(format!(".{name}.partial"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&partial)
        .and_then(|mut file| {
            file.write_all(json.as_bytes())?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&partial, target));
    if written.is_err() {
        // Nothing is left behind holding the answers; the error says what went wrong.
        let _ = std::fs::remove_file(&partial);
    }
    written
}

fn io_error(path: &str, e: io::Error) -> asylon::Error {
    asylon::Error::from_reports(
        asylon::ErrorKind::Io,
        vec![miette::miette!(
            code = "asylon::io",
            help = "give --save the path of a file in a directory you can write to",
            "cannot write `{path}`: {e}"
        )],
    )
}

/// How an interview ended.
enum End {
    /// Nothing more can be asked.
    Over,
    /// The input ended (a pipe's end, or Ctrl-D in a terminal).
    InputEnded,
    /// Ctrl-C in a terminal.
    Interrupted,
    /// The answers could not be saved.
    SaveFailed(asylon::Error),
}

/// One line the person typed, or how the typing stopped.
enum Line {
    Text(String),
    Ended,
    Interrupted,
}

/// Where the answers come from.
enum Input<R> {
    /// A terminal, with line editing.
    Terminal(Box<Terminal>),
    /// Plain lines (a pipe, a file; or a terminal whose output goes elsewhere).
    Lines { input: R, echo: bool },
}

impl<R: BufRead> Input<R> {
    /// Shows the prompt and reads one answer.
    fn read(&mut self, prompt: &str, out: &mut impl Write) -> io::Result<Line> {
        match self {
            Input::Terminal(terminal) => {
                // The editor writes to the terminal itself, after what was printed.
                out.flush()?;
                terminal.read(prompt)
            }
            Input::Lines { input, echo } => {
                write!(out, "{prompt}")?;
                out.flush()?;
                let mut line = String::new();
                if input.read_line(&mut line)? == 0 {
                    writeln!(out)?;
                    return Ok(Line::Ended);
                }
                if *echo {
                    // Nothing echoed the answer: show it, so the transcript reads as a dialogue.
                    writeln!(out, "{}", line.trim_end())?;
                }
                Ok(Line::Text(line))
            }
        }
    }
}

/// Line editing in a terminal: arrow keys move in the answer, up and down recall this
/// interview's earlier answers.
struct Terminal {
    editor: rustyline::DefaultEditor,
}

impl Terminal {
    /// The editor, when both stdin and stdout are a terminal it can drive.
    fn open() -> Option<Terminal> {
        if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
            return None;
        }
        let config = rustyline::Config::builder()
            .auto_add_history(true)
            .max_history_size(200)
            .ok()?
            .build();
        let editor = rustyline::DefaultEditor::with_config(config).ok()?;
        Some(Terminal { editor })
    }

    fn read(&mut self, prompt: &str) -> io::Result<Line> {
        use rustyline::error::ReadlineError;
        match self.editor.readline(prompt) {
            Ok(line) => Ok(Line::Text(line)),
            Err(ReadlineError::Interrupted) => Ok(Line::Interrupted),
            Err(ReadlineError::Eof) => Ok(Line::Ended),
            Err(ReadlineError::Io(e)) => Err(e),
            Err(e) => Err(io::Error::other(e)),
        }
    }
}

/// The question-and-answer loop; `keep` saves the answers after each one.
fn converse<R: BufRead>(
    policy: &Policy,
    interview: &mut Interview,
    lang: &str,
    input: &mut Input<R>,
    out: &mut impl Write,
    keep: &impl Fn(&Interview) -> Result<(), asylon::Error>,
) -> io::Result<End> {
    let w = ask_words(lang);
    writeln!(out, "{}", policy.title(lang))?;
    writeln!(out, "{}", w.intro)?;
    writeln!(out, "{}", w.keys)?;
    if matches!(input, Input::Terminal(_)) {
        writeln!(out, "{}", w.keys_terminal)?;
    }
    while let Some(question) = interview.next_question() {
        let text = interview.question_text(question.fact, lang);
        let at_most = interview.remaining_at_most();
        let number = interview.answered() + 1;
        ask(policy, &question, &text, lang, number, at_most, out)?;
        let line = match input.read("> ", out)? {
            Line::Text(line) => line,
            Line::Ended => {
                writeln!(out, "{}", w.input_ended)?;
                return Ok(End::InputEnded);
            }
            Line::Interrupted => return Ok(End::Interrupted),
        };
        take(interview, question.fact, &line, lang, w, out)?;
        if let Err(e) = keep(interview) {
            return Ok(End::SaveFailed(e));
        }
    }
    let over = if interview.decision().undetermined.is_empty() {
        w.over
    } else {
        w.unknowable
    };
    writeln!(out, "\n{over}")?;
    Ok(End::Over)
}

/// Applies one line of input to the interview, saying what happened.
fn take(
    interview: &mut Interview,
    fact: FactId,
    line: &str,
    lang: &str,
    w: &AskWords,
    out: &mut impl Write,
) -> io::Result<()> {
    let reply = read_answer(interview.policy().checked(), fact, line, lang);
    match reply {
        Ok(Reply::Value(value)) => {
            if let Err(e) = interview.answer(fact, value) {
                let reason = e
                    .diagnostics()
                    .iter()
                    .map(|d| match d.downcast_ref::<FactsError>() {
                        Some(FactsError::Impossible { message, .. }) => message.clone(),
                        _ => d.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                writeln!(out, "  ✗ {} {reason}", w.impossible)?;
            }
        }
        Ok(Reply::DontKnow) => {
            interview.dont_know(fact);
            writeln!(out, "  {}", w.dont_know)?;
        }
        Ok(Reply::Back) => {
            if interview.back().is_some() {
                writeln!(out, "  {}", w.back)?;
            } else {
                writeln!(out, "  {}", w.nothing_to_undo)?;
            }
        }
        Err(e) => match e.help {
            Some(help) => writeln!(out, "  ✗ {} ({help})", e.message)?,
            None => writeln!(out, "  ✗ {}", e.message)?,
        },
    }
    Ok(())
}

/// Prints one question: how many at most are left, its text in the person's language,
/// the choices, how to answer.
fn ask(
    policy: &Policy,
    question: &Question,
    text: &str,
    lang: &str,
    number: usize,
    at_most: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let w = ask_words(lang);
    let checked = policy.checked();
    let info = checked.fact(question.fact);
    let at_most = match at_most {
        1 => w.at_most_one.to_string(),
        n => w.at_most.replace("{n}", &n.to_string()),
    };
    writeln!(out, "\n{at_most}")?;
    writeln!(out, "{number}. {text}")?;
    for (i, choice) in choices(checked, question.fact, lang).iter().enumerate() {
        writeln!(out, "   {}. {choice}", i + 1)?;
    }
    let hint = match &info.ty {
        Type::Bool => w.yes_no,
        Type::Int => w.whole_number,
        Type::Decimal => w.number,
        Type::Date => w.date,
        Type::Duration => w.duration,
        Type::Enum(_) => w.choice,
        Type::List(inner) if matches!(inner.as_ref(), Type::Enum(_)) => w.choices,
        _ => w.text,
    };
    writeln!(out, "   [{hint}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("answers.json"), "answers.json");
        assert_eq!(shell_word("/tmp/a b.json"), "'/tmp/a b.json'");
        assert_eq!(shell_word("it's.json"), r"'it'\''s.json'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn saving_replaces_the_file_whole_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("answers.json");
        let path = path.to_str().expect("UTF-8");
        save(path, &serde_json::json!({"a": 1})).expect("saved");
        save(path, &serde_json::json!({"a": null})).expect("saved again");
        assert_eq!(
            std::fs::read_to_string(path).expect("read"),
            "{\n  \"a\": null\n}\n"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("an entry").file_name())
            .collect();
        assert_eq!(names, ["answers.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "only its owner reads the answers");
        }
    }
}
