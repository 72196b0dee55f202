//! Values and messages for people, in their language: dates, numbers, enum labels.
//!
//! English and Spanish have their own formats; any other language gets ISO dates and
//! plain numbers, and every message falls back to English where it has no text.

use crate::checked::{CheckedPolicy, Message, Part};
use crate::value::{Date, Duration, Type, Value};

/// The words this module needs in one language.
struct Words {
    unknown: &'static str,
    yes: &'static str,
    no: &'static str,
    and: &'static str,
    none: &'static str,
}

fn words(lang: &str) -> Words {
    if primary(lang) == "es" {
        Words {
            unknown: "desconocido",
            yes: "sí",
            no: "no",
            and: "y",
            none: "ninguno",
        }
    } else {
        Words {
            unknown: "unknown",
            yes: "yes",
            no: "no",
            and: "and",
            none: "none",
        }
    }
}

/// The language of `languages` (tags as a policy writes them) that a BCP 47 `tag`
/// asks for: the same tag whatever its case (`ES` is `es`), else its base language
/// (`es-MX` is `es`). `None` when the policy has neither.
pub fn match_language<'l>(languages: &'l [String], tag: &str) -> Option<&'l String> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let base = tag.split(['-', '_']).next().unwrap_or(tag);
    (languages.iter().find(|l| same(l, tag))).or_else(|| languages.iter().find(|l| same(l, base)))
}

/// The title of an exception written without one, from the words of a name:
/// `Exception “prior order” applies` (the exception's name, or for an inline `unless`
/// on a name, that name), else `An exception to this rule applies`. English, or Spanish
/// for `es`.
pub fn untitled_exception(name: Option<&str>, lang: &str) -> String {
    let spanish = primary(lang).eq_ignore_ascii_case("es");
    let Some(name) = name else {
        return if spanish {
            "Se aplica una excepción a esta regla".into()
        } else {
            "An exception to this rule applies".into()
        };
    };
    let words = name.rsplit('.').next().unwrap_or(name).replace('_', " ");
    if spanish {
        format!("Se aplica la excepción «{words}»")
    } else {
        format!("Exception “{words}” applies")
    }
}

