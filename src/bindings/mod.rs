//! Host bindings. Each one only translates: arguments in, one core call,
//! errors out. Anything both bindings need belongs in the core.

#[cfg(feature = "component")]
mod component;
#[cfg(all(feature = "component-tiered", not(feature = "component-keyvalue")))]
mod component_backend;
#[cfg(feature = "component")]
mod component_convert;
#[cfg(feature = "component-keyvalue")]
mod component_keyvalue;
#[cfg(any(feature = "component-tiered", feature = "component-keyvalue"))]
mod component_tiered;
#[cfg(any(feature = "component-tiered", feature = "component-keyvalue"))]
mod component_tiered_convert;
#[cfg(feature = "js")]
mod js;
#[cfg(feature = "js")]
mod js_args;
#[cfg(feature = "js-tiered")]
mod js_backend;
#[cfg(feature = "js")]
mod js_clock;
#[cfg(feature = "js")]
mod js_error;
#[cfg(feature = "js")]
mod js_functions;
#[cfg(feature = "js")]
mod js_options;
#[cfg(feature = "js")]
mod js_scratch;
#[cfg(feature = "js-semantic")]
mod js_semantic;
#[cfg(feature = "js")]
mod js_stats;
#[cfg(feature = "js-tiered")]
mod js_tiered;
#[cfg(feature = "js-tiered")]
mod js_tiered_options;
