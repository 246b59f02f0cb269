//! Running a release's hooks: one at a time in their order (see [`crate::hooks::order`]), each
//! from the manifest its record keeps, applied, then waited for within the operation's timeout,
//! with its delete policies, and its run written into the record. The first failure stops the
//! rest and says why: the Job or Pod, its containers' states and the last lines of its log.

use std::time::Duration;

use crate::cluster::Cluster;
use crate::cluster::apply::{Applier, Progress};
use crate::error::{Error, Result};
use crate::hooks::{self, DeletePolicy, Event, Hook, Phase};
use crate::render::{self, Object};

/// How long one hook may take when the command names no `--timeout` (Helm's default).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// One hook's run.
#[derive(Debug, Clone)]
pub struct HookResult {
    /// Index into the record's hooks.
    pub index: usize,
    pub duration: Duration,
    /// Why it failed, in full (several lines: the state, then the log's last lines).
    pub failure: Option<String>,
    /// `--logs`: `(pod, container, text)` of its Pods.
    pub logs: Vec<(String, String, String)>,
}

/// Where hooks run, and how.
pub(super) struct Runner<'a> {
    pub cluster: &'a Cluster,
    pub namespace: &'a str,
    pub timeout: Duration,
    pub progress: Option<&'a Progress>,
}

/// The hook's object, from the manifest its record keeps.
fn object_of(hook: &Hook) -> Result<Object> {
    render::manifest::parse_documents(&hook.path, &hook.manifest)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            Error::message(format!(
                "the record of hook {} has no manifest",
                hook.display_name()
            ))
        })
}

impl Runner<'_> {
    /// Runs the hooks of `event` in order, writing each run into `hooks`; stops at the first
    /// failure with an error that says which hook failed and why.
    pub async fn run_event(
        &self,
        applier: &mut Applier,
        hooks: &mut [Hook],
        event: Event,
    ) -> Result<()> {
        for index in hooks::order(hooks, event) {
            let result = self.run_one(applier, hooks, index, event, false).await?;
            if let Some(failure) = result.failure {
                let hook = &hooks[index];
                let mut lines = failure.lines();
                let first = lines.next().unwrap_or_default();
                let rest: Vec<&str> = lines.collect();
                let mut message = format!("{event} hook {} failed: {first}", hook.display_name());
                for line in rest {
                    message.push('\n');
                    message.push_str(line);
                }
                return Err(Error::with_hint(
                    message,
                    format!(
                        "the hook comes from `{}`; `kubectl describe {} {} -n {}` shows more",
                        hook.path,
                        hook.kind.to_lowercase(),
                        hook.name,
                        self.namespace
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Runs one hook: deletes the previous object of the same name (`before-hook-creation`),
    /// applies it, waits for it, keeps its logs if asked (`with_logs`), applies the
    /// `hook-succeeded` or `hook-failed` policy, and records its run. An `Err` is a failure to
    /// run it at all (the API refused it); a hook that ran and failed is `Ok` with `failure`.
    pub async fn run_one(
        &self,
        applier: &mut Applier,
        hooks: &mut [Hook],
        index: usize,
        event: Event,
        with_logs: bool,
    ) -> Result<HookResult> {
        let object = object_of(&hooks[index])?;
        let hook = &mut hooks[index];
        let namespace = object.namespace().unwrap_or(self.namespace).to_string();
        Progress::report(
            self.progress,
            &format!("running {event} hook {}", hook.display_name()),
        );
        hook.last_run = hooks::Run {
            started_at: super::operation::now(),
            phase: Phase::Running,
            ..hooks::Run::default()
        };
        let started = std::time::Instant::now();
        let ran: Result<std::result::Result<(), String>> = async {
            if hook.has_policy(DeletePolicy::BeforeHookCreation) {
                applier
                    .delete(std::slice::from_ref(&object), Some(self.timeout))
                    .await?;
            }
            applier.apply_hook(&object, self.timeout).await?;
            Ok(match applier.wait_hook(&object, self.timeout).await {
                Ok(()) => Ok(()),
                Err(error) => Err(error.reason.to_string()),
            })
        }
        .await;
        let duration = started.elapsed();
        hook.last_run.completed_at = super::operation::now();
        let outcome = match ran {
            Ok(outcome) => outcome,
            Err(error) => {
                hook.last_run.phase = Phase::Failed;
                hook.last_run.reason = super::operation::error_summary(&error);
                return Err(error);
            }
        };
        let failure = match outcome {
            Ok(()) => None,
            Err(reason) => {
                // Read before any policy deletes the object (and its Pods with it).
                let why = crate::cluster::pods::explain_failure(
                    self.cluster,
                    &namespace,
                    &hook.kind,
                    &hook.name,
                )
                .await;
                // A failure's explanation says what the wait's reason says, and more; a
                // timeout's adds why to how long it waited.
                Some(match reason.strip_prefix("it failed: ") {
                    _ if why.is_empty() => reason,
                    Some(_) => why,
                    None => match why.split_once('\n') {
                        Some((state, log)) => format!("{reason}; {state}\n{log}"),
                        None => format!("{reason}; {why}"),
                    },
                })
            }
        };
        let logs = if with_logs {
            self.logs_of(&namespace, hook).await
        } else {
            Vec::new()
        };
        hook.last_run.phase = if failure.is_some() {
            Phase::Failed
        } else {
            Phase::Succeeded
        };
        hook.last_run.reason = failure
            .as_deref()
            .map(|f| f.lines().next().unwrap_or_default().to_string())
            .unwrap_or_default();
        let policy = if failure.is_some() {
            DeletePolicy::HookFailed
        } else {
            DeletePolicy::HookSucceeded
        };
        if hook.has_policy(policy) {
            applier
                .delete(std::slice::from_ref(&object), Some(self.timeout))
                .await?;
        }
        Ok(HookResult {
            index,
            duration,
            failure,
            logs,
        })
    }

    /// The whole logs of the hook's Pods.
    async fn logs_of(&self, namespace: &str, hook: &Hook) -> Vec<(String, String, String)> {
        let Ok(pods) =
            crate::cluster::pods::pods_of(self.cluster, namespace, &hook.kind, &hook.name).await
        else {
            return Vec::new();
        };
        let mut logs = Vec::new();
        for pod in &pods {
            let name = pod.metadata.name.clone().unwrap_or_default();
            for (container, text) in
                crate::cluster::pods::logs(self.cluster, namespace, pod, None).await
            {
                logs.push((name.clone(), container, text));
            }
        }
        logs
    }
}
