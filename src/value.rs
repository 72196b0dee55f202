//! Types and values of the language, and the date arithmetic they need.
//!
//! A value is always known: *unknown* is the absence of a value (`Option<Value>`), so no
//! `null` can hide inside one.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

pub use jiff::civil::Date;

/// Index of an enum in a checked policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u32);

/// A type of the language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `decimal`
    Decimal,
    /// `string`
    String,
    /// `date`
    Date,
    /// `duration`
    Duration,
    /// A declared enum.
    Enum(EnumId),
    /// `list of T`
    List(Box<Type>),
    /// The type of an expression that already has an error, or of `[]` before its
    /// context is known: it fits anywhere, so one mistake is reported once.
    Any,
}

impl Type {
    /// Whether a value of type `self` can stand where `expected` is wanted.
    pub fn fits(&self, expected: &Type) -> bool {
        match (self, expected) {
            (Type::Any, _) | (_, Type::Any) => true,
            (Type::List(a), Type::List(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// Whether this is `int` or `decimal`.
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal | Type::Any)
    }

    /// The type as a policy writes it (`bool`, `list of Location`), each enum named by
    /// `enum_name`: for diagnostics and for front ends that describe a policy's facts.
    ///
    /// ```
    /// use asylon::value::{EnumId, Type};
    /// let ty = Type::List(Box::new(Type::Enum(EnumId(0))));
    /// assert_eq!(ty.written(&|_| "Ground".to_string()), "list of Ground");
    /// ```
    pub fn written(&self, enum_name: &dyn Fn(EnumId) -> String) -> String {
        match self {
            Type::Bool => "bool".into(),
            Type::Int => "int".into(),
            Type::Decimal => "decimal".into(),
            Type::String => "string".into(),
            Type::Date => "date".into(),
            Type::Duration => "duration".into(),
            Type::Enum(id) => enum_name(*id),
            Type::List(inner) => format!("list of {}", inner.written(enum_name)),
            Type::Any => "any value".into(),
        }
    }
}

/// A duration: a number of months (years are twelve) and a number of days. Months and
/// days are kept apart because a month has no fixed number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    /// Whole months.
    pub months: i32,
    /// Whole days.
    pub days: i32,
}

impl Duration {
    /// `n days`
    pub fn days(n: i32) -> Duration {
        Duration { months: 0, days: n }
    }

    /// `n months`
    pub fn months(n: i32) -> Duration {
        Duration { months: n, days: 0 }
    }

    /// Orders two durations when that makes sense: both in days, or both in months.
    pub fn compare(self, other: Duration) -> Option<Ordering> {
        if self.months == 0 && other.months == 0 {
            Some(self.days.cmp(&other.days))
        } else if self.days == 0 && other.days == 0 {
            Some(self.months.cmp(&other.months))
        } else {
            None
        }
    }

    /// Parses `"60 days"`, `"1 year"`, `"3 months"` (the JSON form of a duration).
    pub fn parse(text: &str) -> Option<Duration> {
        let (n, unit) = text.split_once(' ')?;
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i32 = n.parse().ok()?;
        match unit {
            "day" | "days" => Some(Duration::days(n)),
            "month" | "months" => Some(Duration::months(n)),
            "year" | "years" => Some(Duration::months(n.checked_mul(12)?)),
            _ => None,
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: i32, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut parts = Vec::new();
        if self.months != 0 && self.months % 12 == 0 {
            parts.push(plural(self.months / 12, "year", "years"));
        } else if self.months != 0 {
            parts.push(plural(self.months, "month", "months"));
        }
        if self.days != 0 || parts.is_empty() {
            parts.push(plural(self.days, "day", "days"));
        }
        f.write_str(&parts.join(" "))
    }
}

/// A known value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `true`, `false`
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Decimal(f64),
    /// Text.
    String(Arc<str>),
    /// A calendar day.
    Date(Date),
    /// A duration.
    Duration(Duration),
    /// A variant, by its index in its enum (the type says which enum).
    Enum(u32),
    /// A list.
    List(Arc<[Value]>),
}

impl Value {
    /// The boolean inside, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Compares two values of one type; `None` when they have no order.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Decimal(a), Value::Decimal(b)) => a.partial_cmp(b),
            (Value::Int(a), Value::Decimal(b)) => (*a as f64).partial_cmp(b),
            (Value::Decimal(a), Value::Int(b)) => a.partial_cmp(&(*b as f64)),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::Duration(a), Value::Duration(b)) => a.compare(*b),
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// Equality across `int` and `decimal`, structural elsewhere.
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(_), Value::Decimal(_)) | (Value::Decimal(_), Value::Int(_)) => {
                self.compare(other) == Some(Ordering::Equal)
            }
            _ => self == other,
        }
    }
}

/// Kleene `and`: `false` as soon as one side is known false, even if the other is
/// unknown. `b` is only computed when `a` does not decide alone.
pub(crate) fn and3(a: Option<bool>, b: impl FnOnce() -> Option<bool>) -> Option<bool> {
    match a {
        Some(false) => Some(false),
        Some(true) => b(),
        None => match b() {
            Some(false) => Some(false),
            _ => None,
        },
    }
}

/// Kleene `or`: `true` as soon as one side is known true, even if the other is unknown.
pub(crate) fn or3(a: Option<bool>, b: impl FnOnce() -> Option<bool>) -> Option<bool> {
    match a {
        Some(true) => Some(true),
        Some(false) => b(),
        None => match b() {
            Some(true) => Some(true),
            _ => None,
        },
    }
}

