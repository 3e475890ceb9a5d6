//! The glob's matcher: a bit-parallel simulation of its automaton.
//!
//! State `i` means "the first `i` tokens are matched". A `*` at token `i`
//! lets state `i` stay on any character and reaches state `i + 1` for free;
//! any other token moves state `i` to `i + 1` when it accepts the character.
//! All states advance at once as words of bits (Shift-And), so one character
//! costs `ceil((tokens + 1) / 64)` word steps whatever the pattern: matching
//! is linear in the text, at most 17 word steps per character for the longest
//! pattern. The backtracking matcher this replaced needed pattern × text steps
//! (`*aaaa…ab*` over a long run of `a`), which let a caller-supplied pattern
//! block the event loop.
//!
//! Which tokens accept a character is precomputed: a table for ASCII, and for
//! other characters one mask per interval between the pattern's own
//! boundaries (literals and class ends), found by binary search.

use super::Token;

const BITS: usize = 64;
/// First code point after the ASCII table.
const NON_ASCII: u32 = 0x80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Automaton {
    /// Words per state set.
    words: usize,
    /// The accepting state: every token matched.
    accept: usize,
    /// States that stay on any character (the token there is `*`).
    stars: Vec<u64>,
    /// `128 * words`: for each ASCII character, the states `i + 1` whose token `i` accepts it.
    ascii: Vec<u64>,
    /// Sorted starts of the intervals of non-ASCII code points that share a mask.
    breaks: Vec<u32>,
    /// `breaks.len() * words`, one mask per interval.
    masks: Vec<u64>,
}

impl Automaton {
    pub(super) fn new(tokens: &[Token]) -> Automaton {
        let accept = tokens.len();
        let words = accept / BITS + 1;
        let mut stars = vec![0u64; words];
        for (i, token) in tokens.iter().enumerate() {
            if *token == Token::AnyRun {
                set_bit(&mut stars, i);
            }
        }
        let mut ascii = vec![0u64; 128 * words];
        for (code, mask) in ascii.chunks_exact_mut(words).enumerate() {
            if let Some(c) = u32::try_from(code).ok().and_then(char::from_u32) {
                fill_mask(tokens, c, mask);
            }
        }
        let breaks = non_ascii_breaks(tokens);
        let mut masks = vec![0u64; breaks.len() * words];
        for (start, mask) in breaks.iter().zip(masks.chunks_exact_mut(words)) {
            // A start inside the surrogate gap has no characters; its mask stays empty.
            if let Some(c) = char::from_u32(*start) {
                fill_mask(tokens, c, mask);
            }
        }
        Automaton {
            words,
            accept,
            stars,
            ascii,
            breaks,
            masks,
        }
    }

    /// Whether `text` drives the automaton to its accepting state, and the
    /// number of word steps that took (the work, for tests and the fuzzer).
    pub(super) fn run(&self, text: &str) -> (bool, u64) {
        let words = self.words;
        let mut states = vec![0u64; words];
        set_bit(&mut states, 0);
        self.follow_stars(&mut states);
        let mut steps = words as u64;
        let mut next = vec![0u64; words];
        for c in text.chars() {
            let accepts = self.accepting(c);
            let mut carry = 0u64;
            let mut alive = 0u64;
            for (k, out) in next.iter_mut().enumerate() {
                let now = states.get(k).copied().unwrap_or(0);
                let shifted = (now << 1) | carry;
                carry = now >> (BITS - 1);
                let accept = accepts.get(k).copied().unwrap_or(0);
                let stay = now & self.stars.get(k).copied().unwrap_or(0);
                *out = (shifted & accept) | stay;
                alive |= *out;
            }
            steps = steps.saturating_add(words as u64);
            if alive == 0 {
                return (false, steps);
            }
            core::mem::swap(&mut states, &mut next);
            self.follow_stars(&mut states);
            steps = steps.saturating_add(words as u64);
        }
        (bit(&states, self.accept), steps)
    }

    /// Adds state `i + 1` for every live state `i` on a `*`. Runs of stars were
    /// merged at parse time, so one pass reaches everything reachable.
    fn follow_stars(&self, states: &mut [u64]) {
        let mut carry = 0u64;
        for (k, word) in states.iter_mut().enumerate() {
            let on_star = *word & self.stars.get(k).copied().unwrap_or(0);
            *word |= (on_star << 1) | carry;
            carry = on_star >> (BITS - 1);
        }
    }

    fn accepting(&self, c: char) -> &[u64] {
        let code = u32::from(c);
        let (table, row) = if code < NON_ASCII {
            (&self.ascii, code as usize)
        } else {
            // breaks[0] == NON_ASCII, so the interval holding `code` exists.
            let at = self.breaks.partition_point(|start| *start <= code);
            (&self.masks, at.saturating_sub(1))
        };
        let from = row.saturating_mul(self.words);
        table
            .get(from..from.saturating_add(self.words))
            .unwrap_or(&[])
    }
}

/// Sets bit `i + 1` of `mask` for each non-star token `i` that accepts `c`.
fn fill_mask(tokens: &[Token], c: char, mask: &mut [u64]) {
    for (i, token) in tokens.iter().enumerate() {
        if *token != Token::AnyRun && token.matches(c) {
            set_bit(mask, i.saturating_add(1));
        }
    }
}

/// Every non-ASCII code point where some token's answer can change, sorted;
/// the surrogate gap is its own interval so no character is looked up in it.
fn non_ascii_breaks(tokens: &[Token]) -> Vec<u32> {
    let mut breaks = vec![NON_ASCII, 0xD800, 0xE000];
    // Kept sorted by inserting in place: at most ~1 000 breaks, and no sort
    // routine in the wasm.
    let mut add = |low: char, high: char| {
        for b in [u32::from(low), u32::from(high).saturating_add(1)] {
            let at = breaks.partition_point(|x| *x < b);
            if b > NON_ASCII && b <= u32::from(char::MAX) && breaks.get(at) != Some(&b) {
                breaks.insert(at, b);
            }
        }
    };
    for token in tokens {
        match token {
            Token::Literal(c) => add(*c, *c),
            Token::Class { items, .. } => items.iter().for_each(|it| add(it.low, it.high)),
            Token::AnyChar | Token::AnyRun => {}
        }
    }
    breaks
}

fn set_bit(words: &mut [u64], i: usize) {
    if let Some(w) = words.get_mut(i / BITS) {
        *w |= 1u64 << (i % BITS);
    }
}

fn bit(words: &[u64], i: usize) -> bool {
    words
        .get(i / BITS)
        .is_some_and(|w| w & (1u64 << (i % BITS)) != 0)
}
