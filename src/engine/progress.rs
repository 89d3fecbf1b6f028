//! Progress of a run: atomic counters bumped once per chunk (never per token; stored bytes of a
//! stream as they are read) and, when asked, an indicatif bar on stderr redrawn by a side thread.

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Shared counters of work done.
#[derive(Debug, Default)]
pub struct Progress {
    bytes: AtomicU64,
    tokens: AtomicU64,
}

impl Progress {
    /// Adds input bytes done.
    pub fn add_bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// Adds tokens counted.
    pub fn add_tokens(&self, n: u64) {
        self.tokens.fetch_add(n, Ordering::Relaxed);
    }

    /// Runs `work` while a bar for `total` input bytes is drawn on stderr, if `show`.
    pub fn show_while<T>(&self, total: u64, show: bool, work: impl FnOnce() -> T) -> T {
        if !show {
            return work();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30.cyan/blue} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} {msg} ETA {eta}",
            )
            .expect("valid template"),
        );
        let done = AtomicBool::new(false);
        let start = Instant::now();
        std::thread::scope(|s| {
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let tokens = self.tokens.load(Ordering::Relaxed);
                    let rate = tokens as f64 / start.elapsed().as_secs_f64().max(1e-3);
                    bar.set_position(self.bytes.load(Ordering::Relaxed));
                    bar.set_message(format!(
                        "{} tokens, {}/s",
                        HumanCount(tokens),
                        HumanCount(rate as u64)
                    ));
                    std::thread::sleep(Duration::from_millis(200));
                }
                bar.finish_and_clear();
            });
            let out = work();
            done.store(true, Ordering::Relaxed);
            out
        })
    }
}
