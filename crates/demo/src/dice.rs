//! The demo's one source of chance, shared by every part that invents data.

/// A small deterministic generator (xorshift64*): the same demo on every machine, without
/// depending on a random-number library's stream staying stable across versions.
pub(crate) struct Dice(u64);

impl Dice {
    /// The demo's fixed seed.
    pub(crate) fn new() -> Dice {
        Dice(0x6d69_6e78_696e_2026)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}
