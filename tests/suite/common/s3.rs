//! A real S3-compatible server for the remote-input tests: moto's server (`moto[server]`, with
//! boto3 for setting up) started on 127.0.0.1 on a free port, stopped when dropped. A server
//! started `checked` enforces IAM after the setup requests: only the key it made is accepted
//! (moto 5 then rejects signed listings whose prefix holds a `/`, so the counting tests use an
//! unchecked server, which accepts any key). Python is
//! `$TOKENCENSUS_MOTO_PYTHON` (`.ci/run` makes a venv) or `python3`. Without moto the tests say
//! why and pass, unless `TOKENCENSUS_REQUIRE_S3=1` (set by `.ci/run`), when they fail.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to answer after it starts.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The setup script: `init` creates an IAM user with a key (printed), `upload BUCKET DIR PREFIX`
/// makes the bucket (if needed) and uploads a folder; `upload-public` makes both readable by
/// anyone (ACL `public-read`), as a public object served over HTTPS is.
const SETUP: &str = r#"
import boto3, json, os, sys
endpoint = sys.argv[1]
def client(service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=os.environ.get("KEY_ID", "setup"),
        aws_secret_access_key=os.environ.get("SECRET", "setup"))
action = sys.argv[2]
if action == "init":
    iam = client("iam")
    iam.create_user(UserName="census")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_user_policy(UserName="census", PolicyName="all", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="census")["AccessKey"]
    print(key["AccessKeyId"], key["SecretAccessKey"])
elif action in ("upload", "upload-public"):
    s3 = client("s3")
    bucket, folder, prefix = sys.argv[3], sys.argv[4], sys.argv[5]
    acl = {"ACL": "public-read"} if action == "upload-public" else {}
    if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=bucket, **acl)
    for root, dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            key = prefix + os.path.relpath(path, folder)
            s3.upload_file(path, bucket, key, ExtraArgs=acl)
"#;

/// The server script: moto's own application, except that each `/BUCKET/KEY=FILE` argument
/// makes the first GET of that object replace it with FILE's bytes before it is answered (GETs
/// wait meanwhile), so that a test changes an object between planning (which lists and heads,
/// never GETs) and reading, deterministically.
const SERVE: &str = r#"
import sys, threading
import boto3
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple
host, port = sys.argv[1], int(sys.argv[2])
app = DomainDispatcherApplication(create_backend_app)
pending = dict(arg.split("=", 1) for arg in sys.argv[3:])
lock = threading.Lock()
def replacing(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if environ["REQUEST_METHOD"] == "GET" and pending:
        with lock:
            new = pending.pop(path, None)
            if new is not None:
                bucket, key = path[1:].split("/", 1)
                s3 = boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                    aws_access_key_id="setup", aws_secret_access_key="setup")
                with open(new, "rb") as f:
                    s3.put_object(Bucket=bucket, Key=key, Body=f.read())
    return app(environ, start_response)
run_simple(host, port, replacing, threaded=True)
"#;

/// Whether the tests must run (in CI).
pub fn required() -> bool {
    std::env::var("TOKENCENSUS_REQUIRE_S3").is_ok_and(|v| v == "1")
}

