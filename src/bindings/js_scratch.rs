//! The fast lane of `WasmCache`: keys and values cross through two scratch
//! areas in wasm memory that JS reads and writes in place, instead of
//! wasm-bindgen allocating, copying and freeing once per argument and result
//! (about 1 µs of a 1.2 µs `get`). js/wasm-scratch.js is the other half.
//!
//! Protocol:
//! - input: `inputArea(bytes)` makes room and returns its address; JS writes a
//!   UTF-8 key there (for `setFrom`, the value right after it; for
//!   `getManyInto`, one u32 LE length per key, then the keys back to back) and
//!   passes the byte counts. The area moves only when JS asks for more room.
//! - output: `getInto`/`getManyInto` write their answer at the start of the
//!   output area and return its length. The area moves only when an answer
//!   needs more room than it has, so JS asks `outputArea()` for the address
//!   again whenever an answer is longer than the room it last saw.
//! - JS reads an answer before its next call into wasm. A removal listener
//!   runs after the core call and may call back in; the answer is saved
//!   around it and written back last.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

use crate::bindings::js::WasmCache;
use crate::bindings::js_args::as_strs;
use crate::bindings::js_error::{JsResult, js};
use crate::error::{CacheError, Result};
use crate::memory::{MAX_BATCH, Ns};

/// A miss in the packed `getManyInto` answer.
const MISSING: u32 = u32::MAX;
/// Beyond this an output area goes back to nothing when JS says it is done
/// with a large answer (`releaseOutput`): wasm memory never shrinks, but the
/// allocator can reuse what is freed.
const KEEP_OUTPUT_BYTES: usize = 1 << 20;

/// The two areas of one cache, and the time JS passed with the call.
#[derive(Default)]
pub(crate) struct Scratch {
    input: RefCell<Vec<u8>>,
    output: RefCell<Vec<u8>>,
    /// `Date.now()` read by JS for this call: cheaper than the core calling
    /// out to JS for it (~5% of a get). Taken by the clock tick.
    now: Cell<Option<f64>>,
}

impl Scratch {
    /// The time JS passed with the current call, if any (read once).
    pub(crate) fn take_now(&self) -> Option<f64> {
        self.now.take()
    }
}

#[wasm_bindgen]
impl WasmCache {
    /// The wasm memory, for JS views over the scratch areas.
    #[wasm_bindgen(js_name = wasmMemory)]
    pub fn wasm_memory(&self) -> JsValue {
        wasm_bindgen::memory()
    }

    /// Makes the input area at least `bytes` long; returns its address.
    #[wasm_bindgen(js_name = inputArea)]
    pub fn input_area(&self, bytes: u32) -> JsResult<u32> {
        let mut input = self.scratch.input.try_borrow_mut().map_err(|_| busy())?;
        let bytes = usize::try_from(bytes).map_err(|_| js_err(too_large()))?;
        if input.len() < bytes {
            input.resize(bytes, 0);
        }
        Ok(address(&input))
    }

    /// The address of the output area (after an answer longer than JS knew).
    #[wasm_bindgen(js_name = outputArea)]
    pub fn output_area(&self) -> JsResult<u32> {
        let output = self.scratch.output.try_borrow().map_err(|_| busy())?;
        Ok(address(&output))
    }

    /// Frees a large output area after JS has read a large answer.
    #[wasm_bindgen(js_name = releaseOutput)]
    pub fn release_output(&self) {
        if let Ok(mut output) = self.scratch.output.try_borrow_mut()
            && output.len() > KEEP_OUTPUT_BYTES
        {
            *output = Vec::new();
        }
    }

    /// `get` of the key in the input area at `now` (`Date.now()`, epoch ms;
    /// a `now` option wins): the value's length (the value is in the output
    /// area), or -1 for a miss.
    #[wasm_bindgen(js_name = getInto)]
    pub fn get_into(&self, ns: u32, key_len: u32, now: f64) -> JsResult<f64> {
        self.scratch.now.set(Some(now));
        self.read_into(ns, key_len, false)
    }

    /// `peek` through the scratch areas, like `getInto`.
    #[wasm_bindgen(js_name = peekInto)]
    pub fn peek_into(&self, ns: u32, key_len: u32, now: f64) -> JsResult<f64> {
        self.scratch.now.set(Some(now));
        self.read_into(ns, key_len, true)
    }

