//! TTL input, shared by both bindings: a number of milliseconds (JS `ttl: 5000`)
//! or a duration string (`ttl: "1h30m"`), both turned into whole milliseconds.
//!
//! A TTL of zero is refused rather than read as "expire now" or "forever":
//! omitting the TTL is how a caller asks for no expiry, so a zero is almost
//! always a bug (an unset variable, a unit mix-up) worth reporting.

use crate::error::{CacheError, Result};

/// The longest accepted TTL: 10 years of 365 days (315 360 000 000 ms).
///
/// Far beyond any caching need, yet small enough that `now + ttl` stays below
/// 2^53 for millennia, so expiry times round-trip exactly through JS numbers
/// and never overflow `u64` arithmetic. Longer means "no expiry": omit the TTL.
pub const MAX_TTL_MS: u64 = 10 * 365 * DAY_MS;
const _: () = assert!(MAX_TTL_MS < (1 << 53), "TTLs must stay exact as JS numbers");

const SECOND_MS: u64 = 1_000;
const MINUTE_MS: u64 = 60 * SECOND_MS;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;
const WEEK_MS: u64 = 7 * DAY_MS;

const ZERO_TTL: &str = "TTL must be greater than 0; omit the TTL for entries that never expire";
const TOO_LONG: &str = "TTL exceeds the maximum of 10 years (315360000000 ms); omit the TTL for entries that never expire";

/// Validates a TTL given in milliseconds (as JS numbers are), rounding a
/// fractional value up so that a positive TTL never becomes 0.
pub fn ttl_from_ms(ms: f64) -> Result<u64> {
    if ms.is_nan() {
        return Err(CacheError::invalid_ttl("TTL is not a number (NaN)"));
    }
    if ms.is_infinite() {
        return Err(CacheError::invalid_ttl(
            "TTL is infinite; omit the TTL for entries that never expire",
        ));
    }
    if ms < 0.0 {
        return Err(CacheError::invalid_ttl("TTL is negative"));
    }
    if ms == 0.0 {
        return Err(CacheError::invalid_ttl(ZERO_TTL));
    }
    let ceiled = ms.ceil();
    // MAX_TTL_MS is far below 2^53, so this comparison is exact.
    if ceiled > MAX_TTL_MS as f64 {
        return Err(CacheError::invalid_ttl(TOO_LONG));
    }
    // In range (0, MAX_TTL_MS] and integral, so the cast is exact.
    Ok(ceiled as u64)
}

/// Parses a duration such as `"250ms"`, `"90s"`, `"5m"`, `"1.5h"`, `"2 d"`,
/// `"1w"` or `"1h30m"`, into milliseconds.
///
/// Units: `ms`, `s`, `m` (minutes), `h`, `d`, `w` (lowercase only, so `M` is
/// never mistaken for months). Whitespace may surround the whole string, sit
/// between a number and its unit, and between parts. A bare number with no
/// unit is milliseconds, but only on its own: in `"1h30"` the `30` is an error.
/// Decimals are exact (no float rounding) and fractional milliseconds round up.
pub fn parse_duration(s: &str) -> Result<u64> {
    let input = s.trim();
    if input.is_empty() {
        return Err(CacheError::invalid_ttl("duration is empty"));
    }
    if input.starts_with('-') {
        return Err(CacheError::invalid_ttl(format!(
            "duration `{}` is negative",
            shorten(input)
        )));
    }
    let mut rest = input;
    let mut total: u64 = 0;
    let mut parts = 0u32;
    while !rest.is_empty() {
        let (number, after_number) = take_number(rest, input)?;
        let after_space = after_number.trim_start();
        // A unit runs to the next ASCII non-letter or whitespace; other non-ASCII
        // characters stay in it, so `5µs` reports the unknown unit `µs`. (Not
        // `char::is_alphabetic`: its Unicode table costs 2 KB of wasm.)
        let unit_len = after_space
            .find(|c: char| c.is_whitespace() || (c.is_ascii() && !c.is_ascii_alphabetic()))
            .unwrap_or(after_space.len());
        let (unit, after_unit) = after_space
            .split_at_checked(unit_len)
            .unwrap_or((after_space, ""));
        let unit_ms = match unit {
            "" if parts == 0 && after_unit.is_empty() => 1,
            "" => {
                return Err(CacheError::invalid_ttl(format!(
                    "missing unit after a number in `{}`; use ms, s, m, h, d or w",
                    shorten(input)
                )));
            }
            "ms" => 1,
            "s" => SECOND_MS,
            "m" => MINUTE_MS,
            "h" => HOUR_MS,
            "d" => DAY_MS,
            "w" => WEEK_MS,
            other => {
                return Err(CacheError::invalid_ttl(format!(
                    "unknown unit `{}` in `{}`; use ms, s, m, h, d or w",
                    shorten(other),
                    shorten(input)
                )));
            }
        };
        let part_ms = number
            .times_ceil(unit_ms)
            .ok_or_else(|| CacheError::invalid_ttl(TOO_LONG))?;
        total = total
            .checked_add(part_ms)
            .filter(|t| *t <= MAX_TTL_MS)
            .ok_or_else(|| CacheError::invalid_ttl(TOO_LONG))?;
        parts = parts.saturating_add(1);
        rest = after_unit.trim_start();
    }
    if total == 0 {
        return Err(CacheError::invalid_ttl(ZERO_TTL));
    }
    Ok(total)
}

