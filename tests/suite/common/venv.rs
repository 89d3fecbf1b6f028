//! A private Python environment provisioned from a pinned requirements file, for tests that
//! check an output with a real outside tool. Environments live in the user's cache folder
//! (`$TOKENCENSUS_TEST_VENVS`, else `$XDG_CACHE_HOME/tokencensus/test-venvs`, else
//! `~/.cache/tokencensus/test-venvs`), one per requirements file and Python, named after a
//! digest of both (comments aside): every clone and worktree of the repository shares them
//! (about 1 GB together), made once and never changed afterwards (tests put their own packages
//! on `PYTHONPATH`). A lock folder lets one test run make an environment while others wait.
//! Every step is bounded in time. Without `python3` or a network the caller skips with the
//! reason, unless its variable says the tools are required (CI). Without a home or a writable
//! cache folder, environments go under `target/tmp/test-venvs`.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// What an environment is for: its name, what it installs, and the variable that makes its
/// absence a failure.
pub struct Venv<'a> {
    /// A short name for the environment's folder (`python`, `disclosure-tools`).
    pub name: &'a str,
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

/// The folder that holds the shared environments.
fn venvs_folder() -> PathBuf {
    let from = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = from("TOKENCENSUS_TEST_VENVS") {
        return PathBuf::from(dir);
    }
    let cache = from("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| from("HOME").map(|home| Path::new(&home).join(".cache")));
    cache.map_or_else(
        || Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-venvs"),
        |cache| cache.join("tokencensus/test-venvs"),
    )
}

/// `python3`'s version and real location, which an environment made from it depends on; `None`
/// without a `python3`.
fn base_python() -> Option<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, sys; print(sys.version); print(os.path.realpath(sys.executable))",
        ])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Holds `path` (a lock folder) while alive.
struct Lock(PathBuf);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

impl Lock {
    /// Takes the lock folder `path`, waiting at most `limit` for another process to release it;
    /// a lock older than `limit` was left by a process that died and is taken over.
    fn take(path: &Path, limit: Duration) -> Lock {
        let started = Instant::now();
        loop {
            match std::fs::create_dir(path) {
                Ok(()) => return Lock(path.to_path_buf()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|age| age > limit) {
                        let _ = std::fs::remove_dir(path);
                        continue;
                    }
                    assert!(
                        started.elapsed() < limit,
                        "{} stayed locked longer than {limit:?}",
                        path.display()
                    );
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("cannot make the lock {}: {e}", path.display()),
            }
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
        let Some(base) = base_python() else {
            self.skip("there is no python3 here");
            return None;
        };
        // What is installed: the requirements without their comments (which may change freely).
        let wanted: String = std::fs::read_to_string(&self.requirements)
            .expect("requirements")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        let digest = Sha256::digest(format!("{base}\n{wanted}"));
        let key: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let mut folder = venvs_folder();
        if let Err(e) = std::fs::create_dir_all(&folder) {
            // An unwritable cache folder: this build's own folder instead.
            eprintln!("cannot make {} ({e}): using target/", folder.display());
            folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-venvs");
            std::fs::create_dir_all(&folder).unwrap();
        }
        let venv = folder.join(format!("{}-{key}", self.name));
        let done = venv.join("tokencensus-requirements.txt");
        if !done.is_file() {
            let _lock = Lock::take(
                &folder.join(format!("{}-{key}.lock", self.name)),
                self.limit,
            );
            if !done.is_file() && !self.provision(&venv) {
                return None;
            }
            std::fs::write(&done, wanted).unwrap();
        }
        Some(venv.join("bin"))
    }

    /// Makes `venv` afresh and installs the requirements into it; false (after saying why)
    /// when either fails.
    fn provision(&self, venv: &Path) -> bool {
        let _ = std::fs::remove_dir_all(venv);
        eprintln!(
            "making {} from {}",
            venv.display(),
            self.requirements.display()
        );
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv)
            .status();
        if !made.is_ok_and(|s| s.success()) {
            self.skip("python3 -m venv failed (no python3 with venv here)");
            return false;
        }
        let child = Command::new(venv.join("bin/python"))
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
            return false;
        }
        true
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