    /// `set` of the key in the input area to the `value_len` bytes after it.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = setFrom)]
    pub fn set_from(
        &self,
        ns: u32,
        key_len: u32,
        value_len: u32,
        ttl: JsValue,
        idle: JsValue,
        tags: Option<Vec<String>>,
        stale: JsValue,
        now: f64,
    ) -> JsResult<()> {
        let tags = tags.unwrap_or_default();
        let tags = as_strs(&tags);
        let opts = js(crate::bindings::js::write_options(
            &ttl, &idle, &tags, &stale,
        ))?;
        let total = len(key_len)
            .checked_add(len(value_len))
            .ok_or_else(|| js_err(too_large()))?;
        // From here every path ends in `finish`, which drops an unused time.
        self.scratch.now.set(Some(now));
        let result = self.with_input(total, |input| {
            let (key, value) = js(input.split_at_checked(len(key_len)).ok_or_else(short))?;
            let key = js(utf8_key(key))?;
            self.run(|t| t.set(Ns(ns), key, value, &opts))
        });
        self.finish(result)
    }

    /// `getMany` of the `count` keys in the input area (`bytes` in all,
    /// lengths first). The answer in the output area: one u32 LE length per
    /// key (`0xFFFFFFFF` for a miss), then the values back to back; returns
    /// its length. Every key is checked before any is read.
    #[wasm_bindgen(js_name = getManyInto)]
    pub fn get_many_into(&self, ns: u32, count: u32, bytes: u32, now: f64) -> JsResult<f64> {
        self.scratch.now.set(Some(now));
        let result = self.with_input(len(bytes), |input| {
            let keys = js(unpack_keys(input, len(count)))?;
            self.run(|t| {
                if keys.len() > MAX_BATCH {
                    return Err(CacheError::LimitExceeded {
                        what: "items in one batch",
                        limit: MAX_BATCH as u64,
                    });
                }
                let max = t.config().max_key_bytes;
                keys.iter()
                    .try_for_each(|k| crate::key::validate_key(k, max))?;
                let mut out = self
                    .scratch
                    .output
                    .try_borrow_mut()
                    .map_err(|_| reentrant())?;
                let mut at = keys.len().saturating_mul(4);
                for (i, key) in keys.iter().enumerate() {
                    let length = match t.get(Ns(ns), key)? {
                        Some(v) => {
                            let n = u32::try_from(v.len())
                                .ok()
                                .filter(|&n| n != MISSING)
                                .ok_or_else(too_large)?;
                            at = put(&mut out, at, &v).saturating_add(at);
                            n
                        }
                        None => MISSING,
                    };
                    put(&mut out, i.saturating_mul(4), &length.to_le_bytes());
                }
                Ok(at)
            })
        });
        self.finish_output(result.map(Some))
    }
}

impl WasmCache {
    /// A `get` (or a `peek`) whose answer goes to the output area: one body
    /// for both exports.
    fn read_into(&self, ns: u32, key_len: u32, peek: bool) -> JsResult<f64> {
        let result = self.with_input(len(key_len), |input| {
            let key = js(utf8_key(input))?;
            self.run(|t| {
                let mut out = self
                    .scratch
                    .output
                    .try_borrow_mut()
                    .map_err(|_| reentrant())?;
                let value = if peek {
                    t.peek(Ns(ns), key)?
                } else {
                    t.get(Ns(ns), key)?
                };
                Ok(value.map(|v| put(&mut out, 0, &v)))
            })
        });
        self.finish_output(result)
    }

    /// Runs `f` over the first `bytes` of the input area. A `now` option is
    /// user JS that runs before the core call and could call back in and
    /// overwrite the area, so with one the bytes are copied first.
    fn with_input<T>(&self, bytes: usize, f: impl FnOnce(&[u8]) -> JsResult<T>) -> JsResult<T> {
        let input = self.scratch.input.try_borrow().map_err(|_| busy())?;
        let region = js(input.get(..bytes).ok_or_else(short))?;
        if self.has_host_clock() {
            let copy = region.to_vec();
            drop(input);
            return f(&copy);
        }
        f(region)
    }

    /// Delivers removals around an answer in the output area: a listener may
    /// call back in and overwrite it, so it is saved and written back last.
    fn finish_output(&self, result: JsResult<Option<usize>>) -> JsResult<f64> {
        let n = match result {
            Ok(Some(n)) => n,
            Ok(None) => return self.finish(Ok(-1.0)),
            Err(err) => return self.finish(Err(err)),
        };
        if self.removals_pending() {
            let saved = self
                .scratch
                .output
                .try_borrow()
                .ok()
                .and_then(|o| o.get(..n).map(<[u8]>::to_vec))
                .unwrap_or_default();
            self.finish(Ok(()))?;
            let mut out = self.scratch.output.try_borrow_mut().map_err(|_| busy())?;
            put(&mut out, 0, &saved);
        }
        // Answers are far below 2^53 bytes: the conversion is exact.
        Ok(n as f64)
    }
}

