//! The library's front door: load a policy, read facts, evaluate.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use miette::{NamedSource, Report};

use crate::check::check;
use crate::checked::{CheckedPolicy, FactNode, FactTree};
use crate::compile::{Program, Scratch};
use crate::decision::{assemble, decide, value_json, Decision, Status};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, ErrorKind};
use crate::eval::Evaluator;
use crate::facts::{Facts, FactsError};
use crate::limits::{LimitError, Limits};
use crate::local;
use crate::message::render;
use crate::source::Sources;
use crate::syntax::parse_file;
use crate::text::Text;
use crate::texts::{collect_facts, Texts};
use crate::value::{Date, Type};

/// A checked policy, ready to evaluate cases.
///
/// `Policy` is `Send + Sync` and evaluation takes `&self`, so one loaded policy can serve
/// many threads.
///
/// ```
/// use asylon::{Policy, EvalOptions};
///
/// let policy = Policy::from_source("tiny.asylon", r#"
///     policy "Tiny" version "1"
///     fact age: int "age in years"
///     outcome adult when age >= 18 title en "An adult"
/// "#)?;
/// let facts = policy.facts_from_json(r#"{"age": 20}"#)?;
/// let decision = policy.evaluate(&facts, &EvalOptions::on("2024-06-17")?)?;
/// assert_eq!(decision.outcomes[0].id, "adult");
///
/// // An unknown fact leaves the outcome undetermined, and says what is missing.
/// let decision = policy.evaluate(&policy.facts_from_json("{}")?, &EvalOptions::on("2024-06-17")?)?;
/// assert_eq!(decision.undetermined[0].missing, ["age"]);
/// # Ok::<(), asylon::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    checked: Arc<CheckedPolicy>,
    /// What every decision says alike, rendered by each thread at its first decision
    /// (loading a policy to check or format it does not pay for it).
    texts: local::Key,
    /// The policy compiled, at the first decision from JSON text ([`crate::compile`]),
    /// shared by the policy's clones.
    program: Arc<OnceLock<Program>>,
    /// [`Policy::revision`], hashed at the first call (a hash of every source, too
    /// costly to make per decision), shared by the policy's clones.
    revision: Arc<OnceLock<Text>>,
    limits: Limits,
}

/// How to evaluate: the evaluation date and the language of messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalOptions {
    /// The evaluation date (`today` in the policy).
    pub as_of: Date,
    /// The language of titles and explanations, a BCP 47 tag matched to the policy's
    /// languages by [`Policy::resolve_language`] (a language the policy does not have
    /// is an error).
    pub lang: String,
}

impl EvalOptions {
    /// English messages, evaluated on `as_of` (`YYYY-MM-DD`).
    pub fn on(as_of: &str) -> Result<EvalOptions, Error> {
        let date = crate::value::parse_date(as_of).ok_or_else(|| {
            Error::new(
                ErrorKind::Facts,
                vec![miette::miette!(
                    code = "asylon::bad_date",
                    help = "write the date as YYYY-MM-DD, a real calendar day",
                    "`{as_of}` is not a date"
                )],
            )
        })?;
        Ok(EvalOptions {
            as_of: date,
            lang: "en".into(),
        })
    }

    /// The same options with messages in `lang`.
    pub fn lang(mut self, lang: impl Into<String>) -> EvalOptions {
        self.lang = lang.into();
        self
    }
}

impl Policy {
    /// Loads a policy from a `.asylon` file, or from every `.asylon` file of a directory
    /// (in file-name order, as one policy), within the default [`Limits`].
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, Error> {
        Policy::load_with(path, Limits::default())
    }

