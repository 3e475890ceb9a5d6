//! Backend events of `WasmTieredCache`: queued by the core's hook while a
//! call runs, turned into JS objects and handed to the `onEvent` listener
//! after the call (never inside it).

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use super::Inner;
use crate::bindings::js_args::take_queued;
use crate::bindings::js_error::error_with_code;
use crate::tiered::TieredEvent;

/// An event waiting for delivery to the JS listener.
pub(super) enum HostEvent {
    BackendFailure {
        op: &'static str,
        attempt: u32,
        code: &'static str,
        message: String,
        cause: Option<u32>,
    },
    CorruptEntry {
        key: String,
        code: &'static str,
        message: String,
    },
    SecurityError {
        key: String,
        code: &'static str,
        message: String,
    },
    BreakerOpened,
    BreakerClosed,
}

impl Inner {
    /// Hands queued events to the listener; its exceptions are ignored.
    pub(super) fn deliver(&self) {
        let Some((queued, listener)) = take_queued(&self.events, &self.listener) else {
            return;
        };
        for event in queued {
            let object = self.event_object(event);
            let _ = listener.call1(&JsValue::UNDEFINED, &object);
        }
    }

    fn event_object(&self, event: HostEvent) -> JsValue {
        let object = Object::new();
        let set = |name: &str, value: JsValue| {
            let _ = Reflect::set(&object, &name.into(), &value);
        };
        match event {
            HostEvent::BackendFailure {
                op,
                attempt,
                code,
                message,
                cause,
            } => {
                let cause = cause.and_then(|id| self.causes.try_borrow_mut().ok()?.take(id));
                set("type", "backend-error".into());
                set("op", op.into());
                set("attempt", attempt.into());
                set("error", error_with_code(code, &message, cause.as_ref()));
            }
            HostEvent::CorruptEntry { key, code, message } => {
                set("type", "corrupt-entry".into());
                set("key", key.into());
                set("error", error_with_code(code, &message, None));
            }
            HostEvent::SecurityError { key, code, message } => {
                set("type", "security-error".into());
                set("key", key.into());
                set("error", error_with_code(code, &message, None));
            }
            HostEvent::BreakerOpened => set("type", "breaker-open".into()),
            HostEvent::BreakerClosed => set("type", "breaker-close".into()),
        }
        object.into()
    }
}

pub(super) fn host_event(event: &TieredEvent<'_>) -> HostEvent {
    match event {
        TieredEvent::BackendFailure { op, attempt, error } => {
            let public = error.to_cache_error(op.name());
            HostEvent::BackendFailure {
                op: op.name(),
                attempt: *attempt,
                code: public.code(),
                message: public.to_string(),
                cause: error.cause,
            }
        }
        TieredEvent::CorruptEntry { key, error } => HostEvent::CorruptEntry {
            key: (*key).to_string(),
            code: error.code(),
            message: error.to_string(),
        },
        TieredEvent::SecurityError { key, error } => HostEvent::SecurityError {
            key: (*key).to_string(),
            code: error.code(),
            message: error.to_string(),
        },
        TieredEvent::BreakerOpened => HostEvent::BreakerOpened,
        TieredEvent::BreakerClosed => HostEvent::BreakerClosed,
    }
}
