//! Glob patterns: parsing and matching never panic; for short inputs the
//! matcher agrees with a naive reference that backtracks over every split;
//! matching is linear-ish (libFuzzer's -timeout catches an exponential blowup
//! on the long inputs this target also receives).
//! Input: pattern and text separated by the first 0x00 byte (lossy UTF-8).
#![no_main]

use edgecache::pattern::Pattern;
use libfuzzer_sys::fuzz_target;

/// Short enough for the exponential reference to stay instant.
const REFERENCE_MAX_CHARS: usize = 12;

fuzz_target!(|data: &[u8]| {
    let (pattern, text) = match data.iter().position(|b| *b == 0) {
        Some(at) => (
            data.get(..at).unwrap_or_default(),
            data.get(at + 1..).unwrap_or_default(),
        ),
        None => (data, &[][..]),
    };
    let pattern = String::from_utf8_lossy(pattern);
    let text = String::from_utf8_lossy(text);
    let parsed = Pattern::parse(&pattern);

    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let short = p.len() <= REFERENCE_MAX_CHARS && t.len() <= REFERENCE_MAX_CHARS;
    if short && pattern.len() <= edgecache::pattern::MAX_PATTERN_BYTES {
        assert_eq!(
            parsed.is_ok(),
            reference_is_valid(&p),
            "validity of {pattern:?}"
        );
    }
    let Ok(parsed) = parsed else {
        return;
    };
    let matched = parsed.matches(&text);
    if short {
        assert_eq!(
            matched,
            reference_match(&p, &t),
            "{pattern:?} against {text:?}"
        );
    }
    // Every match starts with the literal prefix; a literal pattern matches only itself.
    if matched {
        assert!(text.starts_with(parsed.literal_prefix()));
        if parsed.is_literal() {
            assert_eq!(text, parsed.literal_prefix());
        }
    }
    if parsed.is_literal() {
        assert!(parsed.matches(parsed.literal_prefix()));
    }
});

/// A pattern is invalid when it ends in a lone `\` or has an unclosed `[`.
fn reference_is_valid(p: &[char]) -> bool {
    let mut i = 0;
    while let Some(c) = p.get(i) {
        i = match c {
            '\\' if i + 1 >= p.len() => return false,
            '\\' => i + 2,
            '[' => match class(p, i) {
                Some((_, next)) => next,
                None => return false,
            },
            _ => i + 1,
        };
    }
    true
}

/// Whether a class contains a character.
type ClassMatcher = Box<dyn Fn(char) -> bool>;

/// The class starting at `p[at] == '['`: (does it contain `c`?, index after `]`).
/// Written from the syntax in src/pattern.rs's docs, not from its parser.
fn class(p: &[char], at: usize) -> Option<(ClassMatcher, usize)> {
    let mut i = at + 1;
    let negated = matches!(p.get(i), Some('^' | '!'));
    if negated {
        i += 1;
    }
    let mut ranges: Vec<(char, char)> = Vec::new();
    let mut first = true;
    loop {
        let mut low = *p.get(i)?;
        if low == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        if low == '\\' {
            i += 1;
            low = *p.get(i)?;
        }
        i += 1;
        // `x-y` is a range unless the `-` is the last thing before `]` (or the end).
        if p.get(i) == Some(&'-') && !matches!(p.get(i + 1), Some(']') | None) {
            i += 1;
            let mut high = *p.get(i)?;
            if high == '\\' {
                i += 1;
                high = *p.get(i)?;
            }
            i += 1;
            ranges.push((low.min(high), low.max(high)));
        } else {
            ranges.push((low, low));
        }
    }
    Some((
        Box::new(move |c| ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi) != negated),
        i,
    ))
}

/// Exhaustive backtracking: `*` tries every split of the text.
fn reference_match(p: &[char], t: &[char]) -> bool {
    let Some(first) = p.first() else {
        return t.is_empty();
    };
    match first {
        '*' => (0..=t.len()).any(|skip| reference_match(&p[1..], &t[skip..])),
        '?' => !t.is_empty() && reference_match(&p[1..], &t[1..]),
        '\\' => t.first() == p.get(1) && reference_match(&p[2..], &t[1..]),
        '[' => {
            let Some((contains, next)) = class(p, 0) else {
                return false;
            };
            t.first().is_some_and(|c| contains(*c)) && reference_match(&p[next..], &t[1..])
        }
        c => t.first() == Some(c) && reference_match(&p[1..], &t[1..]),
    }
}
