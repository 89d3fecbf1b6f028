//! The worker pools counts run on, kept for the life of the process: one per number of threads,
//! started by the first count that asks for that many and reused by every later one.
//!
//! Each worker thread keeps a cache of the pieces it has counted with each tokenizer (see
//! `fast`): a count that started its own threads would throw those caches away at its
//! end, so that a program counting shard after shard with one prepared tokenizer (a Python
//! pipeline, a server) would pay every piece's first count again for each shard. On a reused
//! pool the second count of the same text is about twice as fast as the first. Counts never
//! depend on it: a cache only ever holds a piece's exact count. The threads sleep while no
//! count runs; their caches stay bounded (see `fast::cache`).

use std::sync::{Arc, Mutex};

/// Every pool started so far, with its number of threads.
static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());

/// The process's pool of `threads` worker threads (at least one), started on first use; the
/// error says why the threads could not be started.
pub fn worker_pool(threads: usize) -> Result<Arc<rayon::ThreadPool>, String> {
    let threads = threads.max(1);
    let mut pools = POOLS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, pool)) = pools.iter().find(|(n, _)| *n == threads) {
        return Ok(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("tokencensus-{i}"))
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let pool = Arc::new(pool);
    pools.push((threads, Arc::clone(&pool)));
    Ok(pool)
}

/// Runs `op` once on every thread of every pool started so far, without waiting for it (each
/// thread runs it between tasks).
pub(crate) fn on_every_kept_thread(op: impl Fn() + Send + Sync + Clone + 'static) {
    let pools = POOLS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for (_, pool) in pools.iter() {
        let op = op.clone();
        pool.spawn_broadcast(move |_| op());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_is_started_once_per_number_of_threads() {
        let first = worker_pool(3).unwrap();
        let again = worker_pool(3).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(first.current_num_threads(), 3);
        let other = worker_pool(2).unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(worker_pool(0).unwrap().current_num_threads(), 1);
    }

    #[test]
    fn worker_threads_outlive_a_count() {
        // What the pool is for: a thread-local value set in one install is there in the next.
        thread_local!(static SEEN: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
        let pool = worker_pool(1).unwrap();
        pool.install(|| SEEN.with(|s| s.set(s.get() + 1)));
        assert_eq!(pool.install(|| SEEN.with(|s| s.get())), 1);
    }
}
