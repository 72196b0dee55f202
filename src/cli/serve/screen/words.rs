//! The page's own words, in English and Spanish. Everything about the case (questions,
//! choices, titles, explanations, sources) is the policy's; these are the buttons,
//! headings and reminders around it. A language the page does not speak gets English.

/// The words of the page in one language: each field is the text of the button, heading
/// or sentence it names.
pub struct Words {
    /// The language these words are in (the `lang` of the elements holding them).
    pub lang: &'static str,
    pub skip: &'static str,
    pub quick_exit: &'static str,
    pub quick_exit_hint: &'static str,
    pub languages: &'static str,
    pub intro: &'static str,
    pub privacy: &'static str,
    pub cont: &'static str,
    pub dont_know: &'static str,
    pub back: &'static str,
    pub review: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub none: &'static str,
    pub choose_one: &'static str,
    pub choose_any: &'static str,
    pub write_answer: &'static str,
    pub why_ask: &'static str,
    pub why_ask_text: &'static str,
    pub review_title: &'static str,
    pub no_answers: &'static str,
    pub change: &'static str,
    pub more_questions: &'static str,
    pub see_results: &'static str,
    pub results_title: &'static str,
    pub holds_title: &'static str,
    pub none_holds: &'static str,
    pub undetermined_title: &'static str,
    pub would_decide: &'static str,
    pub said_dont_know: &'static str,
    pub source: &'static str,
    pub not_holding: &'static str,
    pub legal_title: &'static str,
    pub legal_help: &'static str,
    pub your_answers: &'static str,
    pub print: &'static str,
    pub save: &'static str,
    pub save_hint: &'static str,
    pub resume_title: &'static str,
    pub resume_file: &'static str,
    pub resume_text: &'static str,
    pub start_again: &'static str,
    pub error_title: &'static str,
    pub not_found: &'static str,
    pub screenings: &'static str,
    pub error_code: &'static str,
}

const EN: Words = Words {
    lang: "en",
    skip: "Skip to the main content",
    quick_exit: "Quick exit",
    quick_exit_hint: "Leaves this page at once for a neutral site.",
    languages: "Language",
    intro: "This screening asks one question at a time, only those that can still change \
            your result, and tells you what applies to you and what is still undecided.",
    privacy: "Nothing you answer is stored on this server: your answers travel with the page. \
              You can save them as a file on your device and continue later.",
    cont: "Continue",
    dont_know: "I don't know",
    back: "Back",
    review: "Review my answers",
    yes: "Yes",
    no: "No",
    none: "None",
    choose_one: "Choose one answer, or \u{201c}I don't know\u{201d}.",
    choose_any: "Choose all that apply, or none.",
    write_answer: "Write an answer, or choose \u{201c}I don't know\u{201d}.",
    why_ask: "Why we ask",
    why_ask_text: "Your answer can decide:",
    review_title: "Check your answers",
    no_answers: "You have not answered any question yet.",
    change: "Change",
    more_questions: "Continue the questions",
    see_results: "See the result",
    results_title: "Your result",
    holds_title: "What applies to you",
    none_holds: "None of the outcomes in these rules applies to your answers so far.",
    undetermined_title: "Still undecided",
    would_decide: "These answers would decide it:",
    said_dont_know: "you answered \u{201c}I don't know\u{201d}",
    source: "From the guide",
    not_holding: "What does not apply",
    legal_title: "Talk to a lawyer",
    legal_help: "This screening is not legal advice, and the rules change. Before you decide \
                 anything, talk to an immigration lawyer or an accredited representative; many \
                 legal-aid organizations help for free.",
    your_answers: "Your answers",
    print: "Print",
    save: "Save my answers (file)",
    save_hint: "The file stays on your device and holds your answers: keep it somewhere safe.",
    resume_title: "Continue from a saved file",
    resume_file: "Your saved answers file",
    resume_text: "Or paste the file's text",
    start_again: "Start again",
    error_title: "There is a problem",
    not_found: "There is no screening at this address.",
    screenings: "Screenings",
    error_code: "Code",
};

