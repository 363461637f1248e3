//! Work done ahead on a second thread, taken in order, that never makes the taker wait long.
//!
//! The stick's intake imports bundles one after another on the thread that holds the store; what
//! does not need the store (opening, decrypting, checking and parsing the next bundle) is done by
//! [`Ahead`] on another thread meanwhile. On a quiet two-core laptop the two overlap. On a busy
//! machine a helper thread may wait long for its turn on a CPU, and a taker that waited for it
//! would be slower than doing the work itself: so the taker does an item itself when nobody has
//! started it, and when the helper started it but has not finished within [`PATIENCE`] (the
//! helper's result is then dropped). Each item is computed by one of the two and taken once, in
//! order; the helper keeps at most [`DEPTH`] items ready beyond the one being taken (bounded memory).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How many items the helper may have done beyond the one being taken.
pub const DEPTH: usize = 2;

/// How long a taker waits for an item the helper is working on before doing it itself. Waiting is
/// usually the better bet, even on a busy machine: the helper has part of the item done, and the
/// taker doing it again costs the whole of it in CPU time, which on a busy machine is what everyone
/// waits for; the bound is for a helper that gets no turn at all (or died).
pub const PATIENCE: Duration = Duration::from_millis(25);

/// Items `0..n`, each made by `work(i)`, done ahead on a helper thread and taken in order.
pub struct Ahead<T> {
    shared: Arc<Shared<T>>,
    n: usize,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
}

struct State<T> {
    /// The next item nobody has started.
    claim: usize,
    /// The next item to be taken.
    taken: usize,
    slots: HashMap<usize, Slot<T>>,
    stopped: bool,
}

enum Slot<T> {
    /// The helper is making it.
    Making,
    /// The taker did not wait: the helper's result is dropped.
    Abandoned,
    Ready(T),
}

impl<T: Send + 'static> Ahead<T> {
    /// Starts the helper thread on items `0..n`. If no thread can be started, every item is done
    /// by the taker.
    pub fn start(n: usize, name: &str, work: impl Fn(usize) -> T + Send + 'static) -> Ahead<T> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State { claim: 0, taken: 0, slots: HashMap::new(), stopped: false }),
            changed: Condvar::new(),
        });
        let helper = Arc::clone(&shared);
        let started = std::thread::Builder::new().name(name.to_owned()).spawn(move || helper.help(n, work));
        if started.is_err() {
            shared.lock().stopped = true;
        }
        Ahead { shared, n }
    }

    /// Item `i` (the items must be taken in order: `0, 1, 2, …`): the helper's if it is ready or
    /// becomes ready within [`PATIENCE`], else `make()`'s, here.
    pub fn take(&self, i: usize, make: impl FnOnce() -> T) -> T {
        debug_assert!(i < self.n);
        let mut s = self.shared.lock();
        debug_assert_eq!(i, s.taken, "items are taken in order");
        s.taken = i + 1;
        if s.claim <= i {
            // Nobody started it: the taker does it, and the helper goes on after it.
            s.claim = i + 1;
            self.shared.changed.notify_all();
            drop(s);
            return make();
        }
        let waited = std::time::Instant::now();
        loop {
            match s.slots.remove(&i) {
                Some(Slot::Ready(t)) => {
                    self.shared.changed.notify_all();
                    return t;
                }
                Some(Slot::Making) => {
                    let left = PATIENCE.saturating_sub(waited.elapsed());
                    if left.is_zero() {
                        s.slots.insert(i, Slot::Abandoned);
                        self.shared.changed.notify_all();
                        drop(s);
                        return make();
                    }
                    s.slots.insert(i, Slot::Making);
                    s = self.shared.changed.wait_timeout(s, left).unwrap_or_else(|e| e.into_inner()).0;
                }
                // The helper stopped (it panicked) before it finished the item.
                Some(Slot::Abandoned) | None => {
                    drop(s);
                    return make();
                }
            }
        }
    }
}

impl<T> std::fmt::Debug for Ahead<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.shared.lock();
        f.debug_struct("Ahead").field("n", &self.n).field("claim", &s.claim).field("taken", &s.taken).finish()
    }
}

#[cfg(test)]
impl<T> Ahead<T> {
    fn ready(&self, i: usize) -> bool {
        matches!(self.shared.lock().slots.get(&i), Some(Slot::Ready(_)))
    }

    fn making(&self, i: usize) -> bool {
        matches!(self.shared.lock().slots.get(&i), Some(Slot::Making))
    }
}

impl<T> Drop for Ahead<T> {
    fn drop(&mut self) {
        // The helper finishes the item it is making, if any, and stops.
        self.shared.lock().stopped = true;
        self.shared.changed.notify_all();
    }
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn help(&self, n: usize, work: impl Fn(usize) -> T) {
        loop {
            let i = {
                let mut s = self.lock();
                while !s.stopped && s.claim < n && s.claim >= s.taken + DEPTH {
                    s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
                }
                if s.stopped || s.claim >= n {
                    return;
                }
                let i = s.claim;
                s.claim += 1;
                s.slots.insert(i, Slot::Making);
                i
            };
            let t = work(i);
            let mut s = self.lock();
            if let Some(Slot::Making) = s.slots.get(&i) {
                s.slots.insert(i, Slot::Ready(t));
            } else {
                s.slots.remove(&i);
            }
            self.changed.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn an_item_is_the_helpers_when_ready_and_the_takers_when_the_helper_is_late() {
        let (go, gate) = std::sync::mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let ahead = Ahead::start(5, "test", move |i| {
            // The helper makes each item only when the test lets it.
            gate.lock().unwrap().recv().unwrap();
            (i, "helper")
        });
        go.send(()).unwrap();
        while !ahead.ready(0) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(ahead.take(0, || (0, "taker")), (0, "helper"), "ready: the helper's");
        // The helper started item 1 and is held: the taker does not wait for it.
        while !ahead.making(1) {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(ahead.take(1, || (1, "taker")), (1, "taker"));
        for _ in 0..5 {
            let _ = go.send(());
        }
        let rest: Vec<usize> = (2..5).map(|i| ahead.take(i, || (i, "taker")).0).collect();
        assert_eq!(rest, [2, 3, 4], "in order, each once");
    }

    #[test]
    fn the_helper_stays_at_most_depth_items_ahead_and_stops_when_dropped() {
        let made = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&made);
        let ahead = Ahead::start(1_000, "test", move |i| {
            counter.fetch_add(1, Ordering::SeqCst);
            i
        });
        assert_eq!(ahead.take(0, || 0), 0);
        // Give the helper time to run as far ahead as it may.
        std::thread::sleep(Duration::from_millis(100));
        let far = made.load(Ordering::SeqCst);
        assert!(far <= 1 + DEPTH, "made {far} items with one taken");
        drop(ahead);
        std::thread::sleep(Duration::from_millis(50));
        let after = made.load(Ordering::SeqCst);
        assert!(after <= far + 1, "at most the item being made finished after the drop: {far} then {after}");
    }

    #[test]
    fn a_helper_that_panics_leaves_the_items_to_the_taker() {
        let ahead = Ahead::start(10, "test", |i| if i == 3 { panic!("hỏng") } else { i * 2 });
        let got: Vec<usize> = (0..10).map(|i| ahead.take(i, || i * 2)).collect();
        assert_eq!(got, (0..10).map(|i| i * 2).collect::<Vec<_>>());
    }
}
