//! Redis-style glob patterns for pattern invalidation (`deleteMatching("user:*")`).
//!
//! Syntax, matched per Unicode scalar value (not per byte):
//!
//! | pattern   | matches                                              |
//! |-----------|------------------------------------------------------|
//! | `*`       | any run of characters, including the empty one       |
//! | `?`       | exactly one character                                |
//! | `[abc]`   | one of `a`, `b`, `c`                                 |
//! | `[a-c]`   | one character in the inclusive range (`[c-a]` is the same range, as in Redis) |
//! | `[^x]`    | one character other than `x` (`[!x]` too)            |
//! | `\x`      | the character `x` literally, also inside a class     |
//!
//! Inside a class, a `]` right after `[` (or `[^`) is literal, as in POSIX
//! globs, so `[]x]` matches `]` or `x`; `\]` is the spelling that works
//! everywhere, Redis included. A `-` first or last in a class is literal.
//!
//! Parsing rejects an unclosed `[`, a trailing lone `\` and patterns longer than
//! [`MAX_PATTERN_BYTES`]. Patterns may come from request data, so matching is
//! linear in the text for every pattern: at most 17 word steps per character
//! (see `automaton`), never pattern × text.

mod automaton;

use crate::error::{CacheError, Result};
use automaton::Automaton;

/// Longest accepted pattern, in UTF-8 bytes. Patterns come from callers (and,
/// through the bindings, from untrusted request data), so they are bounded.
pub const MAX_PATTERN_BYTES: usize = 1024;

/// A parsed glob pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
    /// The characters before the first wildcard, with escapes resolved.
    prefix: String,
    automaton: Automaton,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    AnyRun,
    Class {
        negated: bool,
        items: Vec<ClassItem>,
    },
}

/// One member of a `[...]` class; a single char is stored as a one-char range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClassItem {
    low: char,
    high: char,
}

impl Token {
    fn matches(&self, c: char) -> bool {
        match self {
            Token::Literal(l) => *l == c,
            Token::AnyChar | Token::AnyRun => true,
            Token::Class { negated, items } => {
                let hit = items.iter().any(|it| it.low <= c && c <= it.high);
                hit != *negated
            }
        }
    }
}

impl Pattern {
    /// Parses a glob; see the module docs for the syntax.
    pub fn parse(pattern: &str) -> Result<Pattern> {
        if pattern.len() > MAX_PATTERN_BYTES {
            return Err(CacheError::InvalidPattern {
                reason: "pattern is longer than 1024 bytes",
            });
        }
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            let token = match c {
                '*' => {
                    // Consecutive stars mean the same as one; keeping one keeps matching linear per star.
                    if tokens.last() == Some(&Token::AnyRun) {
                        continue;
                    }
                    Token::AnyRun
                }
                '?' => Token::AnyChar,
                '\\' => Token::Literal(chars.next().ok_or(CacheError::InvalidPattern {
                    reason: "pattern ends with a lone `\\`",
                })?),
                '[' => parse_class(&mut chars)?,
                other => Token::Literal(other),
            };
            tokens.push(token);
        }
        let prefix = tokens
            .iter()
            .map_while(|t| match t {
                Token::Literal(c) => Some(*c),
                _ => None,
            })
            .collect();
        let automaton = Automaton::new(&tokens);
        Ok(Pattern {
            tokens,
            prefix,
            automaton,
        })
    }

    /// Whether `text` matches the whole pattern (anchored at both ends).
    pub fn matches(&self, text: &str) -> bool {
        self.matches_counting(text).0
    }

    /// [`matches`](Self::matches), plus the work it took in word steps: at
    /// most `17 × (characters + 1) × 2`, whatever the pattern. Tests and the
    /// fuzzer bound it per byte of text.
    pub fn matches_counting(&self, text: &str) -> (bool, u64) {
        // Every match starts with the literal prefix: most keys are refused here.
        if !text.starts_with(self.prefix.as_str()) {
            return (false, self.prefix.len() as u64);
        }
        self.automaton.run(text)
    }

    /// The longest literal prefix (escapes resolved): every matching text starts
    /// with it, so a backend scan can be narrowed to it.
    pub fn literal_prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether the pattern has no wildcard at all (it matches exactly one text,
    /// [`literal_prefix`](Self::literal_prefix)), so a lookup can replace a scan.
    pub fn is_literal(&self) -> bool {
        self.tokens.iter().all(|t| matches!(t, Token::Literal(_)))
    }
}

