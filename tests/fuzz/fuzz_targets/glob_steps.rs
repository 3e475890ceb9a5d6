//! Glob timing: for any pattern, matching costs a bounded number of word
//! steps per byte of text (`Pattern::matches_counting`), on texts long enough
//! (about 1 KiB, a key at the usual limit) for a quadratic matcher to show.
//! Input: pattern, a 0x00 byte, then a seed repeated to make the text.
#![no_main]

use edgecache::pattern::Pattern;
use libfuzzer_sys::fuzz_target;

/// Two passes over at most 17 words of states per character (src/pattern/automaton.rs).
const STEPS_PER_BYTE: u64 = 2 * 17;
/// About one key at a 1,024-byte key limit.
const TEXT_BYTES: usize = 1020;

fuzz_target!(|data: &[u8]| {
    let (pattern, seed) = match data.iter().position(|b| *b == 0) {
        Some(at) => (
            data.get(..at).unwrap_or_default(),
            data.get(at + 1..).unwrap_or_default(),
        ),
        None => (data, &b"a"[..]),
    };
    let Ok(pattern) = Pattern::parse(&String::from_utf8_lossy(pattern)) else {
        return;
    };
    let seed = String::from_utf8_lossy(seed);
    let seed = if seed.is_empty() { "a".into() } else { seed };
    let mut text = String::with_capacity(TEXT_BYTES + 8);
    while text.len() < TEXT_BYTES {
        text.push_str(&seed);
    }
    // Also the text the pattern's literal prefix lets through, so the automaton runs.
    for text in [text.clone(), format!("{}{text}", pattern.literal_prefix())] {
        let (_, steps) = pattern.matches_counting(&text);
        let bound = STEPS_PER_BYTE.saturating_mul(text.len() as u64 + 1);
        assert!(
            steps <= bound,
            "{steps} word steps for {} bytes of text (bound {bound})",
            text.len()
        );
    }
});