/// Writes `bytes` at `at`, growing the area (at least doubling) if needed;
/// returns how many bytes were written.
fn put(out: &mut Vec<u8>, at: usize, bytes: &[u8]) -> usize {
    let end = at.saturating_add(bytes.len());
    if out.len() < end {
        out.resize(end.max(out.len().saturating_mul(2)).max(4096), 0);
    }
    if let Some(slot) = out.get_mut(at..end) {
        slot.copy_from_slice(bytes);
    }
    bytes.len()
}

/// The keys of a `getManyInto` input: `count` u32 LE lengths, then the keys.
fn unpack_keys(input: &[u8], count: usize) -> Result<Vec<&str>> {
    let (lengths, mut rest) = input
        .split_at_checked(count.saturating_mul(4))
        .ok_or_else(short)?;
    let mut keys = Vec::with_capacity(count);
    for chunk in lengths.chunks_exact(4) {
        let mut word = [0u8; 4];
        word.copy_from_slice(chunk);
        let n = len(u32::from_le_bytes(word));
        let (key, tail) = rest.split_at_checked(n).ok_or_else(short)?;
        keys.push(utf8_key(key)?);
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(short());
    }
    Ok(keys)
}

/// A key's bytes as text; JS writes well-formed UTF-8, anything else is refused.
fn utf8_key(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|_| CacheError::InvalidKey {
        reason: "key is not valid UTF-8",
    })
}

/// The address of an area in wasm memory (32-bit there).
fn address(area: &[u8]) -> u32 {
    area.as_ptr() as usize as u32
}

fn len(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn short() -> CacheError {
    CacheError::InvalidOption {
        name: "scratch",
        reason: "lengths exceed the bytes written to the input area".to_string(),
    }
}

fn too_large() -> CacheError {
    CacheError::LimitExceeded {
        what: "bytes in one answer",
        limit: u64::from(MISSING - 1),
    }
}

fn reentrant() -> CacheError {
    CacheError::LimitExceeded {
        what: "re-entrant calls into one cache",
        limit: 1,
    }
}

fn js_err(err: CacheError) -> JsValue {
    crate::bindings::js_error::to_js(&err)
}

fn busy() -> JsValue {
    js_err(reentrant())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(keys: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for k in keys {
            out.extend_from_slice(&(k.len() as u32).to_le_bytes());
        }
        for k in keys {
            out.extend_from_slice(k);
        }
        out
    }

    #[test]
    fn unpacks_keys_after_their_lengths() {
        let input = packed(&[b"a", "ключ".as_bytes(), b"a"]);
        assert_eq!(unpack_keys(&input, 3).unwrap(), ["a", "ключ", "a"]);
        assert!(unpack_keys(&[], 0).unwrap().is_empty());
    }

    #[test]
    fn refuses_bad_key_input() {
        let input = packed(&[b"ab", b"c"]);
        // Too few lengths (trailing bytes), too many (short input), cut keys.
        assert_eq!(unpack_keys(&input, 1).unwrap_err().code(), "INVALID_OPTION");
        assert_eq!(unpack_keys(&input, 3).unwrap_err().code(), "INVALID_OPTION");
        assert_eq!(
            unpack_keys(input.get(..10).unwrap(), 2).unwrap_err().code(),
            "INVALID_OPTION"
        );
        let bad = packed(&[b"ok", &[0xC3, 0x28]]);
        assert_eq!(unpack_keys(&bad, 2).unwrap_err().code(), "INVALID_KEY");
        assert_eq!(utf8_key(&[0xFF]).unwrap_err().code(), "INVALID_KEY");
    }

    #[test]
    fn put_grows_the_area_and_keeps_what_was_written() {
        let mut out = Vec::new();
        assert_eq!(put(&mut out, 4, b"xy"), 2);
        assert!(out.len() >= 4096);
        put(&mut out, 0, b"ab");
        assert_eq!(out.get(..6).unwrap(), b"ab\0\0xy");
        let big = vec![7u8; 10_000];
        put(&mut out, 2, &big);
        assert_eq!(out.get(..2).unwrap(), b"ab");
        assert_eq!(out.get(2..10_002).unwrap(), &big[..]);
        assert_eq!(put(&mut out, 0, b""), 0);
    }
}
