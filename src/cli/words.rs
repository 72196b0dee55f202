//! The command line's own words, in the languages it speaks (English and Spanish; any
//! other language falls back to English).

/// The words of the text output.
pub struct Words {
    pub as_of: &'static str,
    pub holds: &'static str,
    pub undetermined: &'static str,
    pub does_not_hold: &'static str,
    pub conflicts: &'static str,
    pub because: &'static str,
    pub source: &'static str,
    pub depends_on: &'static str,
    pub conflict_note: &'static str,
    pub defeated: &'static str,
    pub next: &'static str,
    pub decides: &'static str,
    pub decides_one: &'static str,
    pub exception_did_not_apply: &'static str,
    pub exception_unknown: &'static str,
    pub gives: &'static str,
    pub version: &'static str,
    /// The words of a period in force, in the order the decision's JSON writes them:
    /// `effective`, `from`, `until`, `not in force on`, `always in force`.
    pub period: [&'static str; 5],
}

pub fn words(lang: &str) -> &'static Words {
    match lang.split('-').next() {
        Some("es") => &ES,
        _ => &EN,
    }
}

static EN: Words = Words {
    as_of: "as of",
    holds: "Holds",
    undetermined: "Undetermined",
    does_not_hold: "Does not hold",
    conflicts: "Conflicts",
    because: "because",
    source: "source",
    depends_on: "depends on",
    conflict_note: "exceptions that disagree both apply (see Conflicts)",
    defeated: "does not apply because of an exception",
    next: "What to find out next",
    decides: "decides {n} outcomes",
    decides_one: "decides 1 outcome",
    exception_did_not_apply: "exception does not apply",
    exception_unknown: "exception may apply",
    gives: "gives",
    version: "version",
    period: [
        "in force",
        "from",
        "until",
        "not in force on",
        "always in force",
    ],
};

static ES: Words = Words {
    as_of: "a fecha de",
    holds: "Se cumple",
    undetermined: "Sin determinar",
    does_not_hold: "No se cumple",
    conflicts: "Conflictos",
    because: "porque",
    source: "fuente",
    depends_on: "depende de",
    conflict_note: "se aplican dos excepciones que no concuerdan (vea Conflictos)",
    defeated: "no se aplica por una excepción",
    next: "Qué averiguar ahora",
    decides: "decide {n} resultados",
    decides_one: "decide 1 resultado",
    exception_did_not_apply: "la excepción no se aplica",
    exception_unknown: "la excepción podría aplicarse",
    gives: "da",
    version: "versión",
    period: [
        "vigente",
        "desde el",
        "hasta el",
        "no vigente el",
        "siempre vigente",
    ],
};

/// The words of an interview (`asylon ask`).
pub struct AskWords {
    pub intro: &'static str,
    pub keys: &'static str,
    pub yes_no: &'static str,
    pub whole_number: &'static str,
    pub number: &'static str,
    pub date: &'static str,
    pub duration: &'static str,
    pub choice: &'static str,
    pub choices: &'static str,
    pub text: &'static str,
    pub back: &'static str,
    pub nothing_to_undo: &'static str,
    pub dont_know: &'static str,
    pub impossible: &'static str,
    pub over: &'static str,
    pub unknowable: &'static str,
    pub input_ended: &'static str,
    pub saved: &'static str,
    /// `{n}` is replaced by a number of questions, 2 or more (or 0).
    pub at_most: &'static str,
    pub at_most_one: &'static str,
    pub keys_terminal: &'static str,
    pub go_on: &'static str,
    pub not_saved: &'static str,
}

pub fn ask_words(lang: &str) -> &'static AskWords {
    match lang.split('-').next() {
        Some("es") => &ASK_ES,
        _ => &ASK_EN,
    }
}

static ASK_EN: AskWords = AskWords {
    intro: "I will ask only what can still change the answer.",
    keys: "? = I don't know · back = previous question",
    yes_no: "yes / no",
    whole_number: "a whole number",
    number: "a number",
    date: "a date, YYYY-MM-DD",
    duration: "for example 60 days, 3 months, 1 year",
    choice: "the number of your answer",
    choices: "the numbers of all that apply, separated by commas, or none",
    text: "text",
    back: "Back to the previous question.",
    nothing_to_undo: "There is no previous question to go back to.",
    dont_know: "Noted: you do not know. I will not ask it again.",
    impossible: "That answer does not fit your other answers:",
    over: "Nothing more can change the answer.",
    unknowable: "The questions left are ones you did not know.",
    input_ended: "The interview ended before every question was answered.",
    saved: "Answers saved to",
    at_most: "(at most {n} more questions)",
    at_most_one: "(at most 1 more question)",
    keys_terminal: "↑ ↓ = your earlier answers · Ctrl-C = stop",
    go_on: "To go on later:",
    not_saved: "Your answers were not kept. To keep them next time, start with --save FILE.",
};

