//! RAII patches of prototype methods and property setters.
//!
//! A patch wraps whatever is installed at the time (the browser's own function or another
//! library's wrapper) and calls the original first, so the page sees the same result and the
//! same exceptions. The hook then observes the call; any error in it, a wasm trap included, is
//! swallowed so it can never reach the page. Dropping the patch restores the original if our
//! wrapper is still the installed one; if something wrapped it after us, restoring would drop
//! that wrapper too, so ours is switched to a pure pass-through instead.

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    fn patch_method(proto: &Object, name: &str, hook: &Function) -> Option<Function>;
    fn patch_setter(proto: &Object, name: &str, hook: &Function) -> Option<Function>;
}

/// An installed patch; dropping it undoes it.
#[must_use = "dropping a Patch undoes it at once"]
pub struct Patch {
    undo: Function,
    _hook: Closure<dyn FnMut(JsValue, JsValue, JsValue)>,
}

impl Patch {
    /// Wraps `proto[name]`; `hook(this, args: Array, result)` runs after every call that
    /// returned normally. `None` when there is no such method.
    pub fn method(
        proto: &Object,
        name: &str,
        hook: impl FnMut(JsValue, Array, JsValue) + 'static,
    ) -> Option<Patch> {
        let mut hook = hook;
        let closure = Closure::<dyn FnMut(JsValue, JsValue, JsValue)>::new(
            move |this, args: JsValue, result| hook(this, args.unchecked_into(), result),
        );
        let undo = patch_method(proto, name, closure.as_ref().unchecked_ref())?;
        Some(Patch {
            undo,
            _hook: closure,
        })
    }

    /// Wraps the setter of accessor `proto[name]`; `hook(this, value)` runs after each set.
    pub fn setter(
        proto: &Object,
        name: &str,
        hook: impl FnMut(JsValue, JsValue) + 'static,
    ) -> Option<Patch> {
        let mut hook = hook;
        let closure =
            Closure::<dyn FnMut(JsValue, JsValue, JsValue)>::new(move |this, value, _| {
                hook(this, value)
            });
        let undo = patch_setter(proto, name, closure.as_ref().unchecked_ref())?;
        Some(Patch {
            undo,
            _hook: closure,
        })
    }
}

impl Drop for Patch {
    fn drop(&mut self) {
        let _ = self.undo.call0(&JsValue::NULL);
    }
}