fn python() -> String {
    std::env::var("TOKENCENSUS_MOTO_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A running server with one IAM user whose key the tests use.
pub struct S3Server {
    child: Child,
    dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The access key ID.
    pub key_id: String,
    /// The secret access key (no output may ever show it).
    pub secret: String,
}

impl S3Server {
    /// Starts a server (checking keys when `checked`), or says why it cannot and gives `None`
    /// (a failure when required).
    pub fn start(test: &str, checked: bool) -> Option<S3Server> {
        Self::launch(test, checked, &[])
    }

    /// Starts an unchecked server on which the first GET of each object `/BUCKET/KEY` of
    /// `replaced` first replaces it with the bytes of the file given with it.
    pub fn start_replacing(test: &str, replaced: &[(&str, &Path)]) -> Option<S3Server> {
        Self::launch(test, false, replaced)
    }

    fn launch(test: &str, checked: bool, replaced: &[(&str, &Path)]) -> Option<S3Server> {
        let probe = Command::new(python())
            .args(["-c", "import moto.server, boto3, flask"])
            .output();
        if !probe.is_ok_and(|o| o.status.success()) {
            let why = format!(
                "{test}: no moto server ({} cannot import moto.server, boto3 and flask; \
                 pip install \"moto[server]\" or set TOKENCENSUS_MOTO_PYTHON)",
                python()
            );
            assert!(!required(), "{why}");
            eprintln!("skipped {why}");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("setup.py"), SETUP).unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let mut command = Command::new(python());
        if replaced.is_empty() {
            command.args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ]);
        } else {
            std::fs::write(dir.path().join("serve.py"), SERVE).unwrap();
            command
                .arg(dir.path().join("serve.py"))
                .args(["127.0.0.1", &port.to_string()]);
            for (object, bytes) in replaced {
                command.arg(format!("{object}={}", bytes.display()));
            }
        }
        if checked {
            // The three setup requests go unchecked; every later one must be signed by a key
            // the server knows.
            command.env("INITIAL_NO_AUTH_ACTION_COUNT", "3");
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("moto's server starts");
        let mut server = S3Server {
            child,
            dir,
            endpoint: format!("http://127.0.0.1:{port}"),
            key_id: "AKIATOKENCENSUSTEST".into(),
            secret: "tokencensus-test-secret-0d5f9a".into(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the server did not start: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        if checked {
            let init = server.setup(&["init"]);
            let printed = String::from_utf8_lossy(&init.stdout).into_owned();
            let mut words = printed.split_whitespace();
            server.key_id = words.next().expect("a key id").to_string();
            server.secret = words.next().expect("a secret").to_string();
        }
        Some(server)
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn setup(&self, args: &[&str]) -> Output {
        let out = Command::new(python())
            .arg(self.dir.path().join("setup.py"))
            .arg(&self.endpoint)
            .args(args)
            .env("KEY_ID", &self.key_id)
            .env("SECRET", &self.secret)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "setup {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Uploads every file under `folder` (hidden ones too) to `bucket` under `prefix`.
    pub fn upload(&self, bucket: &str, folder: &Path, prefix: &str) {
        self.setup(&["upload", bucket, &folder.display().to_string(), prefix]);
    }

    /// Uploads every file under `folder` to `bucket` under `prefix`, the bucket (when made here)
    /// and the objects readable without credentials.
    pub fn upload_public(&self, bucket: &str, folder: &Path, prefix: &str) {
        self.setup(&[
            "upload-public",
            bucket,
            &folder.display().to_string(),
            prefix,
        ]);
    }

    /// The environment that points the program at this server with the test's key, with
    /// retries shortened.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", &self.key_id),
            ("AWS_SECRET_ACCESS_KEY", &self.secret),
            ("TOKENCENSUS_REMOTE_RETRIES", "3"),
            ("TOKENCENSUS_REMOTE_BACKOFF_MS", "20"),
            ("TOKENCENSUS_REMOTE_TIMEOUT_SECS", "20"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The result of one run of the binary.
pub struct Ran {
    /// Exit status code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// A command for the binary in `dir` with `env` and nothing of the caller's cloud or shard
/// settings.
pub fn command(dir: &Path, env: &[(String, String)]) -> Command {
    let mut command = super::tokencensus_command();
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("AWS_") || k.starts_with("TOKENCENSUS_REMOTE_") {
            command.env_remove(&key);
        }
    }
    for var in super::SHARD_VARIABLES {
        command.env_remove(var);
    }
    command
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)));
    command
}

/// Runs the binary with `args` in `dir` with `env`.
pub fn run_with(dir: &Path, env: &[(String, String)], args: &[&str]) -> Ran {
    let out = command(dir, env).args(args).output().unwrap();
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `merge --format json` of the saved `parts` in `dir`, with `env`.
pub fn merge_parts(dir: &Path, env: &[(String, String)], parts: &[String]) -> Ran {
    let mut args = vec!["merge", "--format", "json"];
    args.extend(parts.iter().map(String::as_str));
    run_with(dir, env, &args)
}

/// What `ran` printed, parsed as JSON (a failure shows both streams).
pub fn json(ran: &Ran) -> serde_json::Value {
    serde_json::from_str(&ran.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", ran.stdout, ran.stderr))
}

/// Every file under `dir`, for searching saved outputs.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                all.extend(files_under(&path));
            } else {
                all.push(path);
            }
        }
    }
    all
}
