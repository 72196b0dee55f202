//! `asylon.Policy`: a loaded, checked policy, immutable and shared between threads.

use std::path::PathBuf;
use std::sync::Mutex;

use asylon::explain::explain;
use asylon::interview::{next_question, question_text};
use asylon::{EvalOptions, FactId, Facts};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

use crate::convert::{self, Unread, Unsupported};
use crate::describe;
use crate::errors::{exception, raise, unsupported_exception};
use crate::many::{Decisions, FullCollectionsHeldOff};
use crate::pydata;
use crate::strings::SharedStrings;

/// A policy, loaded and checked once, then evaluated against any number of cases from
/// any number of threads. Immutable: pickling it stores its sources, and unpickling
/// checks them again.
#[pyclass(frozen, module = "asylon")]
pub struct Policy {
    inner: asylon::Policy,
    /// The Python strings of its results, shared by all of them.
    strings: SharedStrings,
    /// The options of the last call given an `as_of`: a caseload is evaluated on one
    /// date, and making them again (a Python call and a date parse) was a sixtieth of
    /// `evaluate`.
    last_options: Mutex<Option<LastOptions>>,
}

/// The options made for an `as_of` and a `lang`. The `as_of` is a `date` or a `str`
/// (exactly: a subclass could change its text), both immutable, and held here, so no
/// other object can take its address: the same object is the same date.
struct LastOptions {
    as_of: Py<PyAny>,
    lang: String,
    options: EvalOptions,
}

/// Why one case gave no decision: the library's error, or a Python value that is no fact.
pub(crate) enum Failure {
    Asylon(asylon::Error),
    Python(Unsupported),
    /// Python raised while the facts were read: raised again as it is.
    Raised(PyErr),
}

impl Failure {
    pub(crate) fn exception<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Failure::Asylon(e) => exception(py, e),
            Failure::Python(u) => unsupported_exception(py, u),
            Failure::Raised(e) => Ok(e.value(py).clone().into_any()),
        }
    }

    fn raise(self, py: Python<'_>) -> PyErr {
        if let Failure::Raised(e) = self {
            return e;
        }
        match self.exception(py) {
            Ok(e) => PyErr::from_value(e),
            Err(e) => e,
        }
    }
}

impl Policy {
    fn new(inner: asylon::Policy) -> Policy {
        Policy {
            inner,
            strings: SharedStrings::default(),
            last_options: Mutex::new(None),
        }
    }

    /// A result as plain Python data, its texts shared with the policy's other results.
    pub(crate) fn to_python<'py, T: serde::Serialize + ?Sized>(
        &self,
        py: Python<'py>,
        value: &T,
    ) -> PyResult<Bound<'py, PyAny>> {
        pydata::to_python(py, &mut self.strings.take(), value)
    }

    /// The evaluation options: `as_of` a `date`, `YYYY-MM-DD` text or `None` for today
    /// (the local date, as the command line takes it).
    fn options(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<EvalOptions> {
        // `None` is today, which changes: never kept.
        let kept = match as_of {
            Some(d) if d.is_exact_instance_of::<PyString>() => Some(d),
            Some(d) if d.get_type().is(convert::date_type(py)?) => Some(d),
            _ => None,
        };
        // Never waits: another thread holding it makes its own options meanwhile.
        if let (Some(d), Ok(last)) = (kept, self.last_options.try_lock()) {
            if let Some(last) = &*last {
                if last.as_of.bind(py).is(d) && last.lang == lang {
                    return Ok(last.options.clone());
                }
            }
        }
        let options = self.options_anew(py, as_of, lang)?;
        if let (Some(d), Ok(mut last)) = (kept, self.last_options.try_lock()) {
            *last = Some(LastOptions {
                as_of: d.clone().unbind(),
                lang: lang.to_owned(),
                options: options.clone(),
            });
        }
        Ok(options)
    }

    /// The evaluation options, made from `as_of` and `lang`.
    fn options_anew(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
        lang: &str,
    ) -> PyResult<EvalOptions> {
        let text: String = match as_of {
            Some(d) if d.is_instance_of::<PyString>() => d.extract()?,
            Some(d) if !d.is_none() => d.call_method0("isoformat")?.extract()?,
            _ => py
                .import("datetime")?
                .getattr("date")?
                .call_method0("today")?
                .call_method0("isoformat")?
                .extract()?,
        };
        EvalOptions::on(&text)
            .map(|o| o.lang(lang))
            .map_err(|e| raise(py, &e))
    }

    /// A fact dict read against the policy.
    fn read_facts(&self, py: Python<'_>, facts: &Bound<'_, PyAny>) -> PyResult<Facts> {
        self.read_case(facts).map_err(|f| f.raise(py))
    }

    /// One case's facts, or why it has none; Python's own exceptions are raised.
    pub(crate) fn read_case(&self, facts: &Bound<'_, PyAny>) -> Result<Facts, Failure> {
        convert::read_facts(&self.inner, facts).map_err(|unread| match unread {
            Unread::Asylon(e) => Failure::Asylon(e),
            Unread::Python(u) => Failure::Python(u),
            Unread::Raised(e) => Failure::Raised(e),
        })
    }

    /// The ids of facts named by their dotted names; a name the policy does not have
    /// is the builder's `FactsError`, with its "did you mean".
    fn fact_ids(&self, py: Python<'_>, names: &[String]) -> PyResult<Vec<FactId>> {
        let checked = self.inner.checked();
        let mut builder = Facts::builder(&self.inner);
        for name in names {
            builder = builder.unknown(name);
        }
        builder.build().map_err(|e| raise(py, &e))?;
        Ok(names.iter().filter_map(|n| checked.fact_named(n)).collect())
    }
}

