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
};