const ES: Words = Words {
    lang: "es",
    skip: "Saltar al contenido principal",
    quick_exit: "Salida rápida",
    quick_exit_hint: "Sale de esta página de inmediato hacia un sitio neutral.",
    languages: "Idioma",
    intro: "Esta evaluación hace una pregunta a la vez, solo las que todavía pueden cambiar \
            su resultado, y le dice qué se aplica a su caso y qué sigue sin decidir.",
    privacy: "Nada de lo que responde se guarda en este servidor: sus respuestas viajan con la \
              página. Puede guardarlas en un archivo en su dispositivo y continuar después.",
    cont: "Continuar",
    dont_know: "No sé",
    back: "Atrás",
    review: "Revisar mis respuestas",
    yes: "Sí",
    no: "No",
    none: "Ninguna",
    choose_one: "Elija una respuesta, o \u{ab}No sé\u{bb}.",
    choose_any: "Elija todas las que correspondan, o ninguna.",
    write_answer: "Escriba una respuesta, o elija \u{ab}No sé\u{bb}.",
    why_ask: "Por qué preguntamos",
    why_ask_text: "Su respuesta puede decidir:",
    review_title: "Revise sus respuestas",
    no_answers: "Todavía no ha respondido ninguna pregunta.",
    change: "Cambiar",
    more_questions: "Seguir con las preguntas",
    see_results: "Ver el resultado",
    results_title: "Su resultado",
    holds_title: "Lo que se aplica a su caso",
    none_holds: "Ninguno de los resultados de estas reglas se aplica a sus respuestas por ahora.",
    undetermined_title: "Todavía sin decidir",
    would_decide: "Estas respuestas lo decidirían:",
    said_dont_know: "usted respondió \u{ab}No sé\u{bb}",
    source: "De la guía",
    not_holding: "Lo que no se aplica",
    legal_title: "Hable con un abogado",
    legal_help: "Esta evaluación no es asesoría legal, y las reglas cambian. Antes de decidir \
                 algo, hable con un abogado de inmigración o un representante acreditado; \
                 muchas organizaciones de ayuda legal ayudan gratis.",
    your_answers: "Sus respuestas",
    print: "Imprimir",
    save: "Guardar mis respuestas (archivo)",
    save_hint: "El archivo queda en su dispositivo y contiene sus respuestas: guárdelo en un \
                lugar seguro.",
    resume_title: "Continuar desde un archivo guardado",
    resume_file: "Su archivo de respuestas guardado",
    resume_text: "O pegue el texto del archivo",
    start_again: "Empezar de nuevo",
    error_title: "Hay un problema",
    not_found: "No hay ninguna evaluación en esta dirección.",
    screenings: "Evaluaciones",
    error_code: "Código",
};

/// The page's words for a reader of `lang` (`es-MX` reads Spanish; an unknown
/// language, English).
pub fn words(lang: &str) -> &'static Words {
    match lang.split(['-', '_']).next() {
        Some("es") => &ES,
        _ => &EN,
    }
}

impl Words {
    /// "At most N more questions", this one included.
    pub fn remaining(&self, n: usize) -> String {
        match (self.lang, n) {
            ("es", 1) => "Esta es la última pregunta que puede cambiar el resultado.".into(),
            ("es", n) => format!("Como máximo {n} preguntas más, contando esta."),
            (_, 1) => "This is the last question that can change the result.".into(),
            (_, n) => format!("At most {n} more questions, this one included."),
        }
    }

    /// "Based on the rules in force on DATE."
    pub fn as_of(&self, date: &str) -> String {
        match self.lang {
            "es" => format!("Según las reglas vigentes el {date}."),
            _ => format!("Based on the rules in force on {date}."),
        }
    }
}

/// A language's own name, for the language switch.
pub fn language_name(tag: &str) -> &str {
    match tag {
        "en" => "English",
        "es" => "Español",
        "fr" => "Français",
        "pt" => "Português",
        "ht" => "Kreyòl ayisyen",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_variants_read_spanish_and_others_english() {
        assert_eq!(words("es").lang, "es");
        assert_eq!(words("es-MX").lang, "es");
        assert_eq!(words("fr").lang, "en");
        assert_eq!(
            words("es").remaining(3),
            "Como máximo 3 preguntas más, contando esta."
        );
        assert_eq!(
            words("en").remaining(1),
            "This is the last question that can change the result."
        );
    }
}
