//! Retrying API calls that failed for a passing reason: 429 Too Many Requests, 5xx (except 501),
//! a connection refused or reset. Nothing else is retried: a 4xx is an answer, not an accident.

use std::future::Future;
use std::time::Duration;

/// Attempts per call, the first included.
pub const ATTEMPTS: u32 = 6;
const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Whether `error` may go away if the same request is sent again.
pub fn is_transient(error: &kube::Error) -> bool {
    match error {
        kube::Error::Api(status) => {
            status.code == 429 || (status.code >= 500 && status.code != 501)
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) => true,
        _ => false,
    }
}

/// Runs `call` until it succeeds, fails for a lasting reason, or has been tried `ATTEMPTS`
/// times, waiting 100 ms, 200 ms, 400 ms... (at most 2 s) between attempts.
pub async fn retry<T, F, Fut>(mut call: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let mut delay = FIRST_DELAY;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(error) if attempt < ATTEMPTS && is_transient(&error) => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_DELAY);
                attempt += 1;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn api_error(code: u16) -> kube::Error {
        kube::Error::Api(Box::new(
            kube::core::Status::failure("injected", "Injected").with_code(code),
        ))
    }

    #[test]
    fn transient_errors() {
        assert!(is_transient(&api_error(429)));
        assert!(is_transient(&api_error(503)));
        assert!(is_transient(&api_error(500)));
        assert!(!is_transient(&api_error(501)));
        assert!(!is_transient(&api_error(409)));
        assert!(!is_transient(&api_error(422)));
        assert!(!is_transient(&api_error(404)));
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_errors_and_nothing_else() {
        let calls = AtomicU32::new(0);
        let result = retry(|| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(api_error(503))
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let calls = AtomicU32::new(0);
        let result: Result<(), _> = retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(api_error(422))
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1, "a 422 is not retried");

        let calls = AtomicU32::new(0);
        let result: Result<(), _> = retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(api_error(429))
        })
        .await;
        assert!(result.is_err());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            ATTEMPTS,
            "gives up after ATTEMPTS"
        );
    }
}
