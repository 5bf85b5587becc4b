//! RAII event listeners: registering returns a value, dropping it unregisters.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Event, EventTarget};

#[must_use = "dropping a Listener removes it at once"]
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    capture: bool,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Listens with `capture` and `passive` set: the recorder observes, it never blocks
    /// scrolling or sees an event after the page stopped its propagation.
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        handler: impl FnMut(Event) + 'static,
    ) -> Self {
        let callback = Closure::<dyn FnMut(Event)>::new(handler);
        let options = AddEventListenerOptions::new();
        options.set_capture(true);
        options.set_passive(true);
        // Adding a listener to a live target cannot fail; if a hostile page made it throw,
        // the recorder simply does not get these events.
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
            kind,
            callback.as_ref().unchecked_ref(),
            &options,
        );
        Listener {
            target: target.clone(),
            kind,
            capture: true,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.kind,
            self.callback.as_ref().unchecked_ref(),
            self.capture,
        );
    }
}
