//! Placeholder: a hierarchical timer wheel replaces this (see the wheel brief).

#[derive(Debug, Default)]
pub(crate) struct ExpiryWheel {}

impl ExpiryWheel {
    pub(crate) fn new(now_ms: u64) -> Self {
        let _ = now_ms;
        ExpiryWheel {}
    }
    pub(crate) fn schedule(&mut self, slot: u32, expires_at: u64) {
        let _ = (slot, expires_at);
    }
    pub(crate) fn cancel(&mut self, slot: u32) {
        let _ = slot;
    }
    pub(crate) fn expire(&mut self, now_ms: u64, budget: usize, out: &mut Vec<u32>) -> bool {
        let _ = (now_ms, budget, out);
        false
    }
    pub(crate) fn clear(&mut self, now_ms: u64) {
        let _ = now_ms;
    }
}
