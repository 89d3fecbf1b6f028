//! A private Python environment under `target/` provisioned from a pinned requirements file,
//! for tests that check an output with a real outside tool. Created once and reinstalled only
//! when the requirements change; every step is bounded in time. Without `python3` or a network
//! the caller skips with the reason, unless its variable says the tools are required (CI).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What an environment is for: where it lives, what it installs, and the variable that makes
/// its absence a failure.
pub struct Venv<'a> {
    /// The folder that holds `venv/`.
    pub dir: PathBuf,
    /// The pinned requirements file.
    pub requirements: PathBuf,
    /// `NAME=1` makes a missing environment a failure.
    pub require_variable: &'a str,
    /// Installing the requirements must finish within this.
    pub limit: Duration,
}

/// Waits for `child` at most `limit`, then kills it; whether it exited with status 0.
pub fn wait_bounded(mut child: Child, what: &str, limit: Duration) -> bool {
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for a child") {
            Some(status) => return status.success(),
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what} took longer than {limit:?} and was stopped");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

impl Venv<'_> {
    fn required(&self) -> bool {
        std::env::var(self.require_variable).is_ok_and(|v| v == "1")
    }

    /// Fails when required, else prints why the test does not run.
    fn skip(&self, reason: &str) {
        assert!(
            !self.required(),
            "{}=1 but {reason} (.ci/run installs what is needed)",
            self.require_variable
        );
        eprintln!(
            "\n*** SKIPPED: {reason} (set {}=1 to make this a failure) ***\n",
            self.require_variable
        );
    }

    /// The environment's `bin/` folder, made and provisioned when needed; `None` (after
    /// saying why) when that is impossible here.
    pub fn bin(&self) -> Option<PathBuf> {
        let venv = self.dir.join("venv");
        let python = venv.join("bin/python");
        std::fs::create_dir_all(&self.dir).unwrap();
        if !python.is_file() {
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status();
            if !made.is_ok_and(|s| s.success()) {
                self.skip("python3 -m venv failed (no python3 with venv here)");
                return None;
            }
        }
        let wanted = std::fs::read_to_string(&self.requirements).expect("requirements");
        let stamp = venv.join("tokencensus-requirements.txt");
        if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
            let child = Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-r",
                ])
                .arg(&self.requirements)
                .stdin(Stdio::null())
                .spawn()
                .expect("start pip");
            if !wait_bounded(child, "pip install", self.limit) {
                self.skip("pip could not install the requirements (no network to PyPI?)");
                return None;
            }
            std::fs::write(&stamp, wanted).unwrap();
        }
        Some(venv.join("bin"))
    }
}

/// Runs `cmd` bounded by `limit`, its output captured: (success, stdout, stderr).
pub fn output_bounded(cmd: &mut Command, limit: Duration) -> (bool, String, String) {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let id = child.id();
    let (done, waiting) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match waiting.recv_timeout(limit) {
        Ok(output) => {
            let output = output.expect("the child's output");
            (
                output.status.success(),
                String::from_utf8_lossy(&output.stdout).into_owned(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        }
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("{cmd:?} took longer than {limit:?} and was stopped");
        }
    }
}
