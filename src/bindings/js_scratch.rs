//! The fast lane of `WasmCache`: keys (and values the core keeps) cross
//! through two scratch areas in wasm memory that JS reads and writes in
//! place, instead of wasm-bindgen allocating, copying and freeing once per
//! argument and result. js/wasm-scratch.js is the other half.
//!
//! Immutable JS values never cross at all: JS keeps them in an array by slot
//! (convention 12; `src/memory/held.rs` is the core's half). A read answers
//! with a number: `-1` a miss, `>= 0` the slot of a value JS holds, `<= -2`
//! the length (`-answer - 2`) of bytes the core keeps, now at the start of the
//! output area. A held write passes the value's charge in bytes and gets its
//! slot back. These exports answer NaN on an error, which `takeError()`
//! then returns.
//!
//! Protocol:
//! - input: `inputArea(bytes)` makes room and returns its address; JS writes a
//!   UTF-8 key there (for a bytes write, the value right after it; for
//!   `getManySlots`, one u32 LE length per key, then the keys back to back)
//!   and passes the byte counts. The area moves only when JS asks for more.
//! - output: the area moves only when an answer needs more room than it has,
//!   so JS asks `outputArea()` for the address again whenever an answer is
//!   longer than the room it last saw. JS reads an answer before its next
//!   call into wasm.
//! - dropped slots: after every call the info block (`heldInfo()`, four u32)
//!   holds the count and address of the slots whose held values JS must drop;
//!   JS drops them and zeroes the count (the core forgets the list at its next
//!   call), and only then stores the value of a held write at its slot. Word
//!   2 is the freshness of the last `staleSlot` answer (0 fresh, 1 stale).
//! - removals: the slot exports leave them queued; JS calls
//!   `deliverRemovals()` once it has stored or read what the call answered,
//!   so a listener that calls back in never sees a half-done call.

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

use crate::bindings::js::WasmCache;
use crate::bindings::js_args::{as_strs, stale_arg, unpack_values};
use crate::bindings::js_error::{JsResult, js};
use crate::error::{CacheError, Result};
use crate::memory::{Found, MAX_BATCH, MemoryTier, Ns, Value, WriteKind};

/// A miss in the packed `getManySlots` answer.
const MISSING: u32 = u32::MAX;
/// Marks a held value's slot in the packed `getManySlots` answer.
const HELD: u32 = 1 << 31;
/// Beyond this an output area goes back to nothing when JS says it is done
/// with a large answer (`releaseOutput`): wasm memory never shrinks, but the
/// allocator can reuse what is freed.
const KEEP_OUTPUT_BYTES: usize = 1 << 20;

/// The two areas of one cache, the info block, and the time JS passed with
/// the call.
#[derive(Default)]
pub(crate) struct Scratch {
    input: RefCell<Vec<u8>>,
    output: RefCell<Vec<u8>>,
    /// Dropped-slot count, their address, the last freshness, spare.
    info: Box<[Cell<u32>; 4]>,
    /// The error of the last slot export that answered NaN (`takeError`).
    error: RefCell<Option<JsValue>>,
    /// `Date.now()` read by JS for this call: cheaper than the core calling
    /// out to JS for it (~5% of a get). Taken by the clock tick.
    now: Cell<Option<f64>>,
}

impl Scratch {
    /// The time JS passed with the current call, if any (read once).
    pub(crate) fn take_now(&self) -> Option<f64> {
        self.now.take()
    }

    /// Before a core call: JS zeroes the count word once it has dropped the
    /// slots listed, and only then may the core forget them (a listener's
    /// call back in, made before JS read the list, adds to it instead).
    #[inline(never)]
    pub(crate) fn sync_dropped(&self, tier: &mut MemoryTier) {
        let [count, ..] = &*self.info;
        if count.get() == 0 {
            tier.clear_dropped();
        }
    }

