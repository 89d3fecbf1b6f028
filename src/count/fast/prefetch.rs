//! Prefetching: asking the processor to bring a table slot into its cache some time before the
//! slot is read. The merge table and the vocabulary's whole pieces are megabytes of random
//! accesses, so each lookup would otherwise wait for memory; pieces merged in step (see
//! `merge_in_step`) ask for their next slots and read them a turn later, so that several waits
//! overlap. Only a hint: nothing read or counted depends on it.

/// Asks for the cache line holding `slot` to be loaded (a no-op where the architecture has no
/// stable prefetch instruction).
#[inline(always)]
pub fn prefetch<T>(slot: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetch` is SSE, part of every x86-64 processor; it reads nothing the program
    // sees, never faults, and the address comes from a live reference.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((slot as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}