/// Parses the rest of a class after its `[`.
fn parse_class(chars: &mut core::iter::Peekable<core::str::Chars<'_>>) -> Result<Token> {
    const UNCLOSED: CacheError = CacheError::InvalidPattern {
        reason: "unclosed `[` in pattern",
    };
    let negated = matches!(chars.peek(), Some('^' | '!'));
    if negated {
        chars.next();
    }
    let mut items: Vec<ClassItem> = Vec::new();
    let mut first = true;
    loop {
        let c = chars.next().ok_or(UNCLOSED)?;
        let low = match c {
            ']' if !first => break,
            '\\' => chars.next().ok_or(UNCLOSED)?,
            other => other,
        };
        first = false;
        // `a-z` is a range unless the `-` is the last thing before `]`.
        let mut lookahead = chars.clone();
        let is_range =
            lookahead.next() == Some('-') && !matches!(lookahead.next(), Some(']') | None);
        if is_range {
            chars.next(); // the '-'
            let high = match chars.next().ok_or(UNCLOSED)? {
                '\\' => chars.next().ok_or(UNCLOSED)?,
                other => other,
            };
            let (low, high) = if low <= high {
                (low, high)
            } else {
                (high, low)
            };
            items.push(ClassItem { low, high });
        } else {
            items.push(ClassItem { low, high: low });
        }
    }
    Ok(Token::Class { negated, items })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(pattern: &str, text: &str) -> bool {
        Pattern::parse(pattern).unwrap().matches(text)
    }

    #[test]
    fn table_of_cases() {
        let cases: &[(&str, &str, bool)] = &[
            ("", "", true),
            ("", "a", false),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("*", "", true),
            ("*", "anything:at all", true),
            ("user:*", "user:42", true),
            ("user:*", "user:", true),
            ("user:*", "users:42", false),
            ("*:42", "user:42", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("a**b", "ab", true),
            ("?", "", false),
            ("?", "x", true),
            ("??", "x", false),
            ("h?llo", "hello", true),
            ("h[ae]llo", "hallo", true),
            ("h[ae]llo", "hillo", false),
            ("h[^e]llo", "hallo", true),
            ("h[^e]llo", "hello", false),
            ("h[!e]llo", "hello", false),
            ("h[a-b]llo", "hbllo", true),
            ("h[a-b]llo", "hcllo", false),
            ("[c-a]", "b", true), // reversed range, as in Redis
            ("[-a]", "-", true),
            ("[a-]", "-", true),
            ("[a-]", "b", false),
            ("[]]", "]", true),
            ("[]a]", "a", true),
            ("[^]]", "]", false),
            ("[^]]", "x", true),
            ("[\\]]", "]", true),
            ("[a\\-z]", "-", true),
            ("[a\\-z]", "b", false),
            ("[\\^]", "^", true),
            ("[*?]", "*", true),
            ("[*?]", "x", false),
            ("\\*", "*", true),
            ("\\*", "x", false),
            ("\\?", "?", true),
            ("\\[x", "[x", true),
            ("\\\\", "\\", true),
            ("a\\*b*", "a*bcd", true),
            ("a\\*b*", "aXbcd", false),
            // Unicode: one `?` is one character, not one byte.
            ("caf?", "café", true),
            ("?", "é", true),
            ("??", "é", false),
            ("[é-ë]", "ê", true),
            ("*🎉", "party 🎉", true),
            ("日本*", "日本語", true),
            ("[^日]本", "日本", false),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(m(pattern, text), *want, "pattern {pattern:?} on {text:?}");
        }
    }

    #[test]
    fn rejects_malformed_patterns() {
        for bad in ["[", "[abc", "a[", "[^", "[]", "[a-", "[a\\", "\\", "abc\\"] {
            let err = Pattern::parse(bad).unwrap_err();
            assert_eq!(err.code(), "INVALID_PATTERN", "{bad:?}");
        }
        assert!(Pattern::parse(&"a".repeat(MAX_PATTERN_BYTES)).is_ok());
        assert!(Pattern::parse(&"a".repeat(MAX_PATTERN_BYTES + 1)).is_err());
    }

    #[test]
    fn literal_prefix_and_is_literal() {
        let p = Pattern::parse("user\\*:1*:x").unwrap();
        assert_eq!(p.literal_prefix(), "user*:1");
        assert!(!p.is_literal());
        let p = Pattern::parse("a\\?b").unwrap();
        assert_eq!(p.literal_prefix(), "a?b");
        assert!(p.is_literal());
        assert!(p.matches("a?b"));
        let p = Pattern::parse("[ab]c").unwrap();
        assert_eq!(p.literal_prefix(), "");
        assert!(!p.is_literal());
        assert!(Pattern::parse("").unwrap().is_literal());
    }

    #[test]
    fn many_stars_do_not_backtrack_exponentially() {
        // Exponential matchers never finish this; the single-backtrack one does ~n*m steps.
        let pattern = format!("{}b", "a*".repeat(200));
        let text = "a".repeat(900);
        assert!(!m(&pattern, &text));
        assert!(m(&pattern, &format!("{text}b")));
    }

    /// Word steps per text byte allowed for any pattern: two passes of at
    /// most 17 words (1024 tokens + 1 states) per character.
    const STEPS_PER_BYTE: u64 = 2 * 17;

    #[test]
    fn adversarial_patterns_cost_linear_work() {
        let long_a = "a".repeat(1020);
        let cases: Vec<(String, String)> = vec![
            // Issue #11: 510 steps per byte with a single backtrack point.
            (format!("*{}b*", "a".repeat(510)), long_a.clone()),
            (format!("*{}b", "a".repeat(1000)), long_a.clone()),
            (format!("{}b", "*a".repeat(500)), long_a.clone()),
            (format!("*{}b*", "?".repeat(1000)), long_a.clone()),
            (format!("*{}b*", "[^b]".repeat(250)), long_a.clone()),
            (format!("*{}b*", "[a-z]".repeat(200)), long_a.clone()),
            (format!("*{}ß*", "é".repeat(500)), "é".repeat(510)),
            (format!("*{}b*", r"\a".repeat(500)), long_a.clone()),
        ];
        for (pattern, text) in cases {
            let parsed = Pattern::parse(&pattern).unwrap();
            let (matched, steps) = parsed.matches_counting(&text);
            assert!(!matched, "{pattern:?}");
            let bound = STEPS_PER_BYTE * (text.len() as u64 + 1);
            assert!(steps <= bound, "{pattern:?}: {steps} steps > {bound}");
        }
        // Still right when the text does match, after the long near-misses.
        let p = Pattern::parse(&format!("*{}b*", "a".repeat(510))).unwrap();
        let (matched, steps) = p.matches_counting(&format!("{long_a}b{long_a}"));
        assert!(matched);
        assert!(steps <= STEPS_PER_BYTE * 2042);
    }

    #[test]
    fn long_texts_agree_with_the_backtracking_reference() {
        // Texts far longer than the property test's, built to make stars work.
        let cases = [
            (
                "*ab*ab*abc",
                "abababababababababababababababababababc",
                true,
            ),
            (
                "*ab*ab*abc",
                "abababababababababababababababababababab",
                false,
            ),
            ("a*?b*[cd]", "aXXXXXXXXXXXXXXXXXXXXXXbbbbbbbbbbbbbbbd", true),
            ("*[^x]y", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy", false),
            ("*é?é*", "ééééééééééééééééééééééééééééxéééé", true),
        ];
        for (pattern, text, want) in cases {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            assert_eq!(reference(&p, &t), want, "reference {pattern:?}");
            assert_eq!(m(pattern, text), want, "{pattern:?} on {text:?}");
        }
    }

    /// Independent recursive matcher over the raw pattern, for the generated subset.
    fn reference(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| reference(rest, &t[i..])),
            Some(('?', rest)) => !t.is_empty() && reference(rest, &t[1..]),
            Some(('\\', rest)) => {
                !t.is_empty()
                    && !rest.is_empty()
                    && rest[0] == t[0]
                    && reference(&rest[1..], &t[1..])
            }
            Some(('[', rest)) => {
                let close = rest.iter().position(|&c| c == ']').unwrap();
                let (mut class, after) = (&rest[..close], &rest[close + 1..]);
                let negated = class.first() == Some(&'^');
                if negated {
                    class = &class[1..];
                }
                let Some(&c) = t.first() else { return false };
                let hit = if class.len() == 3 && class[1] == '-' {
                    class[0] <= c && c <= class[2]
                } else {
                    class.contains(&c)
                };
                hit != negated && reference(after, &t[1..])
            }
            Some((&l, rest)) => t.first() == Some(&l) && reference(rest, &t[1..]),
        }
    }

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a", "b", "*", "?", "[ab]", "[^a]", "[a-b]", "[b-c]", "\\*", "\\?", "é",
        ])
    }

    proptest! {
        #[test]
        fn agrees_with_reference(
            pieces in prop::collection::vec(piece(), 0..7),
            text in prop::collection::vec(prop::sample::select(vec!['a', 'b', 'c', '*', '?', 'é']), 0..9),
        ) {
            let pattern: String = pieces.concat();
            let text: String = text.into_iter().collect();
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            prop_assert_eq!(m(&pattern, &text), reference(&p, &t), "pattern {:?} text {:?}", pattern, text);
        }

        #[test]
        fn literal_prefix_is_a_prefix_of_every_match(
            pieces in prop::collection::vec(piece(), 0..6),
            text in "[ab*?é]{0,8}",
        ) {
            let pattern = Pattern::parse(&pieces.concat()).unwrap();
            if pattern.matches(&text) {
                prop_assert!(text.starts_with(pattern.literal_prefix()));
            }
        }
    }
}