/// Parses a date written exactly `YYYY-MM-DD` that is a real calendar day.
pub fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
        })
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    // jiff's civil dates start at year -9999; four digits keep us at 0..=9999.
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// Adds a duration to a date. Months first, keeping the day of month where it exists and
/// taking the month's last day where it does not (`2024-02-29 + 1 year` is `2025-02-28`),
/// then days. `None` when the result leaves the calendar jiff supports.
pub fn add_duration(date: Date, duration: Duration) -> Option<Date> {
    let with_months = if duration.months == 0 {
        date
    } else {
        let total = i32::from(date.year()) * 12 + i32::from(date.month()) - 1 + duration.months;
        let year = i16::try_from(total.div_euclid(12)).ok()?;
        let month = (total.rem_euclid(12) + 1) as i8;
        let first = Date::new(year, month, 1).ok()?;
        let day = date.day().min(first.days_in_month());
        Date::new(year, month, day).ok()?
    };
    with_months
        .checked_add(jiff::Span::new().try_days(i64::from(duration.days)).ok()?)
        .ok()
}

/// `x + y` (or `x - y`), month by month and day by day; `None` when a part overflows.
pub(crate) fn sum_durations(x: Duration, y: Duration, subtract: bool) -> Option<Duration> {
    let sign = if subtract { -1 } else { 1 };
    let months = y.months.checked_mul(sign)?;
    let days = y.days.checked_mul(sign)?;
    Some(Duration {
        months: x.months.checked_add(months)?,
        days: x.days.checked_add(days)?,
    })
}

/// Subtracts a duration from a date (the same rules as [`add_duration`]).
pub fn sub_duration(date: Date, duration: Duration) -> Option<Date> {
    add_duration(
        date,
        Duration {
            months: duration.months.checked_neg()?,
            days: duration.days.checked_neg()?,
        },
    )
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`), exact for every date jiff
/// supports and cheaper than a `Span` round trip.
pub fn day_number(date: Date) -> i64 {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn dates_are_exactly_yyyy_mm_dd_and_real() {
        assert_eq!(
            parse_date("2024-02-29"),
            Some(jiff::civil::date(2024, 2, 29))
        );
        for bad in [
            "2023-02-29",
            "2024-02-30",
            "2024-13-01",
            "2024-00-10",
            "2024-6-17",
            "2024-06-17 ",
            "24-06-17",
            "2024/06/17",
            "",
            "２０２４-06-17",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn adding_a_year_to_29_february_gives_28_february() {
        assert_eq!(
            add_duration(d("2024-02-29"), Duration::months(12)),
            Some(d("2025-02-28"))
        );
        assert_eq!(
            add_duration(d("2024-02-29"), Duration::months(48)),
            Some(d("2028-02-29"))
        );
        assert_eq!(
            add_duration(d("2023-06-17"), Duration::months(12)),
            Some(d("2024-06-17"))
        );
    }

    #[test]
    fn month_ends_clamp() {
        assert_eq!(
            add_duration(d("2024-01-31"), Duration::months(1)),
            Some(d("2024-02-29"))
        );
        assert_eq!(
            add_duration(d("2023-01-31"), Duration::months(1)),
            Some(d("2023-02-28"))
        );
        assert_eq!(
            add_duration(d("2024-03-31"), Duration::months(-1)),
            Some(d("2024-02-29"))
        );
        assert_eq!(
            add_duration(d("2024-10-31"), Duration::months(2)),
            Some(d("2024-12-31"))
        );
        assert_eq!(
            add_duration(d("2024-12-15"), Duration::months(1)),
            Some(d("2025-01-15"))
        );
        assert_eq!(
            sub_duration(d("2024-06-17"), Duration::days(60)),
            Some(d("2024-04-18"))
        );
    }

    #[test]
    fn days_cross_months_years_and_leap_days() {
        assert_eq!(
            add_duration(d("2024-02-28"), Duration::days(1)),
            Some(d("2024-02-29"))
        );
        assert_eq!(
            add_duration(d("2023-02-28"), Duration::days(1)),
            Some(d("2023-03-01"))
        );
        assert_eq!(
            add_duration(d("2024-12-31"), Duration::days(1)),
            Some(d("2025-01-01"))
        );
        assert_eq!(days_between(d("2024-04-18"), d("2024-06-17")), 60);
        assert_eq!(days_between(d("2024-06-17"), d("2024-04-18")), -60);
        assert_eq!(days_between(d("2024-01-01"), d("2025-01-01")), 366);
        assert_eq!(days_between(d("2023-01-01"), d("2024-01-01")), 365);
        assert_eq!(day_number(d("1970-01-01")), 0);
    }

    #[test]
    fn dates_at_the_edge_of_the_calendar_do_not_panic() {
        assert_eq!(add_duration(d("9999-12-31"), Duration::days(1)), None);
        assert_eq!(add_duration(d("9999-12-31"), Duration::months(1)), None);
        assert_eq!(
            add_duration(d("0000-01-01"), Duration::months(i32::MIN)),
            None
        );
        assert!(sub_duration(d("0000-01-01"), Duration::days(i32::MIN)).is_none());
    }

    #[test]
    fn durations_parse_and_compare() {
        assert_eq!(Duration::parse("60 days"), Some(Duration::days(60)));
        assert_eq!(Duration::parse("1 year"), Some(Duration::months(12)));
        assert_eq!(Duration::parse("-1 year"), None);
        assert_eq!(Duration::parse("60  days"), None);
        assert_eq!(
            Duration::days(3).compare(Duration::days(4)),
            Some(Ordering::Less)
        );
        assert_eq!(Duration::days(30).compare(Duration::months(1)), None);
        assert_eq!(Duration::months(12).to_string(), "1 year");
        assert_eq!(Duration::days(2).to_string(), "2 days");
    }
}