static ASK_ES: AskWords = AskWords {
    intro: "Solo le preguntaré lo que todavía puede cambiar la respuesta.",
    keys: "? = no sé · atrás = pregunta anterior",
    yes_no: "sí / no",
    whole_number: "un número entero",
    number: "un número",
    date: "una fecha, AAAA-MM-DD",
    duration: "por ejemplo 60 días, 3 meses, 1 año",
    choice: "el número de su respuesta",
    choices: "los números de todas las que correspondan, separados por comas, o ninguno",
    text: "texto",
    back: "Volvemos a la pregunta anterior.",
    nothing_to_undo: "No hay una pregunta anterior a la que volver.",
    dont_know: "Anotado: no lo sabe. No se lo volveré a preguntar.",
    impossible: "Esa respuesta no concuerda con sus otras respuestas:",
    over: "Ya nada más puede cambiar la respuesta.",
    unknowable: "Las preguntas que quedan son las que usted no sabía.",
    input_ended: "La entrevista terminó antes de responder todas las preguntas.",
    saved: "Respuestas guardadas en",
    at_most: "(como máximo {n} preguntas más)",
    at_most_one: "(como máximo 1 pregunta más)",
    keys_terminal: "↑ ↓ = sus respuestas anteriores · Ctrl-C = parar",
    go_on: "Para seguir más tarde:",
    not_saved: "Sus respuestas no se guardaron. Para guardarlas la próxima vez, empiece con --save ARCHIVO.",
};

/// The words of an explanation (`asylon explain`).
pub struct ExplainWords {
    pub holds: &'static str,
    pub does_not_hold: &'static str,
    pub undetermined: &'static str,
    pub as_of: &'static str,
    pub why: &'static str,
    pub all_of: &'static str,
    pub any_of: &'static str,
    pub not: &'static str,
    pub see_above: &'static str,
    pub exceptions: &'static str,
    pub exception: &'static str,
    pub applies: &'static str,
    pub does_not_apply: &'static str,
    pub may_apply: &'static str,
    pub defeated: &'static str,
    pub gives: &'static str,
    pub unknown: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub source: &'static str,
    pub sources: &'static str,
    pub missing: &'static str,
    pub conflict: &'static str,
}

pub fn explain_words(lang: &str) -> &'static ExplainWords {
    match lang.split('-').next() {
        Some("es") => &EXPLAIN_ES,
        _ => &EXPLAIN_EN,
    }
}

static EXPLAIN_EN: ExplainWords = ExplainWords {
    holds: "holds",
    does_not_hold: "does not hold",
    undetermined: "undetermined",
    as_of: "as of",
    why: "Why",
    all_of: "all of",
    any_of: "any of",
    not: "not",
    see_above: "see above",
    exceptions: "Exceptions checked",
    exception: "exception",
    applies: "applies",
    does_not_apply: "does not apply",
    may_apply: "may apply",
    defeated: "defeated the rule",
    gives: "gives",
    unknown: "unknown",
    yes: "yes",
    no: "no",
    source: "source",
    sources: "Sources",
    missing: "What would decide it",
    conflict: "exceptions that disagree both apply",
};

static EXPLAIN_ES: ExplainWords = ExplainWords {
    holds: "se cumple",
    does_not_hold: "no se cumple",
    undetermined: "sin determinar",
    as_of: "a fecha de",
    why: "Por qué",
    all_of: "todas estas",
    any_of: "alguna de estas",
    not: "no es cierto que",
    see_above: "vea arriba",
    exceptions: "Excepciones revisadas",
    exception: "excepción",
    applies: "se aplica",
    does_not_apply: "no se aplica",
    may_apply: "podría aplicarse",
    defeated: "anuló la regla",
    gives: "da",
    unknown: "desconocido",
    yes: "sí",
    no: "no",
    source: "fuente",
    sources: "Fuentes",
    missing: "Qué lo decidiría",
    conflict: "se aplican dos excepciones que no concuerdan",
};
