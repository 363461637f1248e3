//! Hybrid logical clock: the stamp of every record's last change.
//!
//! A stamp is 48 bits of wall-clock milliseconds and 16 bits of counter in one `u64`, so stamps compare
//! as integers and fit an SQLite INTEGER. A stamp is always greater than every stamp this installation
//! issued or received before, even if the laptop's clock goes backwards. Two installations merge a
//! record by keeping the greater `(stamp, installation id)`: last writer wins, ties broken by the id.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Hlc(pub u64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: u64 = (1 << COUNTER_BITS) - 1;

impl Hlc {
    pub fn from_parts(millis: u64, counter: u16) -> Hlc {
        Hlc((millis << COUNTER_BITS) | u64::from(counter))
    }

    pub fn millis(self) -> u64 {
        self.0 >> COUNTER_BITS
    }

    pub fn counter(self) -> u16 {
        (self.0 & COUNTER_MAX) as u16
    }

    /// The stamp for a local change made at wall time `now_ms`, after `last`.
    pub fn tick(last: Hlc, now_ms: u64) -> Hlc {
        if now_ms > last.millis() { Hlc::from_parts(now_ms, 0) } else { last.successor() }
    }

    /// The local clock after receiving `remote` at wall time `now_ms`: above both.
    pub fn observe(last: Hlc, remote: Hlc, now_ms: u64) -> Hlc {
        let top = last.max(remote);
        if now_ms > top.millis() { Hlc::from_parts(now_ms, 0) } else { top.successor() }
    }

    fn successor(self) -> Hlc {
        // When the counter is full, borrow the next millisecond: the order stays strict.
        Hlc(self.0 + 1)
    }

    /// Current wall-clock time in milliseconds since the Unix epoch.
    pub fn wall_ms() -> u64 {
        chrono::Utc::now().timestamp_millis().max(0) as u64
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = chrono::DateTime::from_timestamp_millis(self.millis() as i64).unwrap_or_default();
        write!(f, "{}/{:04}", t.format("%Y-%m-%dT%H:%M:%S%.3fZ"), self.counter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_strictly_increasing_even_when_the_wall_clock_goes_back() {
        let a = Hlc::tick(Hlc::default(), 1_000);
        let b = Hlc::tick(a, 1_000);
        let c = Hlc::tick(b, 900); // clock set back
        let d = Hlc::tick(c, 2_000);
        assert!(a < b && b < c && c < d);
        assert_eq!((b.millis(), b.counter()), (1_000, 1));
        assert_eq!(d, Hlc::from_parts(2_000, 0));
    }

    #[test]
    fn observing_a_remote_stamp_moves_past_it() {
        let local = Hlc::from_parts(1_000, 3);
        let remote = Hlc::from_parts(5_000, 7);
        let after = Hlc::observe(local, remote, 2_000);
        assert!(after > remote && after > local);
        assert_eq!(Hlc::observe(local, remote, 9_000), Hlc::from_parts(9_000, 0));
    }

    #[test]
    fn a_full_counter_rolls_into_the_next_millisecond() {
        let full = Hlc::from_parts(10, u16::MAX);
        let next = Hlc::tick(full, 10);
        assert!(next > full);
        assert_eq!(next, Hlc::from_parts(11, 0));
    }
}
