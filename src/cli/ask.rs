//! `asylon ask`: a screening interview in the terminal, or driven line by line through
//! stdin by scripts and tests (one line answers one question; the interview ends by
//! itself when nothing more can be asked or the input ends).

use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use asylon::internal::answer::{choices, read_answer, Reply};
use asylon::internal::checked::FactId;
use asylon::interview::{Interview, Question};
use asylon::value::Type;
use asylon::{EvalOptions, FactsError, Policy};

use super::text;
use super::words::{ask_words, AskWords};

/// What `asylon ask` was given.
pub struct AskArgs<'a> {
    pub policy: &'a str,
    pub options: EvalOptions,
    pub start: Option<&'a str>,
    pub save: Option<&'a str>,
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
        let dir = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !dir.is_dir() {
            return Err(io_error(
                path,
                io::Error::new(io::ErrorKind::NotFound, "no such directory"),
            ));
        }
    }
    let lang = policy.resolve_language(&args.options.lang)?;
    let mut interview = Interview::new(&policy, args.options, start)?;
    let interactive = io::stdin().is_terminal();
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut out = io::stdout().lock();
    let written = converse(
        &policy,
        &mut interview,
        &lang,
        interactive,
        &mut input,
        &mut out,
    );
    let written = written.and_then(|()| {
        let decision = text::decision(
            &policy,
            interview.decision(),
            Some(interview.facts()),
            false,
        );
        write!(out, "\n{decision}")
    });
    if let Some(path) = args.save {
        let mut json = serde_json::to_string_pretty(interview.answers())
            .map_err(|e| io_error(path, io::Error::from(e)))?;
        json.push('\n');
        std::fs::write(path, json).map_err(|e| io_error(path, e))?;
        // Where the answers went is for the person, not part of the decision on stdout.
        eprintln!("{} {path}", ask_words(&lang).saved);
    }
    Ok(super::exit_after_write(written))
}

fn io_error(path: &str, e: io::Error) -> asylon::Error {
    asylon::Error::from_reports(
        asylon::ErrorKind::Io,
        vec![miette::miette!(
            code = "asylon::io",
            "cannot write `{path}`: {e}"
        )],
    )
}

/// The question-and-answer loop.
fn converse(
    policy: &Policy,
    interview: &mut Interview,
    lang: &str,
    interactive: bool,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> io::Result<()> {
    let w = ask_words(lang);
    writeln!(out, "{}", policy.title(lang))?;
    writeln!(out, "{}", w.intro)?;
    writeln!(out, "{}", w.keys)?;
    let mut line = String::new();
    while let Some(question) = interview.next_question() {
        let text = interview.question_text(question.fact, lang);
        ask(
            policy,
            &question,
            &text,
            lang,
            interview.answered() + 1,
            out,
        )?;
        write!(out, "> ")?;
        out.flush()?;
        line.clear();
        if input.read_line(&mut line)? == 0 {
            writeln!(out)?;
            writeln!(out, "{}", w.input_ended)?;
            return Ok(());
        }
        if !interactive {
            // Nothing echoed the answer: show it, so the transcript reads as a dialogue.
            writeln!(out, "{}", line.trim_end())?;
        }
        take(interview, question.fact, &line, lang, w, out)?;
    }
    let over = if interview.decision().undetermined.is_empty() {
        w.over
    } else {
        w.unknowable
    };
    writeln!(out, "\n{over}")?;
    Ok(())
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

/// Prints one question: its text in the person's language, the choices, how to answer.
fn ask(
    policy: &Policy,
    question: &Question,
    text: &str,
    lang: &str,
    number: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let w = ask_words(lang);
    let checked = policy.checked();
    let info = checked.fact(question.fact);
    writeln!(out, "\n{number}. {text}")?;
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
