//! Discovery progress: how many files and bytes planning has found so far. On a terminal a
//! spinner on stderr shows the figures while folders are walked, so that walking a large tree
//! is never silent; the counters are shared by walks running in parallel.

use indicatif::{DecimalBytes, HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Redraw the message every this many files (the spinner itself ticks on its own).
const MESSAGE_EVERY: u64 = 512;

/// Files and bytes found so far, and the spinner that shows them, if any.
#[derive(Debug, Default)]
pub struct Discovery {
    files: AtomicU64,
    bytes: AtomicU64,
    spinner: Option<ProgressBar>,
}

impl Discovery {
    /// Counts without drawing anything.
    pub fn silent() -> Self {
        Self::default()
    }

    /// Draws a spinner with the figures on stderr when `show` (hidden when stderr is not a
    /// terminal).
    pub fn shown(show: bool) -> Self {
        if !show {
            return Self::silent();
        }
        let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        spinner.set_style(
            ProgressStyle::with_template("{spinner} discovering files: {msg}")
                .expect("valid template"),
        );
        spinner.enable_steady_tick(Duration::from_millis(120));
        Self {
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            spinner: Some(spinner),
        }
    }

    /// Notes one file of `size` bytes found.
    pub fn found(&self, size: u64) {
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        let bytes = self.bytes.fetch_add(size, Ordering::Relaxed) + size;
        if let Some(spinner) = &self.spinner
            && files % MESSAGE_EVERY == 1
        {
            spinner.set_message(describe(files, bytes));
        }
    }

    /// Files and bytes found so far.
    pub fn figures(&self) -> (u64, u64) {
        (
            self.files.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }
}

impl Drop for Discovery {
    fn drop(&mut self) {
        if let Some(spinner) = &self.spinner {
            spinner.finish_and_clear();
        }
    }
}

fn describe(files: u64, bytes: u64) -> String {
    format!("{} files, {}", HumanCount(files), DecimalBytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_add_up_across_threads() {
        let discovery = Discovery::shown(false);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..1000).for_each(|i| discovery.found(i)));
            }
        });
        assert_eq!(discovery.figures(), (4000, 4 * 499_500));
        assert_eq!(describe(1234, 2000), "1,234 files, 2.00 kB");
    }
}
