//! Host bindings. Each one only translates: arguments in, one core call,
//! errors out. Anything both bindings need belongs in the core.

mod js;
mod js_args;
mod js_backend;
mod js_error;
mod js_options;
mod js_tiered;
mod js_tiered_options;
