//! Throttling and sampling as pure state machines. The caller passes the time in and acts on
//! the answer (run now, arm a timer, or nothing), so every edge is tested on the host.

/// Milliseconds, as `Date.now()` counts them.
pub type Ms = u64;

/// What a throttled action should do on this call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    /// Run now; a timer still armed for this action must be cancelled.
    Now,
    /// Arm a timer for this many ms; when it fires, call [`Throttle::timer_fired`] and run.
    Later(Ms),
    /// A timer is already armed: it runs later and reads the state as it is then.
    Pending,
}

/// rrweb's `throttle(fn, wait)` with both edges: the first call runs at once, calls within
/// `wait` of the last run arm one timer for the rest of the window. Because the action reads
/// live state when it runs (a scroll offset, a media element's time), the trailing run records
/// the final state however many calls the window swallowed.
#[derive(Debug, Clone)]
pub struct Throttle {
    wait: Ms,
    last_run: Option<Ms>,
    timer_armed: bool,
}

impl Throttle {
    pub fn new(wait: Ms) -> Self {
        Throttle {
            wait,
            last_run: None,
            timer_armed: false,
        }
    }

    pub fn hit(&mut self, now: Ms) -> Throttled {
        // A clock that went backwards (`now < last_run`) counts as a fresh window, as in rrweb.
        let elapsed = self.last_run.and_then(|last| now.checked_sub(last));
        match elapsed {
            Some(elapsed) if elapsed < self.wait => {
                if self.timer_armed {
                    Throttled::Pending
                } else {
                    self.timer_armed = true;
                    Throttled::Later(self.wait - elapsed)
                }
            }
            _ => {
                self.last_run = Some(now);
                self.timer_armed = false;
                Throttled::Now
            }
        }
    }

    /// The armed timer fired and the action ran.
    pub fn timer_fired(&mut self, now: Ms) {
        self.last_run = Some(now);
        self.timer_armed = false;
    }

    /// True when the throttle would behave exactly as a new one: no timer armed and the last
    /// run outside the window. Such state can be forgotten.
    pub fn is_idle(&self, now: Ms) -> bool {
        !self.timer_armed
            && self
                .last_run
                .and_then(|last| now.checked_sub(last))
                .is_none_or(|elapsed| elapsed >= self.wait)
    }
}

/// rrweb's move sampling (`throttle(fn, ms, {trailing: false})`): keeps at most one call per
/// interval and drops the rest.
#[derive(Debug, Clone)]
pub struct Sampler {
    interval: Ms,
    last: Option<Ms>,
}

impl Sampler {
    pub fn new(interval: Ms) -> Self {
        Sampler {
            interval,
            last: None,
        }
    }

    pub fn accept(&mut self, now: Ms) -> bool {
        let due = self
            .last
            .and_then(|last| now.checked_sub(last))
            .is_none_or(|elapsed| elapsed >= self.interval);
        if due {
            self.last = Some(now);
        }
        due
    }
}

/// One [`Throttle`] per key (a scrolled element, a media element and event kind, the move
/// flush), each with its own wait and the timer the web layer armed for it. Idle entries are
/// forgotten on the next hit, so the map only holds what moved within its last window.
#[derive(Debug)]
pub struct Keyed<K, T> {
    entries: Vec<Entry<K, T>>,
}

impl<K, T> Default for Keyed<K, T> {
    fn default() -> Self {
        Keyed {
            entries: Vec::new(),
        }
    }
}

#[derive(Debug)]
struct Entry<K, T> {
    key: K,
    throttle: Throttle,
    timer: Option<T>,
}

impl<K: PartialEq + Clone, T> Keyed<K, T> {
    /// Throttles one call for `key` with a window of `wait` ms (fixed when the key is first
    /// seen). On [`Throttled::Now`] the timer armed for this key, if any, is returned so the
    /// caller drops (cancels) it.
    pub fn hit(&mut self, key: &K, wait: Ms, now: Ms) -> (Throttled, Option<T>) {
        self.entries
            .retain(|e| e.key == *key || !e.throttle.is_idle(now));
        let index = match self.entries.iter().position(|e| e.key == *key) {
            Some(index) => index,
            None => {
                self.entries.push(Entry {
                    key: key.clone(),
                    throttle: Throttle::new(wait),
                    timer: None,
                });
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[index];
        let action = entry.throttle.hit(now);
        let stale = match action {
            Throttled::Now => entry.timer.take(),
            _ => None,
        };
        (action, stale)
    }

    /// Stores the timer armed after [`Throttled::Later`].
    pub fn set_timer(&mut self, key: &K, timer: T) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == *key) {
            entry.timer = Some(timer);
        }
    }