/// `pt` for `pt-BR`.
fn primary(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// A date for people: `June 17, 2024`, `17 de junio de 2024`, else `2024-06-17`.
pub fn format_date(date: Date, lang: &str) -> String {
    let month = (date.month() - 1) as usize;
    match primary(lang) {
        "en" => format!("{} {}, {}", MONTHS_EN[month], date.day(), date.year()),
        "es" => format!("{} de {} de {}", date.day(), MONTHS_ES[month], date.year()),
        _ => date.to_string(),
    }
}

/// A whole number for people: `2,500` in English; in Spanish `2500` and `25 000` (RAE).
pub fn format_int(n: i64, lang: &str) -> String {
    let digits = n.unsigned_abs().to_string();
    let sign = if n < 0 { "-" } else { "" };
    let sep = match primary(lang) {
        "en" => Some(','),
        "es" if digits.len() > 4 => Some('\u{a0}'),
        _ => None,
    };
    let Some(sep) = sep else {
        return format!("{sign}{digits}");
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn format_decimal(n: f64, lang: &str) -> String {
    let text = format!("{n}");
    if primary(lang) == "es" {
        text.replace('.', ",")
    } else {
        text
    }
}

fn format_duration(d: Duration, lang: &str) -> String {
    if primary(lang) != "es" {
        return d.to_string();
    }
    let unit = |n: i32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if d.months != 0 && d.months % 12 == 0 {
        parts.push(unit(d.months / 12, "año", "años"));
    } else if d.months != 0 {
        parts.push(unit(d.months, "mes", "meses"));
    }
    if d.days != 0 || parts.is_empty() {
        parts.push(unit(d.days, "día", "días"));
    }
    parts.join(" y ")
}

/// A value of type `ty` for people, in `lang`.
pub fn format_value(
    policy: &CheckedPolicy,
    ty: &Type,
    value: Option<&Value>,
    lang: &str,
) -> String {
    let w = words(lang);
    let Some(value) = value else {
        return w.unknown.to_string();
    };
    match (value, ty) {
        (Value::Bool(b), _) => (if *b { w.yes } else { w.no }).to_string(),
        (Value::Int(n), _) => format_int(*n, lang),
        (Value::Decimal(n), _) => format_decimal(*n, lang),
        (Value::String(s), _) => s.to_string(),
        (Value::Date(d), _) => format_date(*d, lang),
        (Value::Duration(d), _) => format_duration(*d, lang),
        (Value::Enum(v), Type::Enum(id)) => {
            let variant = &policy.enum_info(*id).variants[*v as usize];
            match variant.label.get(lang) {
                Some(parts) => parts_text(parts),
                None => variant.name.clone(),
            }
        }
        (Value::Enum(v), _) => v.to_string(),
        (Value::List(items), _) => {
            let inner = match ty {
                Type::List(t) => t.as_ref(),
                other => other,
            };
            let shown: Vec<String> = items
                .iter()
                .map(|i| format_value(policy, inner, Some(i), lang))
                .collect();
            match shown.as_slice() {
                [] => w.none.to_string(),
                [one] => one.clone(),
                [init @ .., last] => format!("{} {} {last}", init.join(", "), w.and),
            }
        }
    }
}

/// The literal text of message parts that have no interpolation (labels).
fn parts_text(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.as_str(),
            Part::Value(..) => "",
        })
        .collect()
}

/// Renders a message in `lang` (falling back to English), asking `value` for each
/// interpolated value. Runs of whitespace, as authors wrap long strings, become one space.
pub fn render(
    policy: &CheckedPolicy,
    message: &Message,
    lang: &str,
    mut value: impl FnMut(&crate::checked::Ref) -> Option<Value>,
) -> String {
    // Values are written in the language of the text chosen (`es` for `es-MX`).
    let Some((lang, parts)) = message.pick(lang) else {
        return String::new();
    };
    let mut out = Folding::default();
    for p in parts {
        match p {
            Part::Text(t) => out.push(t),
            Part::Value(r, ty, shown) => out.push(&shown_value(policy, ty, shown, value(r), lang)),
        }
    }
    out.done()
}

/// An interpolated value as a message shows it: its fallback when it is unknown and
/// the author wrote one.
pub(crate) fn shown_value<'a>(
    policy: &CheckedPolicy,
    ty: &Type,
    shown: &'a crate::checked::Shown,
    value: Option<Value>,
    lang: &str,
) -> std::borrow::Cow<'a, str> {
    match (value, &shown.fallback) {
        (None, Some(fallback)) => std::borrow::Cow::Borrowed(fallback),
        (v, _) => std::borrow::Cow::Owned(format_value(policy, ty, v.as_ref(), lang)),
    }
}

/// A text written piece by piece as [`fold_whitespace`] would fold the pieces joined:
/// a message's pieces folded at load are added as they are, and only the values are
/// folded per case.
#[derive(Default)]
pub(crate) struct Folding {
    out: String,
    /// Whitespace came after the last word written.
    gap: bool,
}

/// A piece of text folded ahead of time ([`Folded::of`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Folded {
    /// Its words, one space apart.
    words: String,
    /// It begins with whitespace.
    lead: bool,
    /// It ends with whitespace.
    trail: bool,
}

impl Folded {
    /// `text`, folded.
    pub(crate) fn of(text: &str) -> Folded {
        Folded {
            words: fold_whitespace(text),
            lead: text.starts_with(char::is_whitespace),
            trail: text.ends_with(char::is_whitespace),
        }
    }
}

impl Folding {
    /// Adds words that whitespace before them (`spaced`) or since the last word
    /// separates from it.
    fn words(&mut self, words: &str, spaced: bool) {
        if !self.out.is_empty() && (spaced || self.gap) {
            self.out.push(' ');
        }
        self.out.push_str(words);
        self.gap = false;
    }

    /// Adds `text`, folding it.
    pub(crate) fn push(&mut self, text: &str) {
        let mut spaced = text.starts_with(char::is_whitespace);
        for word in text.split_whitespace() {
            self.words(word, spaced);
            spaced = true;
        }
        if text.ends_with(char::is_whitespace) {
            self.gap = true;
        }
    }

    /// Adds a piece folded ahead of time.
    pub(crate) fn push_folded(&mut self, piece: &Folded) {
        if !piece.words.is_empty() {
            self.words(&piece.words, piece.lead);
        }
        if piece.trail {
            self.gap = true;
        }
    }

    /// The folded text.
    pub(crate) fn done(self) -> String {
        self.out
    }
}