    /// Tells JS (through the info block) which held values to drop.
    #[inline(never)]
    pub(crate) fn publish_dropped(&self, tier: &MemoryTier) {
        let dropped = tier.dropped();
        let [count, at, ..] = &*self.info;
        count.set(u32::try_from(dropped.len()).unwrap_or(u32::MAX));
        at.set(dropped.as_ptr() as usize as u32);
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

    /// The address of the info block (four u32: see the module doc).
    #[wasm_bindgen(js_name = heldInfo)]
    pub fn held_info(&self) -> u32 {
        self.scratch.info.as_ptr() as usize as u32
    }

    /// The error of the last slot export that answered NaN.
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&self) -> JsValue {
        self.scratch
            .error
            .try_borrow_mut()
            .ok()
            .and_then(|mut slot| slot.take())
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Delivers the removals a slot export left queued.
    #[wasm_bindgen(js_name = deliverRemovals)]
    pub fn deliver_queued(&self) {
        self.deliver_removals();
    }

    /// `get` (or `peek`) of the key in the input area at `now` (`Date.now()`,
    /// epoch ms; a `now` option wins): answered as the module doc says.
    #[wasm_bindgen(js_name = readSlot)]
    pub fn read_slot(&self, ns: u32, key_len: u32, peek: bool, now: f64) -> f64 {
        self.scratch.now.set(Some(now));
        let result = self.with_input(len(key_len), |input| {
            let key = js(utf8_key(input))?;
            self.run(|t| {
                let found = t.read(Ns(ns), key, peek)?;
                self.answer(found)
            })
        });
        self.quiet(result)
    }

    /// `getAllowingStale` of the key in the input area (`max_stale`: ms or
    /// "5m"), answered like `readSlot`; the freshness goes to info word 2.
    #[wasm_bindgen(js_name = staleSlot)]
    pub fn stale_slot(&self, ns: u32, key_len: u32, max_stale: JsValue, now: f64) -> f64 {
        let max_stale_ms = match js(stale_arg(&max_stale)) {
            Ok(ms) => ms.unwrap_or(0),
            Err(err) => return self.quiet(Err(err)),
        };
        self.scratch.now.set(Some(now));
        let result = self.with_input(len(key_len), |input| {
            let key = js(utf8_key(input))?;
            self.run(|t| {
                let Some((found, freshness)) = t.read_allowing_stale(Ns(ns), key, max_stale_ms)?
                else {
                    return Ok(-1.0);
                };
                if let Some(word) = self.scratch.info.get(2) {
                    word.set(u32::from(freshness == crate::memory::Freshness::Stale));
                }
                self.answer(Some(found))
            })
        });
        self.quiet(result)
    }

    /// `set` (`kind` 0), `add` (1) or `replace` (2) of the key in the input
    /// area: a held value charged `charge` bytes, or (`charge` < 0) the
    /// `value_len` bytes after the key. The slot written, or -1 when a
    /// conditional write did not store.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = writeSlot)]
    pub fn write_slot(
        &self,
        kind: u32,
        ns: u32,
        key_len: u32,
        value_len: u32,
        charge: f64,
        ttl: JsValue,
        idle: JsValue,
        tags: Option<Vec<String>>,
        stale: JsValue,
        now: f64,
    ) -> f64 {
        let kind = match kind {
            0 => WriteKind::Set,
            1 => WriteKind::Add,
            _ => WriteKind::Replace,
        };
        let tags = tags.unwrap_or_default();
        let tags = as_strs(&tags);
        let opts = match js(crate::bindings::js::write_options(
            &ttl, &idle, &tags, &stale,
        )) {
            Ok(opts) => opts,
            Err(err) => return self.quiet(Err(err)),
        };
        let bytes = if charge < 0.0 { len(value_len) } else { 0 };
        let total = len(key_len).saturating_add(bytes);
        self.scratch.now.set(Some(now));
        let result = self.with_input(total, |input| {
            let (key, value) = js(input.split_at_checked(len(key_len)).ok_or_else(short))?;
            let key = js(utf8_key(key))?;
            let value = held_or(charge, value);
            self.run(|t| {
                let slot = t.write(kind, Ns(ns), key, value, &opts)?;
                Ok(slot.map_or(-1.0, f64::from))
            })
        });
        self.quiet(result)
    }

    /// `setMany`: every key with a held value (`charges[i]` >= 0) or the bytes
    /// sliced from `data` by `lengths`; all validated before any is stored.
    /// The slot of each, in order.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = setManySlots)]
    pub fn set_many_slots(
        &self,
        ns: u32,
        keys: Vec<String>,
        data: &[u8],
        lengths: &[u32],
        charges: &[f64],
        ttl: JsValue,
        idle: JsValue,
        tags: Option<Vec<String>>,
        stale: JsValue,
    ) -> JsResult<Vec<u32>> {
        let items = js(unpack_values(&keys, data, lengths))?;
        if charges.len() != items.len() {
            return Err(js_err(short()));
        }
        let items: Vec<(&str, Value<'_>)> = items
            .iter()
            .zip(charges)
            .map(|(&(key, bytes), &charge)| (key, held_or(charge, bytes)))
            .collect();
        let tags = tags.unwrap_or_default();
        let tags = as_strs(&tags);
        let opts = js(crate::bindings::js::write_options(
            &ttl, &idle, &tags, &stale,
        ))?;
        self.run(|t| t.write_many(Ns(ns), &items, &opts))
    }

    /// `getMany` of the `count` keys in the input area (`bytes` in all,
    /// lengths first). The answer in the output area: one u32 LE word per
    /// key (`0xFFFFFFFF` a miss, `0x80000000 | slot` a held value, else the
    /// length of bytes that follow), then those bytes back to back; returns
    /// its length. Every key is checked before any is read.
    #[wasm_bindgen(js_name = getManySlots)]
    pub fn get_many_slots(&self, ns: u32, count: u32, bytes: u32, now: f64) -> f64 {
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
                    let word = match t.read(Ns(ns), key, false)? {
                        Some(Found::Held(slot)) => word_below_held(slot as usize)? | HELD,
                        Some(Found::Bytes(v)) => {
                            let n = word_below_held(v.len())?;
                            at = put(&mut out, at, &v).saturating_add(at);
                            n
                        }
                        None => MISSING,
                    };
                    put(&mut out, i.saturating_mul(4), &word.to_le_bytes());
                }
                Ok(at as f64)
            })
        });
        self.quiet(result)
    }
}