/// A non-negative decimal `int.frac`, kept as digits so that `0.1h` is exact.
struct Decimal<'a> {
    int: &'a str,
    frac: &'a str,
}

impl Decimal<'_> {
    /// `self * unit_ms` rounded up, or None if it cannot be a valid TTL (more
    /// than MAX_TTL_MS). Plain u64 arithmetic: u128 would cost ~3 KB of wasm.
    fn times_ceil(&self, unit_ms: u64) -> Option<u64> {
        // Any integer part above MAX_TTL_MS fails, so parsing stops there.
        let int = self.int.bytes().try_fold(0u64, |acc, b| {
            acc.checked_mul(10)?
                .checked_add(u64::from(b.checked_sub(b'0')?))
                .filter(|&n| n <= MAX_TTL_MS)
        })?;
        let whole = int.checked_mul(unit_ms)?;
        whole.checked_add(frac_times_ceil(self.frac, unit_ms)?)
    }
}

/// `0.<frac> * unit` rounded up, exactly, for any number of digits: long
/// multiplication of the digits by `unit` from the last digit on. The carry
/// stays below `unit`, and what leaves the fraction is its integer part; any
/// non-zero digit left behind means the product was not whole.
fn frac_times_ceil(frac: &str, unit: u64) -> Option<u64> {
    let mut carry = 0u64;
    let mut inexact = false;
    for b in frac.bytes().rev() {
        let t = u64::from(b.checked_sub(b'0')?)
            .checked_mul(unit)?
            .checked_add(carry)?;
        inexact |= t % 10 != 0;
        carry = t / 10;
    }
    carry.checked_add(u64::from(inexact))
}

/// Splits a leading `digits[.digits]` off `s`.
fn take_number<'a>(s: &'a str, whole: &str) -> Result<(Decimal<'a>, &'a str)> {
    let int_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (int, after) = s.split_at_checked(int_len).unwrap_or((s, ""));
    if int.is_empty() {
        return Err(CacheError::invalid_ttl(format!(
            "expected a number in `{}`, like \"250ms\", \"90s\" or \"1h30m\"",
            shorten(whole)
        )));
    }
    let Some(after_dot) = after.strip_prefix('.') else {
        return Ok((Decimal { int, frac: "" }, after));
    };
    let frac_len = after_dot
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after_dot.len());
    let (frac, after) = after_dot
        .split_at_checked(frac_len)
        .unwrap_or((after_dot, ""));
    if frac.is_empty() {
        return Err(CacheError::invalid_ttl(format!(
            "expected digits after `.` in `{}`",
            shorten(whole)
        )));
    }
    Ok((Decimal { int, frac }, after))
}