    /// Loads a policy within the given limits (they also bound the facts it will read).
    pub fn load_with(path: impl AsRef<Path>, limits: Limits) -> Result<Policy, Error> {
        let path = path.as_ref();
        let limit = |e: LimitError| Error::new(ErrorKind::Io, vec![Report::new(e)]);
        let read = |p: &Path| -> Result<String, Error> {
            let size = std::fs::metadata(p).map_err(|e| io(p, e))?.len();
            if size > limits.max_source_bytes as u64 {
                return Err(limit(LimitError::SourceTooLarge {
                    file: p.display().to_string(),
                    size,
                    limit: limits.max_source_bytes,
                }));
            }
            std::fs::read_to_string(p).map_err(|e| io(p, e))
        };
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        let mut files = Vec::new();
        if meta.is_dir() {
            let mut paths: Vec<_> = std::fs::read_dir(path)
                .map_err(|e| io(path, e))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "asylon") && p.is_file())
                .collect();
            paths.sort();
            if paths.is_empty() {
                return Err(Error::new(
                    ErrorKind::Io,
                    vec![miette::miette!(
                        code = "asylon::empty_policy",
                        help = "a policy directory holds one or more `.asylon` files",
                        "`{}` has no `.asylon` files",
                        path.display()
                    )],
                ));
            }
            if paths.len() > limits.max_files {
                return Err(limit(LimitError::TooManyFiles {
                    dir: path.display().to_string(),
                    count: paths.len(),
                    limit: limits.max_files,
                }));
            }
            for p in paths {
                let text = read(&p)?;
                files.push((p.display().to_string(), text));
            }
        } else {
            let text = read(path)?;
            files.push((path.display().to_string(), text));
        }
        Policy::from_sources_with(files, limits)
    }

    /// A policy from one source text.
    pub fn from_source(name: &str, text: &str) -> Result<Policy, Error> {
        Policy::from_sources([(name.to_string(), text.to_string())])
    }

    /// A policy from several source texts, in load order. A text named `….json` is a case
    /// file a test reads (`given file`), under the path the test's file resolves it to;
    /// one not given is read from that path.
    pub fn from_sources(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Policy, Error> {
        Policy::from_sources_with(files, Limits::default())
    }

    /// A policy from several source texts, within the given limits.
    pub fn from_sources_with(
        files: impl IntoIterator<Item = (String, String)>,
        limits: Limits,
    ) -> Result<Policy, Error> {
        let limit = |e: LimitError| Error::new(ErrorKind::Policy, vec![Report::new(e)]);
        let mut sources = Sources::default();
        let mut ids = Vec::new();
        for (name, text) in files {
            if text.len() > limits.max_source_bytes {
                return Err(limit(LimitError::SourceTooLarge {
                    file: name,
                    size: text.len() as u64,
                    limit: limits.max_source_bytes,
                }));
            }
            if ids.len() >= limits.max_files {
                return Err(limit(LimitError::TooManyFiles {
                    dir: "the policy".into(),
                    count: ids.len() + 1,
                    limit: limits.max_files,
                }));
            }
            // A case file a test reads (`given file`), as `Policy::sources` gives it
            // back: data for the checker, not a policy text to parse.
            let data = name.ends_with(".json");
            let id = sources.add(name, text);
            if !data {
                ids.push(id);
            }
        }
        let mut trees = Vec::with_capacity(ids.len());
        let mut syntax_errors = Vec::new();
        for id in ids {
            let text = sources.file(id).text.clone();
            match parse_file(id, &text) {
                Ok(tree) => trees.push(tree),
                Err(errors) => syntax_errors.extend(errors),
            }
        }
        let declarations: usize = trees.iter().map(count_declarations).sum();
        if declarations > limits.max_declarations {
            return Err(limit(LimitError::TooManyDeclarations {
                count: declarations,
                limit: limits.max_declarations,
            }));
        }
        if syntax_errors.is_empty() {
            read_given_files(&mut sources, &trees, &limits);
        }
        if !syntax_errors.is_empty() {
            return Err(Error::in_policy(
                ErrorKind::Policy,
                &sources,
                syntax_errors,
                |e| e.span().file,
            ));
        }
        match check(&sources, &trees) {
            Ok(checked) => Ok(Policy {
                texts: local::Key::default(),
                program: Arc::default(),
                revision: Arc::default(),
                checked: Arc::new(checked),
                limits,
            }),
            Err(errors) => Err(Error::in_policy(ErrorKind::Policy, &sources, errors, |e| {
                e.span().file
            })),
        }
    }

    /// The policy's revision: `sha256:` and the hex digest of its sources (each file's
    /// name without its directory, and its text, in load order). The same rules give the
    /// same revision on any machine and through every front end, so a stored decision can
    /// be traced to the exact rules that made it; every [`Decision`] carries it.
    /// Hashed once per policy (its clones share it).
    ///
    /// ```
    /// use asylon::Policy;
    ///
    /// let text = r#"policy "P" version "1"
    ///     fact a: bool "a"
    ///     outcome o when a title en "o""#;
    /// let here = Policy::from_sources([("here/p.asylon".to_string(), text.to_string())])?;
    /// let there = Policy::from_sources([("there/p.asylon".to_string(), text.to_string())])?;
    /// assert_eq!(here.revision(), there.revision());
    /// assert!(here.revision().starts_with("sha256:"));
    /// # Ok::<(), asylon::Error>(())
    /// ```
    pub fn revision(&self) -> String {
        self.revision_text().to_string()
    }

    /// [`Policy::revision`], shared.
    fn revision_text(&self) -> &Text {
        self.revision
            .get_or_init(|| Text::shared(self.hash_sources()))
    }

    fn hash_sources(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for (_, file) in self.checked.sources.iter() {
            // Lengths first, so that moving text from one file to the next changes it.
            let name = std::path::Path::new(&file.name)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(&file.name);
            hash.update((name.len() as u64).to_le_bytes());
            hash.update(name.as_bytes());
            hash.update((file.text.len() as u64).to_le_bytes());
            hash.update(file.text.as_bytes());
        }
        let mut out = String::with_capacity(7 + 64);
        out.push_str("sha256:");
        for byte in hash.finalize() {
            // Writing into a String cannot fail.
            let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{byte:02x}"));
        }
        out
    }

    /// The limits this policy reads facts within.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The same policy, reading facts within other limits.
    pub fn with_limits(mut self, limits: Limits) -> Policy {
        self.limits = limits;
        self
    }

    /// The checked policy: its facts, rules, outcomes and sources.
    #[doc(hidden)] // The inside, for the command line and the tests.
    pub fn checked(&self) -> &CheckedPolicy {
        &self.checked
    }

    /// How deeply a fact set this policy accepts can nest JSON objects and arrays: the
    /// fact object itself is one level, each group and each list one more. A fact set
    /// nested deeper holds a value of a shape no fact has, and is refused whatever else
    /// it holds; a front end that limits the depth of what it is sent can tell from this
    /// whether a fact set it decided was within its limit.
    ///
    /// ```
    /// let policy = asylon::Policy::from_source("tiny.asylon", r#"
    ///     policy "Tiny" version "1"
    ///     enum Ground { race religion }
    ///     fact age: int "age in years"
    ///     facts person { grounds: list of Ground "the grounds" }
    ///     outcome adult when age >= 18 title en "An adult"
    /// "#)?;
    /// // {"person": {"grounds": ["race"]}}
    /// assert_eq!(policy.facts_depth(), 3);
    /// # Ok::<(), asylon::Error>(())
    /// ```
    pub fn facts_depth(&self) -> usize {
        fn list_depth(ty: &Type) -> usize {
            match ty {
                Type::List(item) => 1 + list_depth(item),
                _ => 0,
            }
        }
        fn depth(policy: &CheckedPolicy, tree: &FactTree) -> usize {
            let inner = (tree.entries.iter()).map(|(_, node)| match node {
                FactNode::Fact(id) => list_depth(&policy.fact(*id).ty),
                FactNode::Group(group) => depth(policy, group),
            });
            1 + inner.max().unwrap_or(0)
        }
        depth(&self.checked, &self.checked.fact_tree)
    }

    /// The languages the policy's texts are written in, English first: those a
    /// decision can be rendered in ([`Decision::in_language`]).
    pub fn languages(&self) -> &[String] {
        &self.checked.languages
    }

    /// The policy's title in `lang` (`policy en "…" es "…"`), falling back to English.
    pub fn title(&self, lang: &str) -> String {
        let title = &self.checked.header.title;
        match crate::message::render(&self.checked, title, lang, |_| None) {
            t if t.is_empty() => self.checked.header.name.clone(),
            t => t,
        }
    }

    /// The policy's language for a BCP 47 tag asked for (`--lang`, a request's `lang`):
    /// the tag as the policy writes it. Tags match case-insensitively (`ES` is `es`), and
    /// a regional tag the policy does not have falls back to its base language (`es-MX`
    /// is `es`, `en-US` is `en`). A language the policy does not have is an error
    /// (`asylon::unknown_language`) whose help lists those it has: a person never reads
    /// another language silently.
    ///
    /// ```
    /// use asylon::Policy;
    ///
    /// let policy = Policy::from_source("p.asylon", r#"
    ///     policy "P"
    ///     fact adult: bool "18 or older"
    ///     outcome o when adult title en "Adult" es "Adulto"
    /// "#)?;
    /// assert_eq!(policy.resolve_language("es-MX")?, "es");
    /// assert_eq!(policy.resolve_language("EN")?, "en");
    /// assert_eq!(policy.resolve_language("fr").unwrap_err().records()[0].code, "asylon::unknown_language");
    /// # Ok::<(), asylon::Error>(())
    /// ```
    pub fn resolve_language(&self, tag: &str) -> Result<String, Error> {
        self.language(tag).map(str::to_string)
    }

    /// [`Policy::resolve_language`], borrowed from the policy.
    fn language(&self, tag: &str) -> Result<&str, Error> {
        let languages = &self.checked.languages;
        let found = crate::message::match_language(languages, tag).map(String::as_str);
        found.ok_or_else(|| {
            let known: Vec<String> = languages.iter().map(|l| format!("`{l}`")).collect();
            Error::new(
                ErrorKind::Facts,
                vec![miette::miette!(
                    code = "asylon::unknown_language",
                    help = format!(
                        "this policy is written in {}; ask for one of them (a regional tag such as `es-MX` reads its base language)",
                        known.join(", ")
                    ),
                    "the policy has no texts in `{tag}`"
                )],
            )
        })
    }

    /// Warnings about the policy (lints): conditions that can never be true or are always
    /// true, exceptions that never defeat their rule, facts and definitions never used,
    /// outcomes with the same condition, missing translations. Each is a diagnostic of
    /// severity warning pointing into the policy; those an `allow` on their declaration
    /// silences are left out. Computed on each call (loading a policy to evaluate does
    /// not pay for it).
    pub fn warnings(&self) -> Vec<Report> {
        self.reports(crate::check::lint(&self.checked))
    }

    /// The warnings, and apart from them those an `allow` on their declaration silences
    /// (`check --format json` lists both). One search for both.
    pub fn warnings_and_silenced(&self) -> (Vec<Report>, Vec<Report>) {
        let (warnings, silenced) = crate::check::lint_with_silenced(&self.checked);
        (self.reports(warnings), self.reports(silenced))
    }

    fn reports(&self, lints: Vec<crate::lint::Lint>) -> Vec<Report> {
        lints
            .into_iter()
            .map(|w| {
                let file = w.span().file;
                Report::new(w).with_source_code(self.checked.sources.named(file))
            })
            .collect()
    }

    /// Runs the tests written in the policy; with `coverage`, also reports which
    /// results of each outcome, definition and exception the tests reached.
    pub fn run_tests(&self, coverage: bool) -> crate::testing::TestReport {
        crate::testing::run(&self.checked, coverage, None)
    }

    /// Runs the tests whose name contains `filter` (as `asylon test --filter`); the report
    /// says how many the filter left out, and coverage counts only the tests run.
    pub fn run_tests_matching(&self, coverage: bool, filter: &str) -> crate::testing::TestReport {
        crate::testing::run(&self.checked, coverage, Some(filter))
    }

    /// Reads a fact object from JSON text.
    pub fn facts_from_json(&self, text: &str) -> Result<Facts, Error> {
        self.facts_from_named_json("facts", text)
    }

    /// Reads a fact object from JSON text, naming it (a file name) in diagnostics.
    pub fn facts_from_named_json(&self, name: &str, text: &str) -> Result<Facts, Error> {
        if text.len() > self.limits.max_facts_bytes {
            let e = LimitError::FactsTooLarge {
                limit: self.limits.max_facts_bytes,
            };
            return Err(Error::new(ErrorKind::Facts, vec![Report::new(e)]));
        }
        Facts::from_json_str(&self.checked, text, &self.limits)
            .map_err(|errors| facts_error(errors, name, text))
    }

    /// Reads a fact object from a parsed JSON value.
    pub fn facts_from_value(&self, value: &serde_json::Value) -> Result<Facts, Error> {
        Facts::from_value(&self.checked, value, &self.limits).map_err(|errors| {
            Error::new(
                ErrorKind::Facts,
                errors.into_iter().map(Report::new).collect(),
            )
        })
    }

    /// Reads a fact object from any serde deserializer of one (a language binding's own
    /// objects, say), with no JSON value built between; problems are reported as
    /// [`Policy::facts_from_value`] reports them, and an error of the deserializer's own
    /// as a JSON error.
    pub fn facts_from_deserializer<'de, D: serde::Deserializer<'de>>(
        &self,
        deserializer: D,
    ) -> Result<Facts, Error> {
        Facts::from_deserializer(&self.checked, deserializer, &self.limits).map_err(|errors| {
            Error::new(
                ErrorKind::Facts,
                errors.into_iter().map(Report::new).collect(),
            )
        })
    }

    /// Evaluates a case: rejects facts that contradict each other (the policy's
    /// `impossible` rules), then decides every outcome.
    pub fn evaluate(&self, facts: &Facts, options: &EvalOptions) -> Result<Decision, Error> {
        let lang = self.resolve_language(&options.lang)?;
        self.decide(Arc::new(facts.clone()), options.as_of, &lang)
            .map_err(|e| match e {
                Failure::Facts(e) => Error::new(ErrorKind::Facts, vec![Report::new(*e)]),
                Failure::Eval(e) => self.eval_error(e),
            })
    }

    /// Reads facts from JSON text and evaluates them; diagnostics point into the text.
    pub fn evaluate_json(
        &self,
        name: &str,
        text: &str,
        options: &EvalOptions,
    ) -> Result<Decision, Error> {
        let lang = self.resolve_language(&options.lang)?;
        if let Some(decision) = self.decide_compiled(text, options.as_of, &lang) {
            return Ok(decision);
        }
        self.decide_json(name, text, options.as_of, &lang)
    }

    /// Reads facts from JSON text, evaluates them and appends the decision's JSON to
    /// `out`: the bytes [`Decision::write_json`] appends for
    /// [`Policy::evaluate_json`]'s decision, written as the decision is assembled, with no
    /// [`Decision`] built, kept and dropped (what `asylon serve` and `asylon batch`
    /// answer with). Returns the status of each outcome, in the order the policy
    /// declares them. On an error, `out` is left as it was.
    ///
    /// ```
    /// use asylon::{EvalOptions, Policy, Status};
    ///
    /// let policy = Policy::from_source("p.asylon", r#"
    ///     policy "P" version "1"
    ///     fact age: int "age in years"
    ///     outcome adult when age >= 18 title en "An adult"
    ///     outcome child when age < 18 title en "A child"
    /// "#)?;
    /// let options = EvalOptions::on("2024-06-17")?;
    /// let mut json = Vec::new();
    /// let statuses = policy.evaluate_json_into("case", r#"{"age": 20}"#, &options, &mut json)?;
    /// assert_eq!(statuses, [Status::Holds, Status::DoesNotHold]);
    /// let mut built = Vec::new();
    /// policy.evaluate_json("case", r#"{"age": 20}"#, &options)?.write_json(&mut built);
    /// assert_eq!(json, built);
    /// # Ok::<(), asylon::Error>(())
    /// ```
    pub fn evaluate_json_into(
        &self,
        name: &str,
        text: &str,
        options: &EvalOptions,
        out: &mut Vec<u8>,
    ) -> Result<Vec<Status>, Error> {
        let lang = self.language(&options.lang)?;
        let start = out.len();
        let written = self.compiled(text, options.as_of, |mut ev, _, shared| {
            let mut writer = crate::json::Writer::new(out, &shared.heads);
            assemble(&mut ev, &shared.texts, &shared.revision, lang, &mut writer).ok()
        });
        if let Some(Some(verdicts)) = written {
            let status = |v: Option<bool>| match v {
                Some(true) => Status::Holds,
                Some(false) => Status::DoesNotHold,
                None => Status::Undetermined,
            };
            return Ok(verdicts.into_iter().map(status).collect());
        }
        out.truncate(start);
        let decision = self.decide_json(name, text, options.as_of, lang)?;
        decision.write_json(out);
        let policy = &*self.checked;
        Ok((policy.outcomes.iter())
            .map(|&r| decision.status(&policy.rule(r).name))
            .map(|s| s.unwrap_or(Status::Undetermined))
            .collect())
    }

    /// Decides a case from its JSON text with the reference evaluator alone.
    fn decide_json(
        &self,
        name: &str,
        text: &str,
        as_of: Date,
        lang: &str,
    ) -> Result<Decision, Error> {
        let facts = self.facts_from_named_json(name, text)?;
        // Owned: the decision keeps them for `in_language` without a copy.
        self.decide(Arc::new(facts), as_of, lang)
            .map_err(|e| match e {
                Failure::Facts(e) => facts_error(vec![*e], name, text),
                Failure::Eval(e) => self.eval_error(e),
            })
    }

    fn eval_error(&self, e: crate::eval::EvalError) -> Error {
        let crate::eval::EvalError::Arithmetic { span, .. } = &e;
        let file = span.file;
        Error::in_policy(ErrorKind::Eval, &self.checked.sources, vec![e], |_| file)
    }

    /// Decides a case in `lang`, a language the policy has ([`Policy::resolve_language`]).
    fn decide(&self, facts: Arc<Facts>, as_of: Date, lang: &str) -> Result<Decision, Failure> {
        let policy = &*self.checked;
        let mut ev = Evaluator::new(policy, &facts, as_of);
        for rule in &policy.impossibles {
            if ev.eval_bool(&rule.when) == Some(true) {
                let mut ids = Vec::new();
                collect_facts(policy, &rule.when, &mut ids, &mut Vec::new());
                let involved: Vec<(String, String)> = ids
                    .into_iter()
                    .filter_map(|f| {
                        let info = policy.fact(f);
                        facts.get(f).map(|v| {
                            (
                                info.name.clone(),
                                value_json(policy, &info.ty, v).to_string(),
                            )
                        })
                    })
                    .collect();
                let message = render(policy, &rule.message, lang, |r| match r {
                    crate::checked::Ref::Fact(f) => facts.get(*f).cloned(),
                    crate::checked::Ref::Rule(r) => ev.rule(*r),
                });
                let help = Some(format!(
                    "the facts involved are {}; check them, or leave out the one that is not sure",
                    involved
                        .iter()
                        .map(|(k, v)| format!("`{k}` = {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                return Err(Failure::Facts(Box::new(FactsError::Impossible {
                    rule: rule.name.clone(),
                    message,
                    facts: involved,
                    span: None,
                    help,
                })));
            }
        }
        if let Some(e) = ev.failure.take() {
            return Err(Failure::Eval(e));
        }
        let shared = self.local(|l| l.shared.clone());
        decide(
            ev,
            &self.checked,
            &facts,
            &shared.texts,
            shared.revision,
            lang,
        )
        .map_err(Failure::Eval)
    }

    /// Compiles the policy for evaluating many cases fast (see [`Program`]).
    #[doc(hidden)] // The inside: `asylon batch`'s evaluator.
    pub fn compile(&self) -> Program {
        Program {
            limits: *self.limits(),
            ..Program::compile(self.checked())
        }
    }

    /// Runs `f` with what this thread keeps for this policy ([`local`]).
    fn local<R>(&self, f: impl FnOnce(&mut local::Local) -> R) -> R {
        let make = || {
            let texts = Texts::of(&self.checked);
            let shared = local::Shared {
                heads: Arc::new(crate::json::Heads::of(&self.checked, &texts)),
                texts: Arc::new(texts),
                revision: Text::shared(self.revision_text().as_str()),
            };
            local::Local {
                shared,
                scratch: None,
            }
        };
        local::with(&self.texts, make, f)
    }

    /// Decides a case from its JSON text, starting from what the compiled program finds
    /// (see `compile::seed`); `None` where the program hands the case back (invalid
    /// facts, a contradiction, a conflict, an arithmetic failure), for [`Policy::decide`]
    /// to decide and word.
    fn decide_compiled(&self, text: &str, as_of: Date, lang: &str) -> Option<Decision> {
        self.compiled(text, as_of, |ev, facts, shared| {
            decide(
                ev,
                &self.checked,
                facts,
                &shared.texts,
                shared.revision.clone(),
                lang,
            )
            .ok()
        })
        .flatten()
    }

    /// The reference evaluator for a case given as JSON text, seeded with what the
    /// compiled program finds, handed to `then` with the case's facts and what this
    /// thread's decisions for the policy take along; `None` where the program hands the
    /// case back.
    fn compiled<R>(
        &self,
        text: &str,
        as_of: Date,
        then: impl FnOnce(Evaluator<'_>, &Arc<Facts>, &local::Shared) -> R,
    ) -> Option<R> {
        let program = self.program.get_or_init(|| self.compile());
        let policy = &*self.checked;
        self.local(|l| {
            let scratch = l.scratch.get_or_insert_with(|| Scratch::new(program));
            program.read_json(scratch, text).ok()?;
            program.evaluate(scratch, as_of).ok()?;
            let facts = Arc::new(program.facts_found(policy, scratch)?);
            let mut ev = Evaluator::new(policy, &facts, as_of);
            program.seed(policy, scratch, &mut ev);
            Some(then(ev, &facts, &l.shared))
        })
    }
}

enum Failure {
    Facts(Box<FactsError>),
    Eval(crate::eval::EvalError),
}

fn io(p: &Path, e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        vec![miette::miette!(
            code = "asylon::io",
            "cannot read `{}`: {e}",
            p.display()
        )],
    )
}

