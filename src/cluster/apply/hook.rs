//! Hook objects: applied one at a time like any object of the release (same field manager, same
//! ownership marks, so a later `before-hook-creation` delete only ever removes our own), then
//! waited for until they have done their work: a Job complete, a Pod succeeded, anything else
//! ready.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::Value;

use super::{Applier, Error, ObjectKey, Reason};
use crate::cluster::ready::{Readiness, readiness};
use crate::render::Object;

/// Whether a hook has done its work: a Pod must have succeeded (running is not enough), a Job
/// completed; anything else is done when it is ready.
pub fn hook_readiness(live: &Value) -> Readiness {
    if live["kind"] != "Pod" {
        return readiness(live);
    }
    let phase = live
        .pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("Pending");
    match (phase, readiness(live)) {
        ("Succeeded", _) => Readiness::Ready,
        (_, Readiness::Failed(reason)) => Readiness::Failed(reason),
        _ => Readiness::Pending(format!("phase {phase}, not finished")),
    }
}

impl Applier {
    /// Applies one hook object, refusing one that exists and is not this release's (unless
    /// `--take-ownership`).
    pub async fn apply_hook(
        &mut self,
        object: &Object,
        timeout: Duration,
    ) -> Result<ObjectKey, Error> {
        let applied = self
            .apply(std::slice::from_ref(object), &HashSet::new(), timeout)
            .await?;
        Ok(applied
            .into_iter()
            .next()
            .unwrap_or_else(|| self.key_of(object)))
    }

    /// Waits until the hook has done its work, it failed, or `timeout` passed.
    pub async fn wait_hook(&self, object: &Object, timeout: Duration) -> Result<(), Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut delay = Duration::from_millis(50);
        loop {
            let (key, live) = self.live(object).await?;
            let state = match live {
                None => Readiness::Pending("does not exist yet".into()),
                Some(live) => hook_readiness(&live),
            };
            match state {
                Readiness::Ready => return Ok(()),
                Readiness::Failed(reason) => {
                    return Err(Error::new("run hook", key, Reason::Failed(reason)));
                }
                Readiness::Pending(reason) => {
                    self.report(&format!("waiting for hook {key}: {reason}"));
                    if tokio::time::Instant::now() >= deadline {
                        return Err(Error::new(
                            "run hook",
                            key,
                            Reason::NotReady {
                                after: timeout,
                                reason,
                            },
                        ));
                    }
                }
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pod_hook_is_done_when_it_succeeded_not_when_it_runs() {
        let running = json!({"kind": "Pod", "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}});
        assert!(matches!(hook_readiness(&running), Readiness::Pending(_)));
        let done = json!({"kind": "Pod", "status": {"phase": "Succeeded"}});
        assert!(hook_readiness(&done).is_ready());
        let failed = json!({"kind": "Pod", "status": {"phase": "Failed"}});
        assert!(matches!(hook_readiness(&failed), Readiness::Failed(_)));
        let config = json!({"kind": "ConfigMap"});
        assert!(hook_readiness(&config).is_ready());
    }
}