impl WasmCache {
    /// A read's answer as a number (see the module doc); bytes go to the
    /// output area.
    fn answer(&self, found: Option<Found<'_>>) -> Result<f64> {
        Ok(match found {
            None => -1.0,
            Some(Found::Held(slot)) => f64::from(slot),
            Some(Found::Bytes(value)) => {
                let mut out = self
                    .scratch
                    .output
                    .try_borrow_mut()
                    .map_err(|_| reentrant())?;
                // Answers are far below 2^53 bytes: the conversion is exact.
                -(put(&mut out, 0, &value) as f64) - 2.0
            }
        })
    }

    /// Ends a slot export: an unused time is dropped; removals stay queued
    /// for `deliverRemovals`. An error is kept for `takeError` and answered
    /// as NaN, so the export returns a plain number (the wasm-bindgen glue of
    /// a `Result` allocates an array per call).
    #[inline(never)]
    fn quiet(&self, result: JsResult<f64>) -> f64 {
        self.scratch.take_now();
        match result {
            Ok(answer) => answer,
            Err(err) => {
                if let Ok(mut slot) = self.scratch.error.try_borrow_mut() {
                    *slot = Some(err);
                }
                f64::NAN
            }
        }
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

/// A held value (`charge` >= 0, in bytes; a charge past u64 saturates and is
/// refused as too large) or the bytes the core keeps.
fn held_or(charge: f64, bytes: &[u8]) -> Value<'_> {
    if charge >= 0.0 {
        // Non-negative (NaN fails the test above): the cast saturates, never traps.
        Value::Held {
            charge: charge as u64,
        }
    } else {
        Value::Bytes(bytes)
    }
}

/// `n` as a `getManySlots` word, which must leave the held bit clear.
fn word_below_held(n: usize) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|&w| w < HELD)
        .ok_or_else(too_large)
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
        limit: u64::from(HELD - 1),
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