    /// The timer for `key` fired; returns it so the caller drops it after running.
    pub fn timer_fired(&mut self, key: &K, now: Ms) -> Option<T> {
        let entry = self.entries.iter_mut().find(|e| e.key == *key)?;
        entry.throttle.timer_fired(now);
        entry.timer.take()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_runs_leading_then_one_trailing_per_window() {
        let mut t = Throttle::new(100);
        assert_eq!(t.hit(1000), Throttled::Now);
        assert_eq!(t.hit(1010), Throttled::Later(90));
        for now in (1020..1100).step_by(10) {
            assert_eq!(t.hit(now), Throttled::Pending, "at {now}");
        }
        t.timer_fired(1100);
        // The window restarts at the trailing run.
        assert_eq!(t.hit(1150), Throttled::Later(50));
        t.timer_fired(1200);
        assert_eq!(t.hit(1300), Throttled::Now);
    }

    #[test]
    fn ten_calls_in_one_window_give_two_runs() {
        let mut t = Throttle::new(100);
        let mut runs = 0;
        let mut timers = 0;
        for i in 0..10 {
            match t.hit(5000 + i * 9) {
                Throttled::Now => runs += 1,
                Throttled::Later(ms) => {
                    assert_eq!(ms, 91);
                    timers += 1
                }
                Throttled::Pending => {}
            }
        }
        assert_eq!((runs, timers), (1, 1));
    }

    #[test]
    fn throttle_call_at_window_end_runs_now_and_disarms() {
        let mut t = Throttle::new(100);
        assert_eq!(t.hit(0), Throttled::Now);
        assert_eq!(t.hit(50), Throttled::Later(50));
        // The timer is late (a busy page): the next call runs at once and cancels it.
        assert_eq!(t.hit(100), Throttled::Now);
        assert_eq!(t.hit(120), Throttled::Later(80));
    }

    #[test]
    fn throttle_survives_a_clock_going_backwards() {
        let mut t = Throttle::new(100);
        assert_eq!(t.hit(1000), Throttled::Now);
        assert_eq!(t.hit(900), Throttled::Now);
        assert_eq!(t.hit(950), Throttled::Later(50));
    }

    #[test]
    fn zero_wait_always_runs() {
        let mut t = Throttle::new(0);
        assert_eq!(t.hit(5), Throttled::Now);
        assert_eq!(t.hit(5), Throttled::Now);
    }

    #[test]
    fn idle_after_the_window() {
        let mut t = Throttle::new(100);
        assert!(t.is_idle(0));
        t.hit(1000);
        assert!(!t.is_idle(1050));
        assert!(t.is_idle(1100));
        t.hit(1150);
        t.hit(1160);
        assert!(!t.is_idle(5000), "an armed timer is never idle");
    }

    #[test]
    fn sampler_keeps_one_per_interval_and_drops_the_rest() {
        let mut s = Sampler::new(50);
        let kept: Vec<u64> = (0..12)
            .map(|i| 1000 + i * 10)
            .filter(|&now| s.accept(now))
            .collect();
        assert_eq!(kept, [1000, 1050, 1100]);
        let mut every = Sampler::new(0);
        assert!(every.accept(1) && every.accept(1));
    }

    #[test]
    fn keyed_throttles_each_key_alone_and_forgets_idle_ones() {
        let mut k: Keyed<&str, u32> = Keyed::default();
        assert_eq!(k.hit(&"a", 100, 0), (Throttled::Now, None));
        assert_eq!(k.hit(&"b", 100, 10), (Throttled::Now, None));
        assert_eq!(k.hit(&"a", 100, 20), (Throttled::Later(80), None));
        k.set_timer(&"a", 7);
        assert_eq!(k.hit(&"a", 100, 30), (Throttled::Pending, None));
        assert_eq!(k.len(), 2);
        // A late call runs at once and hands back the stale timer to cancel.
        assert_eq!(k.hit(&"a", 100, 100), (Throttled::Now, Some(7)));
        assert_eq!(k.hit(&"a", 100, 150), (Throttled::Later(50), None));
        k.set_timer(&"a", 8);
        assert_eq!(k.timer_fired(&"a", 200), Some(8));
        // "b" went idle long ago and is dropped when another key is hit.
        assert_eq!(k.hit(&"c", 100, 400), (Throttled::Now, None));
        assert_eq!(k.len(), 1);
        assert!(!k.is_empty());
        assert_eq!(k.timer_fired(&"zz", 500), None);
    }

    #[test]
    fn keyed_waits_are_per_key() {
        let mut k: Keyed<u8, ()> = Keyed::default();
        k.hit(&1, 500, 0);
        k.hit(&2, 100, 0);
        assert_eq!(k.hit(&1, 500, 150), (Throttled::Later(350), None));
        assert_eq!(k.hit(&2, 100, 150), (Throttled::Now, None));
    }
}
