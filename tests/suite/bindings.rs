//! Issue 17: the Python package. Lays `bindings/python` out in `target/python/site/` and runs
//! its pytest suite (`bindings/python/tests`: counts against the Python `tokenizers` reference,
//! `count` and `render` against this binary, tallies, the datatrove step and the Ray example)
//! with that folder on `PYTHONPATH`, in a private virtual environment.
//!
//! The package's native module is the one this `cargo test` built (`bindings/python` is a
//! default member of the workspace), laid out as its wheel would be: no second build of every
//! dependency. With `TOKENCENSUS_PYTHON_WHEEL=1` (set by `.ci/run`) the test instead builds the
//! release wheel with maturin (its Cargo build kept in `target/python/cargo`) and pip installs
//! it into that folder, as a user would into site-packages.
//!
//! The environment (`common::venv`, shared by every clone of the repository) gets
//! `bindings/python/tests/requirements.txt` (maturin, pytest, hypothesis, tokenizers 0.23.3,
//! Ray, datatrove) from PyPI once; later runs reuse it. Without `python3` or a network the test
//! says why and passes, unless `TOKENCENSUS_REQUIRE_PYTHON=1` (set by `.ci/run`), in which
//! case it fails. `TOKENCENSUS_PYTEST_ARGS` adds pytest arguments (`-k tally`, `-x`).
//!
//! The longest test of the suite (a fresh environment's install, then pytest; in CI also the
//! release wheel's build), so its module's name sorts early: the test harness starts tests in
//! the order of their names, and the others then share the second thread meanwhile.

use crate::common::venv::{Venv, wait_bounded};
use crate::common::{root, test_cache_home};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

/// Installing the requirements the first time, building the wheel and running pytest must
/// each finish within this.
const STEP_LIMIT: Duration = Duration::from_secs(40 * 60);

/// Runs `cmd` (its output goes to this test's output), bounded in time.
fn run(cmd: &mut Command, what: &str) -> bool {
    eprintln!("bindings:: {what}: {cmd:?}");
    let child = cmd
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    wait_bounded(child, what, STEP_LIMIT)
}

/// `python -m pip install ARGS`, quietly, bounded in time.
fn pip_install(python: &Path, args: &[&std::ffi::OsStr], what: &str) -> bool {
    let mut cmd = Command::new(python);
    cmd.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]);
    run(cmd.args(args), what)
}

/// Whether to test the release wheel a user's `pip install` builds (`TOKENCENSUS_PYTHON_WHEEL=1`,
/// set by `.ci/run`) rather than the native module this `cargo test` built.
fn wheel_wanted() -> bool {
    std::env::var("TOKENCENSUS_PYTHON_WHEEL").is_ok_and(|v| v == "1")
}

/// Builds the abi3 release wheel with maturin (its Cargo build kept in `dir/cargo`) and installs
/// it into `site`, as `pip install bindings/python` would into site-packages.
fn install_release_wheel(python: &Path, dir: &Path, site: &Path) {
    let wheels = dir.join("wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    let built = run(
        Command::new(python.with_file_name("maturin"))
            .args(["build", "--release", "--quiet", "--manifest-path"])
            .arg(root().join("bindings/python/Cargo.toml"))
            .arg("--out")
            .arg(&wheels)
            .arg("--interpreter")
            .arg(python)
            .env("CARGO_TARGET_DIR", dir.join("cargo")),
        "maturin build",
    );
    assert!(built, "maturin could not build the wheel");
    let wheel = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("a wheel");
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.contains("abi3"), "{name} is not an abi3 wheel");
    let installed = pip_install(
        python,
        &[
            "--no-deps".as_ref(),
            "--target".as_ref(),
            site.as_os_str(),
            wheel.as_os_str(),
        ],
        "pip install the wheel",
    );
    assert!(installed, "pip could not install {name}");
}

/// The last change of `path`: its modification time, or for a folder the newest of the files
/// under it.
fn last_change(path: &Path) -> SystemTime {
    if !path.is_dir() {
        return path.metadata().and_then(|m| m.modified()).unwrap();
    }
    std::fs::read_dir(path)
        .unwrap()
        .map(|e| last_change(&e.unwrap().path()))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// The native module this `cargo test` built: `bindings/python` is a default member of the
/// workspace, so Cargo leaves its cdylib in the build's `deps/` folder (the newest one, should
/// older builds be there too). It must be newer than every source of the library and the
/// bindings, else it was built from older sources (`cargo test --test suite` alone does not
/// rebuild it).
fn built_module() -> PathBuf {
    let deps = Path::new(env!("CARGO_BIN_EXE_tokencensus"))
        .parent()
        .unwrap()
        .join("deps");
    let module = std::fs::read_dir(&deps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("lib_native") && (name.ends_with(".so") || name.ends_with(".dylib"))
        })
        .max_by_key(|p| last_change(p))
        .expect("no lib_native module in deps/: run `cargo test` (all default members)");
    let built = last_change(&module);
    let sources = [
        "src",
        "bindings/python/src",
        "Cargo.toml",
        "bindings/python/Cargo.toml",
    ];
    for source in sources.map(|s| root().join(s)) {
        assert!(
            built >= last_change(&source),
            "{} is older than {}: run `cargo test` (or `cargo build -p tokencensus-python`) so \
             that the module is rebuilt from these sources",
            module.display(),
            source.display()
        );
    }
    module
}

/// Lays the package out in `site` as its wheel would: the Python sources of
/// `bindings/python/python/tokencensus` and [`built_module`] as its `_native` extension.
/// Whatever an earlier run put there is removed first.
fn lay_out_built_module(site: &Path) {
    let package = site.join("tokencensus");
    std::fs::create_dir_all(&package).unwrap();
    let sources = root().join("bindings/python/python/tokencensus");
    for entry in std::fs::read_dir(&sources).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, package.join(path.file_name().unwrap())).unwrap();
        }
    }
    let module = built_module();
    eprintln!(
        "bindings:: laying out {} as tokencensus._native",
        module.display()
    );
    std::fs::copy(&module, package.join("_native.abi3.so")).unwrap();
}

#[test]
fn the_python_package_passes_its_pytest_suite() {
    let environment = Venv {
        name: "python",
        requirements: root().join("bindings/python/tests/requirements.txt"),
        require_variable: "TOKENCENSUS_REQUIRE_PYTHON",
        limit: STEP_LIMIT,
    };
    let Some(python) = environment.bin().map(|bin| bin.join("python")) else {
        return;
    };
    // The shared environment is never modified: the package goes into this build's own folder.
    let dir = root().join("target/python");
    let site = dir.join("site");
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(&site).unwrap();
    if wheel_wanted() {
        install_release_wheel(&python, &dir, &site);
    } else {
        lay_out_built_module(&site);
    }
    let extra = std::env::var("TOKENCENSUS_PYTEST_ARGS").unwrap_or_default();
    let passed = run(
        Command::new(&python)
            .args(["-m", "pytest", "-p", "no:cacheprovider", "-q"])
            .args(extra.split_whitespace())
            .arg(root().join("bindings/python/tests"))
            .current_dir(root())
            .env("PYTHONPATH", &site)
            .env("TOKENCENSUS_BIN", env!("CARGO_BIN_EXE_tokencensus"))
            .env("XDG_CACHE_HOME", test_cache_home())
            .env("RAY_USAGE_STATS_ENABLED", "0"),
        "pytest bindings/python/tests",
    );
    assert!(passed, "the Python tests failed (their output is above)");
}
