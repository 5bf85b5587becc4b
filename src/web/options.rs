//! JS options object → the pure [`config::Value`] tree, keeping the functions aside.

use crate::config::{FnRef, Value};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Functions found in the options, indexed by [`FnRef`].
#[derive(Default)]
pub struct FunctionTable(Vec<Function>);

impl FunctionTable {
    pub fn get(&self, f: FnRef) -> Option<&Function> {
        self.0.get(f.0 as usize)
    }
}

/// Depth past which nested option objects are not followed (options are shallow; this only
/// guards against a cyclic object passed by mistake).
const MAX_DEPTH: usize = 8;

pub fn to_value(js: &JsValue, functions: &mut FunctionTable) -> Value {
    convert(js, functions, 0)
}

fn convert(js: &JsValue, functions: &mut FunctionTable, depth: usize) -> Value {
    if js.is_null() || js.is_undefined() {
        return Value::Null;
    }
    if let Some(b) = js.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = js.as_f64() {
        return Value::Number(n);
    }
    if let Some(s) = js.as_string() {
        return Value::String(s);
    }
    if let Some(f) = js.dyn_ref::<Function>() {
        functions.0.push(f.clone());
        return Value::Function(FnRef(functions.0.len() as u32 - 1));
    }
    if depth >= MAX_DEPTH {
        return Value::Null;
    }
    if Array::is_array(js) {
        let array: &Array = js.unchecked_ref();
        return Value::Array(
            array
                .iter()
                .map(|v| convert(&v, functions, depth + 1))
                .collect(),
        );
    }
    if let Some(object) = js.dyn_ref::<Object>() {
        let members = Object::keys(object)
            .iter()
            .filter_map(|key| {
                let name = key.as_string()?;
                // A getter that throws is treated as an absent option, never as a crash.
                let value = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
                Some((name, convert(&value, functions, depth + 1)))
            })
            .collect();
        return Value::Object(members);
    }
    // Symbols and BigInts: report them as a type the option does not accept.
    Value::Array(Vec::new())
}