/// Renders a message like [`render`], or `None` when a value it shows without a fallback
/// is unknown: for texts shown where the checker cannot prove their values known (an
/// exception's title in `explain`'s tree, whether or not it applied).
pub fn render_known(
    policy: &CheckedPolicy,
    message: &Message,
    lang: &str,
    mut value: impl FnMut(&crate::checked::Ref) -> Option<Value>,
) -> Option<String> {
    let (_, parts) = message.pick(lang)?;
    for p in parts {
        if let Part::Value(r, _, shown) = p {
            if shown.fallback.is_none() && value(r).is_none() {
                return None;
            }
        }
    }
    Some(render(policy, message, lang, value))
}

/// A message in `lang` as its author wrote it, each interpolation as `{name}`: for
/// readers that fill the values in themselves (a form built from `asylon schema`).
pub fn template(policy: &CheckedPolicy, message: &Message, lang: &str) -> String {
    let Some(parts) = message.get(lang) else {
        return String::new();
    };
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Value(crate::checked::Ref::Fact(f), ..) => {
                out.push('{');
                out.push_str(&policy.fact(*f).name);
                out.push('}');
            }
            Part::Value(crate::checked::Ref::Rule(r), ..) => {
                out.push('{');
                out.push_str(&policy.rule(*r).name);
                out.push('}');
            }
        }
    }
    fold_whitespace(&out)
}

/// Folds every run of whitespace into one space and trims the ends.
pub fn fold_whitespace(text: &str) -> String {
    let mut out = Folding {
        out: String::with_capacity(text.len()),
        gap: false,
    };
    out.push(text);
    out.done()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn pieces_folded_as_they_come_read_as_the_whole_folded(
            pieces in proptest::collection::vec(("[ a\t\n\u{a0}é]{0,6}", proptest::bool::ANY), 0..6),
        ) {
            let joined: String = pieces.iter().map(|(p, _)| p.as_str()).collect();
            let mut out = Folding::default();
            for (piece, ahead) in &pieces {
                if *ahead {
                    out.push_folded(&Folded::of(piece));
                } else {
                    out.push(piece);
                }
            }
            proptest::prop_assert_eq!(out.done(), fold_whitespace(&joined));
        }

        #[test]
        fn folding_is_splitting_at_whitespace_and_joining_with_spaces(
            ascii in "[ a\t\n\r\u{b}\u{c}\u{1f}.]{0,24}",
            any in "[ a\t\n\r\u{b}\u{c}\u{a0}\u{2003}é.]{0,24}",
        ) {
            for text in [ascii, any] {
                let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
                proptest::prop_assert_eq!(fold_whitespace(&text), joined);
            }
        }
    }

    #[test]
    fn dates_in_english_and_spanish() {
        let d = jiff::civil::date(2025, 2, 28);
        assert_eq!(format_date(d, "en"), "February 28, 2025");
        assert_eq!(format_date(d, "es"), "28 de febrero de 2025");
        assert_eq!(format_date(d, "fr"), "2025-02-28");
    }

    #[test]
    fn numbers_group_digits_by_language() {
        assert_eq!(format_int(2500, "en"), "2,500");
        assert_eq!(format_int(-1234567, "en"), "-1,234,567");
        assert_eq!(format_int(999, "en"), "999");
        assert_eq!(format_int(2500, "es"), "2500");
        assert_eq!(format_int(25000, "es"), "25\u{a0}000");
        assert_eq!(format_int(i64::MIN, "en"), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn durations_in_spanish() {
        assert_eq!(format_duration(Duration::months(12), "es"), "1 año");
        assert_eq!(format_duration(Duration::days(60), "es"), "60 días");
        assert_eq!(format_duration(Duration::days(60), "en"), "60 days");
    }

    #[test]
    fn tags_match_whatever_their_case_and_region() {
        let languages = ["en".to_string(), "es".to_string(), "pt-BR".to_string()];
        let matched = |tag| match_language(&languages, tag).map(String::as_str);
        assert_eq!(matched("ES"), Some("es"));
        assert_eq!(matched("es-MX"), Some("es"));
        assert_eq!(matched("en_US"), Some("en"));
        assert_eq!(matched("pt-br"), Some("pt-BR"));
        assert_eq!(matched("fr"), None);
        assert_eq!(matched("pt"), None);
        assert_eq!(matched(""), None);
    }

    #[test]
    fn whitespace_folds() {
        assert_eq!(fold_whitespace("  a\n   b  c "), "a b c");
    }
}
