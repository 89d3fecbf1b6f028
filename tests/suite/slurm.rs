//! Issue 6 on a real scheduler: starts a throw-away single-node Slurm cluster on localhost
//! (`tests/slurm/cluster.sh`), submits `examples/slurm/submit.sh` over a copy of the sample
//! corpus as a job array of 3 tasks plus the dependent merge job, and compares the merged
//! report with a single-process `count` (everything but the `run` object).
//!
//! Needs root and Debian's `slurm-wlm` and `munge`. Without them the test says why and
//! passes, unless `TOKENCENSUS_REQUIRE_SLURM=1` (set by `.ci/run`), in which case it fails.
//! See `tests/slurm/README.md`.

use crate::common::{census_only, root, test_cache_home};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The whole test, cluster start included, must finish within this.
const TOTAL: Duration = Duration::from_secs(120);
/// Of which the cluster may take this long to come up.
const START_TIMEOUT_SECS: u64 = 60;
const SHARDS: usize = 3;

fn required() -> bool {
    std::env::var("TOKENCENSUS_REQUIRE_SLURM").is_ok_and(|v| v == "1")
}

/// Whether `name` is an executable on PATH or in /usr/sbin, /sbin (daemons live there).
fn have(name: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .any(|d| {
            std::fs::metadata(d.join(name))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A command with a clean scheduler environment: when this test itself runs inside a Slurm
/// job or a Kubernetes Indexed Job, their variables must reach neither our cluster's jobs
/// nor the single-process run (which would otherwise count only one shard). The test's own
/// cache folder reaches both (jobs get the environment they were submitted with).
fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("XDG_CACHE_HOME", test_cache_home());
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("SLURM_")
            || k.starts_with("SBATCH_")
            || k.starts_with("SQUEUE_")
            || k == "JOB_COMPLETION_INDEX"
            || k == "TOKENCENSUS_SHARD_COUNT"
        {
            cmd.env_remove(&key);
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")]);
    cmd.env("PATH", std::env::join_paths(dirs).unwrap());
    cmd
}

fn output(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Prints the last lines of every `*.log` in `dir`.
fn dump_logs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "log"))
    {
        let content = std::fs::read_to_string(f).unwrap_or_default();
        let lines: Vec<&str> = content.lines().collect();
        eprintln!("===== {} (last 40 lines) =====", f.display());
        for line in &lines[lines.len().saturating_sub(40)..] {
            eprintln!("{line}");
        }
    }
}

/// The running cluster. Dropping it (also when the test fails or panics) runs
/// `cluster.sh stop`, which kills exactly the daemons started in `dir`.
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn script() -> PathBuf {
        root().join("tests/slurm/cluster.sh")
    }

    fn start(dir: PathBuf) -> Cluster {
        // The guard exists before the daemons do: a half-started cluster is stopped too.
        let cluster = Cluster { dir };
        let t = Instant::now();
        let out = output(
            command(Cluster::script())
                .arg("start")
                .arg(&cluster.dir)
                .env("CLUSTER_START_TIMEOUT", START_TIMEOUT_SECS.to_string()),
        );
        assert!(
            out.status.success(),
            "cluster.sh start failed ({}):\n{}{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        eprintln!(
            "slurm: cluster up in {:.1} s: {}",
            t.elapsed().as_secs_f64(),
            text(&out.stderr).trim()
        );
        cluster
    }

    fn conf(&self) -> PathBuf {
        self.dir.join("slurm.conf")
    }

    /// A Slurm client command talking to this cluster.
    fn client(&self, program: &str) -> Command {
        let mut cmd = command(program);
        cmd.env("SLURM_CONF", self.conf());
        cmd
    }

    /// Runs `submit.sh` with the given variables and returns (array job, merge job).
    fn submit(&self, vars: &[(&str, &Path)]) -> (String, String) {
        let mut cmd = self.client("bash");
        cmd.arg(root().join("examples/slurm/submit.sh"))
            .env("SHARDS", SHARDS.to_string())
            // The node has nproc CPUs (2 on small CI machines): one CPU per task.
            .env("CPUS_PER_TASK", "1");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = output(&mut cmd);
        let stdout = text(&out.stdout);
        assert!(
            out.status.success(),
            "submit.sh failed ({}):\n{stdout}{}",
            out.status,
            text(&out.stderr)
        );
        let id = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("no {key} in submit.sh output: {stdout}"))
                .to_string()
        };
        (id("ARRAY_JOB="), id("MERGE_JOB="))
    }

    /// The states of all jobs (array tasks included) of `job`.
    fn states(&self, job: &str) -> Vec<String> {
        let out = output(self.client("scontrol").args(["show", "job", "-o", job]));
        text(&out.stdout)
            .split_whitespace()
            .filter_map(|w| w.strip_prefix("JobState="))
            .map(str::to_string)
            .collect()
    }

    /// Waits until every job of `jobs` has finished, returning their final states; panics
    /// at `deadline`.
    fn wait(&self, jobs: &[&str], deadline: Instant) -> Vec<String> {
        const RUNNING: &[&str] = &[
            "PENDING",
            "CONFIGURING",
            "RUNNING",
            "COMPLETING",
            "REQUEUED",
            "REQUEUE_HOLD",
            "REQUEUE_FED",
            "RESIZING",
            "SUSPENDED",
            "STAGE_OUT",
            "SIGNALING",
        ];
        loop {
            let states: Vec<String> = jobs.iter().flat_map(|j| self.states(j)).collect();
            if !states.is_empty() && !states.iter().any(|s| RUNNING.contains(&s.as_str())) {
                return states;
            }
            if Instant::now() > deadline {
                let q = output(self.client("squeue").arg("--states=all"));
                panic!(
                    "jobs {jobs:?} not finished in time; states {states:?}\n{}",
                    text(&q.stdout)
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let out = command(Cluster::script())
            .arg("stop")
            .arg(&self.dir)
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!("cluster.sh stop failed: {}", text(&o.stderr)),
            Err(e) => eprintln!("cannot run cluster.sh stop: {e}"),
        }
        if std::thread::panicking() {
            dump_logs(&self.dir.join("log"));
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Asserts that every job finished COMPLETED, printing the job logs otherwise.
fn assert_completed(states: &[String], workdir: &Path) {
    if states.iter().any(|s| s != "COMPLETED") {
        dump_logs(&workdir.join("logs"));
        panic!("jobs did not all complete: {states:?}");
    }
}

fn read_json(path: &Path) -> Value {
    let s = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn a_job_array_and_its_merge_equal_one_process() {
    let t0 = Instant::now();
    let deadline = t0 + TOTAL;
    let missing: Vec<&str> = [
        "munged",
        "slurmctld",
        "slurmd",
        "sbatch",
        "scontrol",
        "sinfo",
    ]
    .into_iter()
    .filter(|b| !have(b))
    .collect();
    let why = if !missing.is_empty() {
        Some(format!(
            "{} not installed (apt-get install -y slurm-wlm munge)",
            missing.join(", ")
        ))
    } else if !is_root() {
        Some("not root (slurmd must start jobs as their owner)".to_string())
    } else {
        None
    };
    if let Some(why) = why {
        assert!(!required(), "TOKENCENSUS_REQUIRE_SLURM=1 but {why}");
        eprintln!("skipping the Slurm test: {why}");
        return;
    }

    let base = tempfile::Builder::new()
        .prefix("tokencensus-slurm-")
        .tempdir()
        .unwrap();
    let corpus = base.path().join("corpus");
    copy_dir(&root().join("fixtures/sample"), &corpus);
    let manifest = corpus.join("sources.toml");

    let cluster = Cluster::start(base.path().join("cluster"));

    let bin = PathBuf::from(env!("CARGO_BIN_EXE_tokencensus"));
    let tokenizer = root().join("fixtures/tokenizers/llama3.tokenizer.json.zst");
    let workdir = base.path().join("run");
    let t = Instant::now();
    let (array, merge) = cluster.submit(&[
        ("TOKENCENSUS", &bin),
        ("MANIFEST", &manifest),
        ("TOKENIZER", &tokenizer),
        ("WORKDIR", &workdir),
    ]);
    let states = cluster.wait(&[&array, &merge], deadline);
    assert_completed(&states, &workdir);
    eprintln!(
        "slurm: tokencensus array {array} ({SHARDS} shards) and merge {merge} done in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    for i in 0..SHARDS {
        assert!(workdir.join(format!("parts/part-{i}.json")).is_file());
        assert!(workdir.join(format!("checkpoints/task-{i}")).is_dir());
    }

    let single = base.path().join("single.json");
    let out = output(
        command(&bin)
            .args(["count", "--format", "json", "--quiet", "--manifest"])
            .arg(&manifest)
            .arg("--tokenizer")
            .arg(&tokenizer)
            .arg("-o")
            .arg(&single)
            // From where the tasks ran (WORKDIR): the files are spelled as they spelled them,
            // so that the file sets (fingerprints of path, size and time) compare too.
            .current_dir(&workdir),
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "single-process count failed ({}): {}",
        out.status,
        text(&out.stderr)
    );
    let merged = census_only(read_json(&workdir.join("report.json")));
    let single = census_only(read_json(&single));
    assert!(
        merged == single,
        "the merged report differs from the single-process one\nmerged: {}\nsingle: {}",
        serde_json::to_string_pretty(&merged).unwrap(),
        serde_json::to_string_pretty(&single).unwrap()
    );
    assert!(
        t0.elapsed() < TOTAL,
        "took {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    drop(cluster);
}
