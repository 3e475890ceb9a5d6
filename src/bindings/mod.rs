//! Host bindings. Each one only translates: arguments in, one core call,
//! errors out. Anything both bindings need belongs in the core.

mod js;
mod js_args;
mod js_error;
mod js_functions;
mod js_options;
