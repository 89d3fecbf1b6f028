//! Headless Chromium for the tests of the html format: finding it (or skipping loudly), and
//! running it on a page in a window of a given size, bounded in time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one Chromium run may take before it is killed.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The Chromium binary on PATH, or `None` after saying loudly that the test is skipped (a
/// failure instead when `TOKENCENSUS_REQUIRE_CHROMIUM=1`).
pub fn chromium() -> Option<PathBuf> {
    super::tool_or_skip(
        &["chromium", "chromium-browser"],
        ("TOKENCENSUS_REQUIRE_CHROMIUM", "apt-get install chromium"),
        "the HTML charts were NOT checked in a browser",
    )
}

/// Runs headless Chromium on `page` in a window of `(width, height)` pixels with `extra`
/// arguments and returns its standard output; a run that outlives [`TIMEOUT`] is killed with
/// its whole process group and tried once more.
pub fn headless(
    browser: &Path,
    page: &Path,
    (width, height): (u32, u32),
    extra: &str,
    work: &Path,
) -> String {
    use std::os::unix::process::CommandExt;
    for attempt in 1..=2 {
        let profile = tempfile::tempdir_in(work).unwrap();
        let out_path = work.join(format!("stdout-{attempt}.txt"));
        let err_path = work.join(format!("stderr-{attempt}.txt"));
        let mut child = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
            ])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(extra)
            .arg(format!("file://{}", page.display()))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(std::fs::File::create(&err_path).unwrap())
            .process_group(0)
            .spawn()
            .expect("chromium starts");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > TIMEOUT {
                let group = format!("-{}", child.id());
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        match status {
            Some(status) => {
                let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
                assert!(
                    status.success(),
                    "chromium {extra} failed: {status}\n{stderr}"
                );
                return std::fs::read_to_string(&out_path).unwrap();
            }
            None => eprintln!("chromium {extra}: killed after {TIMEOUT:?} (attempt {attempt})"),
        }
    }
    panic!("chromium {extra} timed out twice");
}
