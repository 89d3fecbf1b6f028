//! The worker pools counts run on, kept for the life of the process: one per number of threads,
//! started by the first count that asks for that many and reused by every later one.
//!
//! Each worker thread keeps a cache of the pieces it has counted with each tokenizer (see
//! `fast`): a count that started its own threads would throw those caches away at its
//! end, so that a program counting shard after shard with one prepared tokenizer (a Python
//! pipeline, a server) would pay every piece's first count again for each shard. On a reused
//! pool, counting again with the same tokenizer ran 1.8x as fast as a first count (linux-doc,
//! Llama 3, two threads: `cargo bench --bench count`, warm against cold). Counts never depend
//! on it: a cache only ever holds a piece's exact count. The threads sleep while no count
//! runs; their caches stay bounded (see `fast::cache`).
//!
//! Counts that run at the same time with the same number of threads share that pool's threads.
//! At most [`MAX_KEPT_POOLS`] pools are kept (the one used longest ago is let go, its threads
//! ending once no count uses it), and a process made by `fork` (which copies the registry but
//! none of the threads) starts its own.

use std::sync::{Arc, Mutex};

/// How many pools (of different numbers of threads) are kept at most.
pub const MAX_KEPT_POOLS: usize = 8;

/// The pools kept, the one used last at the end, and the process they belong to.
struct Kept {
    pid: u32,
    pools: Vec<(usize, Arc<rayon::ThreadPool>)>,
}

static KEPT: Mutex<Kept> = Mutex::new(Kept {
    pid: 0,
    pools: Vec::new(),
});

/// The kept pools of this process (a forked child's inherited ones, whose threads stayed in
/// the parent, are forgotten without being dropped: dropping would signal threads that are
/// not there).
fn kept() -> std::sync::MutexGuard<'static, Kept> {
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let pid = std::process::id();
    if kept.pid != pid {
        std::mem::forget(std::mem::take(&mut kept.pools));
        kept.pid = pid;
    }
    kept
}

/// The process's pool of `threads` worker threads (at least one), started on first use; the
/// error says why the threads could not be started.
pub fn worker_pool(threads: usize) -> Result<Arc<rayon::ThreadPool>, String> {
    let threads = threads.max(1);
    take_or_start(&mut kept().pools, threads, || {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("tokencensus-{i}"))
            .build()
            .map(Arc::new)
            .map_err(|e| format!("cannot start {threads} threads: {e}"))
    })
}

/// The kept pool of `threads` threads from `pools`, moved to the end as used last, or one
/// `start` makes, kept at the end (letting go of the first, used longest ago, beyond
/// [`MAX_KEPT_POOLS`]).
fn take_or_start<T: Clone>(
    pools: &mut Vec<(usize, T)>,
    threads: usize,
    start: impl FnOnce() -> Result<T, String>,
) -> Result<T, String> {
    let pool = match pools.iter().position(|(n, _)| *n == threads) {
        Some(i) => pools.remove(i).1,
        None => {
            let pool = start()?;
            if pools.len() == MAX_KEPT_POOLS {
                pools.remove(0);
            }
            pool
        }
    };
    pools.push((threads, pool.clone()));
    Ok(pool)
}

/// Runs `op` once on every thread of every kept pool, without waiting for it (each thread runs
/// it between tasks).
pub(crate) fn on_every_kept_thread(op: impl Fn() + Send + Sync + Clone + 'static) {
    for (_, pool) in kept().pools.iter() {
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
    fn the_pool_used_longest_ago_is_let_go_beyond_the_limit() {
        let mut pools: Vec<(usize, u32)> = Vec::new();
        let mut started = 0;
        let mut take = |pools: &mut Vec<(usize, u32)>, threads: usize| {
            take_or_start(pools, threads, || {
                started += 1;
                Ok(started)
            })
            .unwrap()
        };
        let first = take(&mut pools, 1);
        take(&mut pools, 2);
        assert_eq!(take(&mut pools, 1), first, "kept, now used last");
        for threads in 3..=MAX_KEPT_POOLS {
            take(&mut pools, threads);
        }
        assert_eq!(pools.len(), MAX_KEPT_POOLS);
        // One more: the pool of 2 threads, used longest ago, is let go; 1 stays.
        take(&mut pools, 100);
        let sizes: Vec<usize> = pools.iter().map(|(n, _)| *n).collect();
        assert_eq!(sizes.len(), MAX_KEPT_POOLS);
        assert!(!sizes.contains(&2) && sizes.contains(&1) && sizes.contains(&100));
        assert_eq!(take(&mut pools, 1), first);
        assert_ne!(take(&mut pools, 2), 2, "started anew");
        assert!(take_or_start(&mut pools, 200, || Err("no threads".into())).is_err());
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
