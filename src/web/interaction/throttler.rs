//! A keyed throttle with real timers: the pure [`Keyed`] state plus gloo timeouts.

use crate::interaction::throttle::{Keyed, Throttled};
use crate::protocol::Timestamp;
use crate::web::recorder::now;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;

/// What a throttler runs for a key, given the time it runs at.
type Action<K> = Box<dyn Fn(&K, Timestamp)>;

/// Runs `run(key, now)` at most once per window per key, and once more at the window's end
/// if calls came in meanwhile; `run` reads live state, so that last run records the final one.
pub struct Throttler<K> {
    keyed: RefCell<Keyed<K, Timeout>>,
    run: Action<K>,
}

impl<K: PartialEq + Clone + 'static> Throttler<K> {
    pub fn new(wait_ms: u32, run: impl Fn(&K, Timestamp) + 'static) -> Rc<Self> {
        Rc::new(Throttler {
            keyed: RefCell::new(Keyed::new(wait_ms.into())),
            run: Box::new(run),
        })
    }

    pub fn call(self: &Rc<Self>, key: K) {
        let now = now();
        let (action, stale_timer) = self.keyed.borrow_mut().hit(&key, now);
        drop(stale_timer);
        match action {
            Throttled::Now => (self.run)(&key, now),
            Throttled::Later(ms) => {
                let weak = Rc::downgrade(self);
                let fired_key = key.clone();
                let delay = u32::try_from(ms).unwrap_or(u32::MAX);
                let timer = Timeout::new(delay, move || {
                    if let Some(throttler) = weak.upgrade() {
                        throttler.fire(fired_key);
                    }
                });
                self.keyed.borrow_mut().set_timer(&key, timer);
            }
            Throttled::Pending => {}
        }
    }

    fn fire(&self, key: K) {
        let now = now();
        let timer = self.keyed.borrow_mut().timer_fired(&key, now);
        (self.run)(&key, now);
        drop(timer);
    }
}
