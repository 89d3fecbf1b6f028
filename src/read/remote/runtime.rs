//! The one small tokio runtime every remote read runs on, the bound on requests in flight, and
//! the retry loop: a request that fails transiently (a timeout, a reset connection, a 5xx,
//! throttling) is tried again after an exponential backoff with jitter, a bounded number of
//! times. Readers call in from their own threads and block until the answer is there.

use super::settings::Settings;
use rand::{Rng, SeedableRng};
use std::future::Future;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;

/// The shared runtime (two worker threads: the work is waiting on the network, not computing).
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tokencensus-remote")
            .enable_io()
            .enable_time()
            .build()
            .expect("the remote-reading runtime starts")
    })
}

/// Runs `future` on the shared runtime and waits for it on the calling thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    runtime().block_on(future)
}

/// The permits for requests in flight.
fn requests() -> &'static Semaphore {
    static REQUESTS: OnceLock<Semaphore> = OnceLock::new();
    REQUESTS.get_or_init(|| Semaphore::new(Settings::get().requests))
}

/// A request that failed for good, and how many times it was tried.
#[derive(Debug)]
pub struct Failed {
    /// The last error.
    pub error: object_store::Error,
    /// How many attempts were made.
    pub attempts: u32,
}

/// Runs the request `op`, holding a permit for each attempt and retrying transient failures.
pub async fn retrying<T, F, Fut>(mut op: F) -> Result<T, Failed>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, object_store::Error>>,
{
    let settings = Settings::get();
    let mut attempt = 0u32;
    loop {
        let permit = requests()
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let result = op().await;
        drop(permit);
        match result {
            Ok(value) => return Ok(value),
            Err(error) if attempt < settings.retries && transient(&error) => {
                tokio::time::sleep(backoff(settings, attempt, &mut jitter())).await;
                attempt += 1;
            }
            Err(error) => {
                return Err(Failed {
                    error,
                    attempts: attempt + 1,
                });
            }
        }
    }
}

/// The wait before retry `attempt` (0 first): at most `first_backoff · 2^attempt` (capped by
/// `max_backoff`), at least half of that, the rest drawn at random so that many readers that
/// failed together do not come back together.
pub fn backoff(settings: &Settings, attempt: u32, rng: &mut impl Rng) -> Duration {
    let doubled = settings.first_backoff.as_secs_f64() * 2f64.powi(attempt.min(30) as i32);
    let cap = doubled.min(settings.max_backoff.as_secs_f64());
    Duration::from_secs_f64(cap / 2.0 + rng.random_range(0.0..=cap / 2.0))
}

/// A random source for jitter, different in every call.
fn jitter() -> rand_chacha::ChaCha8Rng {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    rand_chacha::ChaCha8Rng::seed_from_u64(nanos ^ call.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Whether `error` may go away on its own: a transport failure, a timeout, a 5xx answer,
/// throttling (429) or a request timeout (408). A missing object, a refused or failed
/// precondition and other 4xx answers are final.
pub fn transient(error: &object_store::Error) -> bool {
    match error {
        // A body shorter than asked: the object changed, asking again does not help.
        object_store::Error::Generic { source, .. } if source.is::<super::object::ShortBody>() => {
            false
        }
        object_store::Error::Generic { .. } => match status_code(&error.to_string()) {
            Some(status) => status >= 500 || status == 408 || status == 429,
            None => true,
        },
        _ => false,
    }
}

/// The HTTP status an error message states (`status code: 503`), if any.
fn status_code(message: &str) -> Option<u16> {
    let at = message.find("status code: ")? + "status code: ".len();
    message.get(at..at + 3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_with_jitter_in_the_upper_half() {
        let settings = Settings {
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            ..Settings::default()
        };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for (attempt, cap_ms) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1000),
            (20, 1000),
        ] {
            let waits: Vec<Duration> = (0..50)
                .map(|_| backoff(&settings, attempt, &mut rng))
                .collect();
            let cap = Duration::from_millis(cap_ms);
            assert!(
                waits.iter().all(|w| *w >= cap / 2 && *w <= cap),
                "{attempt}: {waits:?}"
            );
            assert!(
                waits.iter().any(|w| *w != waits[0]),
                "no jitter at {attempt}"
            );
        }
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let generic = |message: &str| object_store::Error::Generic {
            store: "S3",
            source: message.to_string().into(),
        };
        assert!(transient(&generic(
            "error sending request: connection refused"
        )));
        assert!(transient(&generic(
            "Server returned non-2xx status code: 503 Slow Down"
        )));
        assert!(transient(&generic(
            "Server returned non-2xx status code: 429 Too Many"
        )));
        assert!(!transient(&generic(
            "Server returned non-2xx status code: 400 Bad Request"
        )));
        let missing = object_store::Error::NotFound {
            path: "k".into(),
            source: "404".into(),
        };
        assert!(!transient(&missing));
    }
}