#[pymethods]
impl Policy {
    /// Loads a policy from a `.asylon` file, or from every `.asylon` file of a
    /// directory (in file-name order, as one policy). Raises `PolicyError` with every
    /// diagnostic when it cannot be read, does not parse or does not check.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Policy> {
        py.detach(|| asylon::Policy::load(&path))
            .map(Policy::new)
            .map_err(|e| raise(py, &e))
    }

    /// A policy from source texts, `{"name.asylon": text, …}`, in the mapping's order.
    #[staticmethod]
    fn from_sources(py: Python<'_>, sources: &Bound<'_, PyAny>) -> PyResult<Policy> {
        let mut files = Vec::new();
        for item in sources.call_method0("items")?.try_iter()? {
            let (name, text): (String, String) = item?.extract()?;
            files.push((name, text));
        }
        py.detach(|| asylon::Policy::from_sources(files))
            .map(Policy::new)
            .map_err(|e| raise(py, &e))
    }

    /// The source texts, `{name: text}` in load order: what `from_sources` takes back.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (_, file) in self.inner.checked().sources.iter() {
            dict.set_item(&file.name, &*file.text)?;
        }
        Ok(dict)
    }

    /// The policy's name, as its `policy "…"` line gives it.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.checked().header.name
    }

    /// The policy's revision: `sha256:` and the digest of its sources, the same as
    /// `asylon serve` reports, so a stored decision can be traced to its exact rules.
    #[getter]
    fn revision(&self) -> String {
        self.inner.revision()
    }

    /// The version the policy declares (`policy "…" version "2024-06"`), or `None`.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.checked().header.version.as_deref()
    }

    /// The languages the policy's texts are written in, English first.
    #[getter]
    fn languages(&self) -> Vec<String> {
        self.inner.languages().to_vec()
    }

    /// Every fact, in declaration order: `id`, `type`, `description`, `question`
    /// (`{lang: text}`), `choices` and `labels` for an enum, `at_least`/`at_most`.
    #[getter]
    fn facts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_python(py, &describe::facts(self.inner.checked()))
    }

    /// Every outcome, in policy order: `id`, `title` (`{lang: text}`), `sources`.
    #[getter]
    fn outcomes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_python(py, &describe::outcomes(self.inner.checked()))
    }

    /// Decides every outcome for one case. `facts` is a dict shaped like a fact file
    /// (`None` or a missing key is unknown, `datetime.date` accepted); the result is
    /// a dict equal to what `asylon eval --format json` prints. With `why=True` it also
    /// has `"why"`: each outcome's explanation, as `explain` gives it.
    #[pyo3(signature = (facts, *, as_of=None, lang="en", why=false))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        facts: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
        lang: &str,
        why: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = self.options(py, as_of, lang)?;
        let facts = self.read_facts(py, facts)?;
        let decision = self
            .inner
            .evaluate(&facts, &options)
            .map_err(|e| raise(py, &e))?;
        let result = self.to_python(py, &decision)?;
        if why {
            let whys = PyDict::new(py);
            for id in &self.inner.checked().outcomes {
                let outcome = &self.inner.checked().rule(*id).name;
                let explanation =
                    explain(&self.inner, &facts, &options, outcome).map_err(|e| raise(py, &e))?;
                whys.set_item(outcome, self.to_python(py, &explanation)?)?;
            }
            result.set_item("why", whys)?;
        }
        Ok(result)
    }

    /// Decides many cases, in order, with the GIL released while the engine works, and
    /// returns the list of their results, each what `evaluate` returns. `jobs` threads
    /// work (default one per core), the caller's included: with more than one, `jobs - 1`
    /// threads decide while the caller's reads the next cases and makes the dicts.
    /// With `errors="raise"` the first case that fails raises its exception, with its
    /// position as `.index`; with `errors="return"` that case's place in the list holds
    /// the exception instead. Python's full garbage collections are held off meanwhile
    /// (see `FullCollectionsHeldOff`).
    #[pyo3(signature = (cases, *, as_of=None, lang="en", jobs=None, errors="raise"))]
    fn evaluate_many<'py>(
        slf: &Bound<'py, Self>,
        cases: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
        lang: &str,
        jobs: Option<usize>,
        errors: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let py = slf.py();
        let mut decisions = Policy::evaluate_iter(slf, cases, as_of, lang, jobs, errors)?;
        let _held = FullCollectionsHeldOff::hold(py)?;
        let out = PyList::empty(py);
        while let Some(item) = decisions.next_item(py)? {
            out.append(item)?;
        }
        Ok(out)
    }

    /// `evaluate_many` as an iterator: a run of cases is read and decided as the
    /// decisions are asked for (with several jobs, a few runs ahead), so a caseload
    /// streams through in flat memory. Dropped before its end, it stops its threads.
    #[pyo3(signature = (cases, *, as_of=None, lang="en", jobs=None, errors="raise"))]
    fn evaluate_iter<'py>(
        slf: &Bound<'py, Self>,
        cases: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
        lang: &str,
        jobs: Option<usize>,
        errors: &str,
    ) -> PyResult<Decisions> {
        let options = slf.get().options(slf.py(), as_of, lang)?;
        Decisions::new(slf.clone().unbind(), cases, options, jobs, errors)
    }

    /// The next question for a case: the unknown fact that the most undetermined
    /// outcomes wait on, as `{"fact", "question", "decides", "type", "choices",
    /// "labels"}` with texts in `lang`; `None` when nothing left to ask can change the
    /// decision. `skip` names facts not to ask again (answered "I don't know").
    #[pyo3(signature = (facts, *, as_of=None, lang="en", skip=Vec::new()))]
    fn next_question<'py>(
        &self,
        py: Python<'py>,
        facts: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
        lang: &str,
        skip: Vec<String>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let options = self.options(py, as_of, lang)?;
        let facts = self.read_facts(py, facts)?;
        let skip = self.fact_ids(py, &skip)?;
        let decision = self
            .inner
            .evaluate(&facts, &options)
            .map_err(|e| raise(py, &e))?;
        let lang = decision.lang.as_str(); // The policy's tag for it: `es` for `es-MX`.
        let Some(question) = next_question(&self.inner, &decision, &skip, &facts) else {
            return Ok(None);
        };
        let checked = self.inner.checked();
        let info = describe::fact(checked, checked.fact(question.fact));
        let in_lang = |texts: &Value| -> Value {
            texts
                .get(lang)
                .or_else(|| texts.get("en"))
                .cloned()
                .unwrap_or(Value::Null)
        };
        let labels = match info["labels"].as_object() {
            Some(labels) => Value::Object(
                labels
                    .iter()
                    .map(|(choice, texts)| (choice.clone(), in_lang(texts)))
                    .collect(),
            ),
            None => Value::Null,
        };
        let asked = serde_json::json!({
            "fact": question.name,
            // The question shows the answers given so far, in the language asked for.
            "question": question_text(checked, question.fact, lang, |f| facts.get(f).cloned()),
            "description": info["description"],
            "decides": question.decides,
            "type": info["type"],
            "choices": info["choices"],
            "labels": labels,
        });
        self.to_python(py, &asked).map(Some)
    }

    /// Why one outcome has its status for a case: the dict `asylon explain --format
    /// json` prints. An outcome id the policy does not have raises `asylon.Error`.
    #[pyo3(signature = (facts, outcome, *, as_of=None, lang="en"))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        facts: &Bound<'py, PyAny>,
        outcome: &str,
        as_of: Option<&Bound<'py, PyAny>>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = self.options(py, as_of, lang)?;
        let facts = self.read_facts(py, facts)?;
        // Contradicting facts are refused here as `evaluate` refuses them.
        self.inner
            .evaluate(&facts, &options)
            .map_err(|e| raise(py, &e))?;
        let explanation =
            explain(&self.inner, &facts, &options, outcome).map_err(|e| raise(py, &e))?;
        self.to_python(py, &explanation)
    }

    /// The policy's warnings (lints) as diagnostic dicts: `code`, `severity`, `message`,
    /// `help`, `location`, `related`. A policy with errors never loads, so these are
    /// all `check` can still say.
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for report in self.inner.warnings() {
            list.append(self.to_python(py, &asylon::Diagnostic::from_report(&report))?)?;
        }
        Ok(list)
    }

    /// Runs the tests written in the policy: the dict `asylon test --format json`
    /// prints (`tests`, `passed`, `failed`, and `coverage` on request).
    #[pyo3(signature = (*, coverage=false))]
    fn test<'py>(&self, py: Python<'py>, coverage: bool) -> PyResult<Bound<'py, PyAny>> {
        let report = py.detach(|| self.inner.run_tests(coverage));
        self.to_python(py, &report)
    }

    /// Pickles as its sources: `Policy.from_sources(policy.sources)`.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyDict>,))> {
        let from_sources = py.get_type::<Policy>().getattr("from_sources")?;
        Ok((from_sources, (self.sources(py)?,)))
    }

    fn __repr__(&self) -> String {
        let header = &self.inner.checked().header;
        match &header.version {
            Some(v) => format!("<asylon.Policy {:?} version {:?}>", header.name, v),
            None => format!("<asylon.Policy {:?}>", header.name),
        }
    }
}

impl Policy {
    /// The library's policy, for the threads that decide many cases off the Python
    /// thread: cheap to clone (shared inside), immutable, `Send + Sync`.
    pub(crate) fn engine(&self) -> &asylon::Policy {
        &self.inner
    }
}