/// Echoes at most 40 characters of caller input in error messages.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_ttl_is_ten_years_and_js_safe() {
        assert_eq!(MAX_TTL_MS, 315_360_000_000);
    }

    #[test]
    fn ttl_from_ms_accepts_and_rounds_up() {
        let good: &[(f64, u64)] = &[
            (1.0, 1),
            (0.001, 1),
            (1.2, 2),
            (999.9, 1000),
            (5000.0, 5000),
            (MAX_TTL_MS as f64, MAX_TTL_MS),
            (MAX_TTL_MS as f64 - 0.5, MAX_TTL_MS),
            (f64::MIN_POSITIVE, 1),
        ];
        for (input, want) in good {
            assert_eq!(ttl_from_ms(*input).unwrap(), *want, "{input}");
        }
    }

    #[test]
    fn ttl_from_ms_rejects() {
        let bad: &[(f64, &str)] = &[
            (f64::NAN, "not a number"),
            (f64::INFINITY, "infinite"),
            (f64::NEG_INFINITY, "infinite"),
            (-1.0, "negative"),
            (-0.5, "negative"),
            (0.0, "omit the TTL"),
            (-0.0, "omit the TTL"),
            (MAX_TTL_MS as f64 + 0.5, "maximum"),
            (MAX_TTL_MS as f64 + 1.0, "maximum"),
            (1e300, "maximum"),
        ];
        for (input, needle) in bad {
            let err = ttl_from_ms(*input).unwrap_err();
            assert_eq!(err.code(), "INVALID_TTL");
            assert!(err.to_string().contains(needle), "{input}: {err}");
        }
    }

    #[test]
    fn parses_good_durations() {
        let good: &[(&str, u64)] = &[
            ("250ms", 250),
            ("90s", 90_000),
            ("5m", 300_000),
            ("1h", 3_600_000),
            ("2d", 172_800_000),
            ("1w", 604_800_000),
            ("1.5h", 5_400_000),
            ("0.5s", 500),
            ("0.1h", 360_000),
            ("1.0001s", 1001), // 1000.1 ms rounds up
            ("1.5ms", 2),
            ("0.0001ms", 1),
            ("1h30m", 5_400_000),
            ("1h 30m", 5_400_000),
            ("1d2h3m4s5ms", 93_784_005),
            ("30m1h", 5_400_000), // order does not matter
            ("  90 s  ", 90_000),
            // Unicode whitespace separates parts like ASCII spaces do.
            ("1m\u{a0}30s", 90_000),
            ("10 ms", 10),
            ("1500", 1500), // bare number = ms
            ("1.5", 2),
            ("007s", 7000),
            ("0h1s", 1000),
            ("520w", 314_496_000_000),
            ("3650d", MAX_TTL_MS),
            ("1.000000000000000000000000000000000001s", 1001),
        ];
        for (input, want) in good {
            assert_eq!(parse_duration(input).unwrap(), *want, "{input:?}");
        }
    }

    #[test]
    fn rejects_bad_durations() {
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("   ", "empty"),
            ("-5s", "negative"),
            ("- 5s", "negative"),
            ("5x", "unknown unit `x`"),
            ("5 years", "unknown unit `years`"),
            ("5M", "unknown unit `M`"),
            ("5H", "unknown unit `H`"),
            ("h", "expected a number"),
            ("1h-5m", "expected a number"),
            ("+5s", "expected a number"),
            (".5s", "expected a number"),
            ("5.s", "digits after `.`"),
            ("1h30", "missing unit"),
            ("30 1h", "missing unit"),
            ("0", "omit the TTL"),
            ("0s", "omit the TTL"),
            ("0h0m", "omit the TTL"),
            ("3651d", "maximum"),
            ("99999999999999999999999999999999999999999w", "maximum"),
            ("3650d1ms", "maximum"),
            ("1e3", "unknown unit `e`"),
            ("5µs", "unknown unit `µs`"),
            ("5s!", "expected a number"),
        ];
        for (input, needle) in bad {
            let err = parse_duration(input).unwrap_err();
            assert_eq!(err.code(), "INVALID_TTL");
            assert!(err.to_string().contains(needle), "{input:?}: {err}");
        }
    }

    #[test]
    fn fraction_rounding_is_exact_at_every_length() {
        // Forty 9s of a minute leave a remainder at every length: one minute.
        assert_eq!(
            parse_duration(&format!("0.{}m", "9".repeat(40))).unwrap(),
            60_000
        );
        assert_eq!(frac_times_ceil("5", 1), Some(1));
        assert_eq!(frac_times_ceil("25", 4), Some(1));
        assert_eq!(frac_times_ceil("75", 4), Some(3));
        assert_eq!(frac_times_ceil("", WEEK_MS), Some(0));
        // Integer parts beyond the maximum fail however many leading zeros.
        assert_eq!(
            parse_duration(&format!("{}1s", "0".repeat(50))).unwrap(),
            1000
        );
        assert!(parse_duration("315360000001").is_err());
    }

    proptest::proptest! {
        #[test]
        fn fraction_matches_wide_arithmetic(
            digits in "[0-9]{0,25}",
            unit in proptest::sample::select(vec![1, SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS, WEEK_MS]),
        ) {
            let scale = 10u128.pow(digits.len() as u32);
            let product = digits.parse::<u128>().unwrap_or(0) * u128::from(unit);
            let want = product.div_ceil(scale);
            proptest::prop_assert_eq!(frac_times_ceil(&digits, unit).map(u128::from), Some(want));
        }
    }

    #[test]
    fn long_inputs_are_shortened_in_messages() {
        let input = format!("5{}", "x".repeat(500));
        let msg = parse_duration(&input).unwrap_err().to_string();
        assert!(msg.len() < 200, "{msg}");
        assert!(msg.contains('…'));
    }
}