/// Declarations of a file, the members of fact groups counted one by one.
fn count_declarations(file: &crate::syntax::ast::File) -> usize {
    use crate::syntax::ast::{Decl, FactGroup, GroupMember};
    fn group(g: &FactGroup) -> usize {
        g.members
            .iter()
            .map(|m| match m {
                GroupMember::Fact(_) => 1,
                GroupMember::Group(inner) => group(inner),
            })
            .sum()
    }
    file.decls
        .iter()
        .map(|d| match d {
            Decl::FactGroup(g) => group(g),
            _ => 1,
        })
        .sum()
}

/// Problems with facts given as text, each pointing into it.
fn facts_error(errors: Vec<FactsError>, name: &str, text: &str) -> Error {
    let source = NamedSource::new(name, text.to_string()).with_language("json");
    let pairs = errors
        .into_iter()
        .map(|e| {
            let path = e.path().map(String::from);
            let report = Report::new(e.located(text)).with_source_code(source.clone());
            let record = Diagnostic::from_report(&report).in_facts(path);
            (report, record)
        })
        .collect();
    Error::with_records(ErrorKind::Facts, pairs)
}

/// Reads the fact files the tests name (`given file "…"`) into `sources`, under the
/// name the checker looks them up by. One that cannot be read is left out, and the
/// checker reports it at the test; one larger than a source file may be, too.
pub(crate) fn read_given_files(
    sources: &mut Sources,
    trees: &[crate::syntax::ast::File],
    limits: &Limits,
) {
    use crate::syntax::ast::Decl;
    let mut wanted = Vec::new();
    for tree in trees {
        for decl in &tree.decls {
            let Decl::Test(t) = decl else { continue };
            if let Some(written) = t
                .given_file
                .as_ref()
                .filter(|w| !Path::new(&w.text).is_absolute())
            {
                let policy_file = &sources.file(t.span.file).name;
                wanted.push(crate::source::given_file_path(policy_file, &written.text));
            }
        }
    }
    wanted.sort();
    wanted.dedup();
    // Those given with the policy's texts (`from_sources`) are not read again.
    wanted.retain(|path| !sources.iter().any(|(_, f)| &f.name == path));
    for path in wanted {
        let small = std::fs::metadata(&path)
            .is_ok_and(|m| m.is_file() && m.len() <= limits.max_source_bytes as u64);
        if let (true, Ok(text)) = (small, std::fs::read_to_string(&path)) {
            sources.add(path, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Facts, Policy};

    /// What `typed_value` writes for a value is what `value` writes for the JSON
    /// `value_json` makes of it, for every kind of value.
    #[test]
    fn a_value_is_written_as_the_json_made_of_it() {
        use crate::text::AWKWARD;
        use crate::value::{EnumId, Type, Value};
        use crate::written::{typed_value, value, value_json};
        use std::sync::Arc;
        let policy = Policy::from_source(
            "p.asylon",
            "policy \"P\"\nenum Kind { plain, other }\nfact k: Kind \"k\"\n\
             outcome o when k is plain title en \"o\"\n",
        );
        let policy = policy.expect("the policy checks");
        let checked = policy.checked();
        let kind = Type::Enum(EnumId(0));
        let list = |t: Type| Type::List(Box::new(t));
        let date = |s: &str| Value::Date(s.parse().expect("a date"));
        let mut values = vec![
            (Value::Bool(true), Type::Bool),
            (Value::Bool(false), Type::Bool),
            (Value::Int(0), Type::Int),
            (Value::Int(i64::MIN), Type::Int),
            (Value::Int(i64::MAX), Type::Int),
            (Value::Decimal(0.1), Type::Decimal),
            (Value::Decimal(-0.0), Type::Decimal),
            (Value::Decimal(1e300), Type::Decimal),
            (Value::Decimal(f64::NAN), Type::Decimal),
            (date("2024-06-17"), Type::Date),
            (date("-000001-01-01"), Type::Date),
            (date("9999-12-31"), Type::Date),
            (
                Value::Duration(crate::value::Duration {
                    months: 1,
                    days: -3,
                }),
                Type::Duration,
            ),
            (Value::Enum(0), kind.clone()),
            (Value::Enum(1), kind.clone()),
            (Value::Enum(7), Type::Int),
            (Value::List(Arc::from(vec![])), list(kind.clone())),
            (
                Value::List(Arc::from(vec![Value::Enum(1), Value::Enum(0)])),
                list(kind.clone()),
            ),
            (
                Value::List(Arc::from(vec![Value::List(Arc::from(vec![Value::Int(3)]))])),
                list(list(Type::Int)),
            ),
        ];
        for s in AWKWARD {
            values.push((Value::String(Arc::from(*s)), Type::String));
        }
        for (v, ty) in &values {
            let mut fast = Vec::new();
            typed_value(&mut fast, checked, ty, v);
            let mut made = Vec::new();
            value(&mut made, &value_json(checked, ty, v));
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&made),
                "{v:?}"
            );
        }
    }

    #[test]
    fn a_revision_depends_on_the_texts_not_on_where_they_are() {
        let text = r#"
            policy "Age" version "1"
            facts person { age: int at least 0 "age in years" }
            outcome adult when person.age >= 18 title en "An adult"
        "#;
        let here = Policy::from_sources([("here/p.asylon".to_string(), text.to_string())])
            .expect("the policy checks");
        let there = Policy::from_sources([("there/p.asylon".to_string(), text.to_string())])
            .expect("the policy checks");
        let other =
            Policy::from_sources([("here/p.asylon".to_string(), text.replace("\"1\"", "\"2\""))])
                .expect("the policy checks");
        assert_eq!(here.revision(), there.revision());
        assert_ne!(here.revision(), other.revision());
        assert!(here.revision().starts_with("sha256:"));
        assert_eq!(here.revision().len(), 7 + 64);
    }

    #[test]
    fn a_policy_rebuilt_from_its_sources_keeps_the_case_files_its_tests_read() {
        // The border policy's tests read `../../examples/*.json` (`given file`): its
        // sources, given back to `from_sources` (as Python's pickle does), are the same
        // policy, its case files included, whatever the working directory.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/us-mexico-border");
        let policy = Policy::load(dir).expect("the border policy checks");
        let sources: Vec<(String, String)> = (policy.checked().sources.iter())
            .map(|(_, f)| (f.name.clone(), f.text.to_string()))
            .collect();
        assert!(sources.iter().any(|(name, _)| name.ends_with(".json")));
        let again = Policy::from_sources(sources).expect("its sources check");
        assert_eq!(again.revision(), policy.revision());
        let report = crate::testing::run(again.checked(), false, None);
        assert_eq!(report.failed, 0, "every test passes");
        assert!(report.passed > 10);
    }

    #[test]
    fn any_deserializer_reads_facts_as_a_json_value_does() {
        let policy = Policy::from_source(
            "p.asylon",
            r#"
            policy "Age" version "1"
            facts person { age: int at least 0 "age in years" }
            outcome adult when person.age >= 18 title en "An adult"
        "#,
        )
        .expect("the policy checks");
        let good = serde_json::json!({"person": {"age": 20}});
        let mut text = serde_json::Deserializer::from_str(r#"{"person": {"age": 20}}"#);
        let age = |facts: Facts| facts.get(crate::checked::FactId(0)).cloned();
        let read = policy.facts_from_deserializer(&good).map(age);
        assert_eq!(read.ok().flatten(), Some(crate::value::Value::Int(20)));
        assert_eq!(
            policy.facts_from_value(&good).map(age).ok().flatten(),
            Some(crate::value::Value::Int(20))
        );
        assert!(policy.facts_from_deserializer(&mut text).is_ok());
        let bad = serde_json::json!({"person": {"age": -1, "agee": 3}});
        let from_value = policy.facts_from_value(&bad).expect_err("two problems");
        let read = policy
            .facts_from_deserializer(&bad)
            .expect_err("two problems");
        assert_eq!(read.records(), from_value.records());
        assert_eq!(read.records().len(), 2);
    }
}

#[cfg(test)]
mod texts_made_once {
    use std::sync::Arc;

    use super::decide;
    use crate::eval::Evaluator;
    use crate::texts::Texts;
    use crate::{EvalOptions, Policy};

    /// Every example, on dates before, during and after the rules that changed over
    /// time, in English, Spanish and a language the policy lacks: the decision made with
    /// the texts rendered at load is byte for byte the one rendered case by case.
    #[test]
    fn texts_made_once_are_the_texts_made_for_each_case() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let policy = Policy::load(root.join("policies/us-mexico-border")).expect("it checks");
        let checked = Arc::new(policy.checked().clone());
        let nothing_made = Arc::new(Texts::unrendered(&checked));
        let mut examples: Vec<_> = std::fs::read_dir(root.join("examples"))
            .expect("examples/ exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        examples.sort();
        assert!(examples.len() >= 5, "{examples:?}");
        let mut compared = 0;
        for path in &examples {
            let text = std::fs::read_to_string(path).expect("readable");
            let facts = policy.facts_from_json(&text).expect("the example's facts");
            for date in ["2023-01-01", "2024-06-04", "2024-06-17", "2025-03-01"] {
                for lang in ["en", "es", "fr"] {
                    let options = EvalOptions::on(date).expect("a date").lang(lang);
                    let Ok(made) = policy.evaluate(&facts, &options) else {
                        continue;
                    };
                    let shared = Arc::new(facts.clone());
                    let ev = Evaluator::new(&checked, &shared, options.as_of);
                    let revision = policy.revision_text().clone();
                    let rendered = decide(ev, &checked, &shared, &nothing_made, revision, lang)
                        .expect("decided");
                    let json = |d: &crate::Decision| serde_json::to_string_pretty(d).expect("JSON");
                    assert_eq!(json(&made), json(&rendered), "{path:?} {date} {lang}");
                    let spanish = |d: &crate::Decision| json(&d.in_language("es"));
                    assert_eq!(spanish(&made), spanish(&rendered), "{path:?} {date}");
                    compared += 1;
                }
            }
        }
        assert!(compared >= 5 * 12, "{compared} decisions compared");
    }

    /// The values a reason shows put into the condition's folded text (made at load) read
    /// as the source folded with them: conditions over several lines, blanks of every
    /// kind, values whose text has runs of blanks, two values in one comparison. So do
    /// the values put between a title's pieces folded at load.
    #[test]
    fn values_in_a_folded_condition_read_as_the_source_folded_with_them() {
        let source = "policy \"P\" version \"1\"\n\
            fact n: int \"n\"\nfact s: string \"s\"\nfact d: date \"d\"\n\
            outcome o when\n  n  >=\n\t 2  and  (if n > 3 then s else \"a  b\")\n\
            \x20  is not \"z\"\n  and days since d\r\n > n - 1\n\
            \x20 title en \"O  with\n\t {s or \"a  b\"}{n or \"?\"} and  {d or \"-\"} \"\n\
            exception e to o when n + 1\n   <\n n * 2 - 99\n  title en \" E {n or \"?\"}\"\n";
        let policy = Policy::from_source("p.asylon", source).expect("it checks");
        let checked = Arc::new(policy.checked().clone());
        let nothing_made = Arc::new(Texts::unrendered(&checked));
        let cases = [
            r#"{"n": 5, "s": "x \t  y", "d": "2024-06-01"}"#,
            r#"{"n": 2, "s": "q", "d": "2024-06-10"}"#,
            r#"{"n": 7, "s": "\u00a0\u2003lead", "d": "2020-01-01"}"#,
        ];
        for text in cases {
            let facts = policy.facts_from_json(text).expect("facts");
            let options = EvalOptions::on("2024-06-17").expect("a date");
            let made = policy.evaluate(&facts, &options).expect("decided");
            let shared = Arc::new(facts.clone());
            let ev = Evaluator::new(&checked, &shared, options.as_of);
            let revision = policy.revision_text().clone();
            let rendered =
                decide(ev, &checked, &shared, &nothing_made, revision, "en").expect("decided");
            let json = serde_json::to_string_pretty(&made).expect("JSON");
            assert_eq!(json, serde_json::to_string_pretty(&rendered).expect("JSON"));
            assert!(json.contains("\"with_values\""), "{json}");
        }
    }

    /// Every example nests no deeper than the policy's `facts_depth`, and a fact set one
    /// level deeper anywhere (a list in a list, an object for a value, a group below a
    /// fact) is refused, by the compiled reader and by the reference one.
    #[test]
    fn no_fact_set_the_policy_accepts_is_deeper_than_its_facts_depth() {
        fn depth(v: &serde_json::Value) -> usize {
            match v {
                serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
                serde_json::Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
                _ => 0,
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let policy = Policy::load(root.join("policies/us-mexico-border")).expect("it checks");
        assert_eq!(policy.facts_depth(), 3);
        let mut deepest = 0;
        for entry in std::fs::read_dir(root.join("examples")).expect("examples/ exists") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert!(depth(&value) <= policy.facts_depth(), "{path:?}");
            deepest = deepest.max(depth(&value));
        }
        assert_eq!(
            deepest,
            policy.facts_depth(),
            "an example reaches the depth"
        );
        let options = EvalOptions::on("2024-06-17").expect("a date");
        for deeper in [
            r#"{"person": {"persecution_grounds": [["race"]]}}"#,
            r#"{"person": {"persecution_grounds": [{}]}}"#,
            r#"{"person": {"fears_return": {"x": []}}}"#,
            r#"{"person": {"fears_return": [[true]]}}"#,
            r#"{"authorization": [[["none"]]]}"#,
            r#"{"person": {"nationality": {"code": ["VE"]}}}"#,
            r#"{"person": {"extra": {"deep": {}}}}"#,
        ] {
            let value: serde_json::Value = serde_json::from_str(deeper).expect("JSON");
            assert!(depth(&value) > policy.facts_depth(), "{deeper}");
            assert!(policy.facts_from_json(deeper).is_err(), "{deeper}");
            let mut out = Vec::new();
            let decided = policy.evaluate_json_into("case", deeper, &options, &mut out);
            assert!(decided.is_err(), "{deeper}");
        }
    }
}
