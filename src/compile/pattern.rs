//! A `string matching` pattern simple enough to check without the regex engine: a fixed
//! sequence of ASCII character classes, such as `^[A-Z]{2}$`. Checking it is a length
//! test and a bit test per byte, where the regex engine spends over a thousand
//! instructions on each string; any other pattern is left to the engine.

/// A pattern matching exactly the strings of `classes.len()` ASCII characters whose i-th
/// character is in `classes[i]` (a set of ASCII bytes, as bits).
#[derive(Debug, Clone)]
pub(crate) struct Fixed {
    classes: Vec<u128>,
}

/// Longer fixed patterns are left to the engine: they are not worth a table.
const MAX_LEN: usize = 256;

impl Fixed {
    /// The fixed form of a pattern as written (the checker anchors it as
    /// `^(?:pattern)$`), when it is one: between an optional `^` and an optional `$`,
    /// letters and digits, and bracketed sets of letters, digits and ranges between them,
    /// each alone or repeated `{n}` times. Nothing else (no escapes, no other quantifier,
    /// no negated set, no flag): the subset is kept narrow so that it means exactly what
    /// it means to the regex engine.
    pub(crate) fn of(pattern: &str) -> Option<Fixed> {
        let p = pattern.as_bytes();
        let p = p.strip_prefix(b"^").unwrap_or(p);
        let p = p.strip_suffix(b"$").unwrap_or(p);
        let mut classes = Vec::new();
        let mut i = 0;
        while let Some(&c) = p.get(i) {
            let class = if c == b'[' {
                let (class, next) = set(p, i + 1)?;
                i = next;
                class
            } else if c.is_ascii_alphanumeric() {
                i += 1;
                1 << c
            } else {
                return None;
            };
            let mut count = 1;
            if p.get(i) == Some(&b'{') {
                let digits = p.get(i + 1..)?;
                let n = digits.iter().take_while(|d| d.is_ascii_digit()).count();
                // No leading zero: `{02}` is not worth knowing what the engine makes of it.
                if n == 0 || n > 3 || digits.first() == Some(&b'0') || digits.get(n) != Some(&b'}')
                {
                    return None;
                }
                count = std::str::from_utf8(digits.get(..n)?).ok()?.parse().ok()?;
                i += n + 2;
            }
            if count == 0 || classes.len() + count > MAX_LEN {
                return None;
            }
            classes.extend(std::iter::repeat_n(class, count));
        }
        Some(Fixed { classes })
    }

    /// Whether `s` matches, exactly as the anchored regex would say.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        s.len() == self.classes.len()
            && s.bytes()
                .zip(&self.classes)
                .all(|(b, class)| b < 128 && class >> b & 1 == 1)
    }
}

/// A bracketed set starting at `p[i]` (after its `[`): its bits, and where it ends (after
/// its `]`).
fn set(p: &[u8], mut i: usize) -> Option<(u128, usize)> {
    let mut class: u128 = 0;
    loop {
        let c = *p.get(i)?;
        if c == b']' && class != 0 {
            return Some((class, i + 1));
        }
        if !c.is_ascii_alphanumeric() {
            return None;
        }
        let (lo, hi) = match (p.get(i + 1), p.get(i + 2)) {
            (Some(b'-'), Some(&d)) if d.is_ascii_alphanumeric() && c <= d => {
                i += 3;
                (c, d)
            }
            _ => {
                i += 1;
                (c, c)
            }
        };
        for b in lo..=hi {
            class |= 1 << b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fixed;
    use proptest::prelude::*;

    fn regex(pattern: &str) -> Option<regex_lite::Regex> {
        // As the checker compiles a `matching` pattern.
        regex_lite::Regex::new(&format!("^(?:{pattern})$")).ok()
    }

    #[test]
    fn simple_patterns_are_fixed_and_others_are_not() {
        for p in [
            "^[A-Z]{2}$",
            "[A-Z]{2}",
            "A1",
            "^[a-z0-9]{3}x$",
            "",
            "^$",
            "[0-9A-F]{8}",
        ] {
            assert!(Fixed::of(p).is_some(), "{p}");
        }
        for p in [
            "[A-Z]+",
            "[A-Z]{2,3}",
            "[^A-Z]",
            "a|b",
            "(ab)",
            "\\d{2}",
            ".",
            "(?i)ab",
            "[A-Z]{0}",
            "[]",
            "[a-]",
            "[z-a]",
            "a b",
            "^^a",
        ] {
            assert!(Fixed::of(p).is_none(), "{p}");
        }
    }

    /// A piece of a pattern: mostly what a fixed pattern is made of, sometimes not.
    fn piece() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            "[a-cA-C0-2]",
            "\\[[a-cA-C0-2]{1,3}\\]",
            "\\[[a-bA-B0-1]-[b-cB-C1-2]\\]",
            "[.\\^$|()*+?é-]",
            "\\[\\^?[a-c-]{0,3}\\]?",
        ];
        let count = prop_oneof![
            Just(String::new()),
            "\\{[0-3]\\}",
            "\\{0?[0-3],?[0-3]?\\}",
            "[*+?]",
        ];
        (atom, count).prop_map(|(a, c)| a + &c)
    }

    proptest! {
        /// Over patterns and strings from a small alphabet (so that they often match),
        /// a fixed pattern says what the regex engine says.
        #[test]
        fn fixed_patterns_agree_with_the_regex_engine(
            start in "\\^?",
            pieces in proptest::collection::vec(piece(), 0..4),
            end in "\\$?",
            texts in proptest::collection::vec("[a-cA-C0-2é\n-]{0,5}", 1..20),
        ) {
            let pattern = format!("{start}{}{end}", pieces.concat());
            if let (Some(fixed), Some(re)) = (Fixed::of(&pattern), regex(&pattern)) {
                for t in &texts {
                    prop_assert_eq!(fixed.is_match(t), re.is_match(t), "{:?} on {:?}", pattern, t);
                }
            }
            // Whatever is fixed is a pattern the engine takes too.
            prop_assert!(Fixed::of(&pattern).is_none() || regex(&pattern).is_some(), "{:?}", pattern);
        }
    }

    #[test]
    fn the_border_pattern_agrees_with_the_regex_engine() {
        let (fixed, re) = (
            Fixed::of("^[A-Z]{2}$").unwrap(),
            regex("^[A-Z]{2}$").unwrap(),
        );
        for t in [
            "",
            "A",
            "MX",
            "mx",
            "MXX",
            "M1",
            "É",
            "ÉÉ",
            "M\n",
            "\u{212A}A",
            "KK",
        ] {
            assert_eq!(fixed.is_match(t), re.is_match(t), "{t:?}");
        }
    }
}
