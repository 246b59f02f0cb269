//! `test NAME`: run the test hooks of the release's deployed revision, from its record (no
//! chart), one at a time, each with its delete policies; every test runs even after one failed,
//! and each one's run (phase, start, end, why it failed) is stored in that revision's record,
//! where `status` shows it.

use std::time::Duration;

use super::hooks::HookResult;
use super::operation::{ApplySettings, Locking, Operation, with_lock};
use crate::cluster::Cluster;
use crate::cluster::apply::Progress;
use crate::error::{Error, Result};
use crate::hooks::{self, Event, Hook};
use crate::release::store::Store;
use crate::release::{Release, Status};

/// `--filter`: tests to run by name (`name=a,b`) and tests to leave out (`!name=c`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestFilter {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl TestFilter {
    /// Helm's syntax: each `--filter` is a comma-separated list of `name=X` (run only these) or
    /// `!name=X` (leave these out); a bare `Y` after one of them continues it.
    pub fn parse(specs: &[String]) -> std::result::Result<TestFilter, String> {
        let mut filter = TestFilter::default();
        for spec in specs {
            let mut exclude = None;
            for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (negated, rest) = match part.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, part),
                };
                let name = match rest.split_once('=') {
                    Some(("name", name)) => {
                        exclude = Some(negated);
                        name
                    }
                    Some((attribute, _)) => {
                        return Err(format!(
                            "invalid --filter `{spec}`: tests can be filtered by `name` only, not `{attribute}`"
                        ));
                    }
                    None if !negated && exclude.is_some() => rest,
                    None => {
                        return Err(format!(
                            "invalid --filter `{spec}`: expected `name=TEST` or `!name=TEST`"
                        ));
                    }
                };
                if name.is_empty() {
                    return Err(format!("invalid --filter `{spec}`: a test name is empty"));
                }
                match exclude {
                    Some(true) => filter.exclude.push(name.to_string()),
                    _ => filter.include.push(name.to_string()),
                }
            }
        }
        Ok(filter)
    }

    pub fn keeps(&self, name: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|n| n == name))
            && !self.exclude.iter().any(|n| n == name)
    }
}

/// `test NAME`.
#[derive(Debug, Clone, Default)]
pub struct TestSettings {
    pub release: String,
    pub filter: TestFilter,
    /// How long each test may take; `None`: 5 minutes.
    pub timeout: Option<Duration>,
    /// Keep the logs of the tests' Pods.
    pub logs: bool,
    pub progress: Option<Progress>,
}

/// One test's run.
#[derive(Debug, Clone)]
pub struct TestRun {
    pub hook: Hook,
    pub duration: Duration,
    /// Why it failed, in full.
    pub failure: Option<String>,
    /// `(pod, container, text)`, with `--logs`.
    pub logs: Vec<(String, String, String)>,
}

#[derive(Debug)]
pub struct TestOutcome {
    /// The tested revision's record, with the runs stored.
    pub release: Release,
    pub runs: Vec<TestRun>,
}

impl TestOutcome {
    pub fn failed(&self) -> Vec<&TestRun> {
        self.runs.iter().filter(|r| r.failure.is_some()).collect()
    }
}

/// Runs the release's tests and stores their runs.
pub async fn test(
    cluster: &Cluster,
    store: &impl Store,
    settings: &TestSettings,
) -> Result<TestOutcome> {
    with_lock(
        cluster,
        store,
        &cluster.namespace,
        &settings.release,
        Locking::Change,
        async |operation| test_locked(operation, settings).await,
    )
    .await
}

async fn test_locked(
    operation: &Operation<'_, impl Store>,
    settings: &TestSettings,
) -> Result<TestOutcome> {
    let name = operation.name;
    let revisions = operation.store.history(operation.namespace, name).await?;
    let deployed = revisions
        .iter()
        .rev()
        .find(|r| r.status == Status::Deployed)
        .ok_or_else(|| {
            Error::with_hint(
                format!(
                    "release `{name}` in namespace `{}` has no deployed revision to test",
                    operation.namespace
                ),
                format!("`charts history {name}` shows its revisions"),
            )
        })?;
    let mut record = operation.record(deployed.revision).await?;
    let tests = hooks::order(&record.hooks, Event::Test);
    check_filter(&settings.filter, &record.hooks, &tests)?;
    let selected: Vec<usize> = tests
        .into_iter()
        .filter(|&i| settings.filter.keeps(&record.hooks[i].name))
        .collect();
    let apply_settings = ApplySettings {
        progress: settings.progress.clone(),
        timeout: settings.timeout,
        ..ApplySettings::default()
    };
    let mut applier = operation.applier(&apply_settings).await?;
    let runner = operation.hook_runner(&apply_settings);
    let mut runs = Vec::new();
    for index in selected {
        operation.still_locked()?;
        let ran = runner
            .run_one(
                &mut applier,
                &mut record.hooks,
                index,
                Event::Test,
                settings.logs,
            )
            .await;
        let result = match ran {
            Ok(result) => result,
            // The API refused it: that test failed; the others still run.
            Err(error) => HookResult {
                index,
                duration: Duration::ZERO,
                failure: Some(error.to_string()),
                logs: Vec::new(),
            },
        };
        runs.push(TestRun {
            hook: record.hooks[index].clone(),
            duration: result.duration,
            failure: result.failure,
            logs: result.logs,
        });
    }
    if !runs.is_empty() {
        operation.still_locked()?;
        operation.store.update(&record).await?;
    }
    Ok(TestOutcome {
        release: record,
        runs,
    })
}

/// A name in `name=X` that is no test of the release is a mistake worth saying.
fn check_filter(filter: &TestFilter, hooks: &[Hook], tests: &[usize]) -> Result<()> {
    let names: Vec<&str> = tests.iter().map(|&i| hooks[i].name.as_str()).collect();
    for wanted in &filter.include {
        if !names.contains(&wanted.as_str()) {
            return Err(Error::with_hint(
                format!("--filter names test `{wanted}`, which the release does not have"),
                if names.is_empty() {
                    "the release has no tests (hooks annotated `helm.sh/hook: test`)".to_string()
                } else {
                    format!("its tests are: {}", names.join(", "))
                },
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(specs: &[&str]) -> std::result::Result<TestFilter, String> {
        TestFilter::parse(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn filters_take_helms_syntax_and_a_short_list() {
        let parsed = filter(&["name=a,b", "!name=c"]).unwrap();
        assert_eq!(parsed.include, ["a", "b"]);
        assert_eq!(parsed.exclude, ["c"]);
        assert!(parsed.keeps("a") && parsed.keeps("b"));
        assert!(!parsed.keeps("c") && !parsed.keeps("d"));
        let parsed = filter(&["!name=c,name=d,e"]).unwrap();
        assert_eq!(
            (parsed.include, parsed.exclude),
            (
                vec!["d".to_string(), "e".to_string()],
                vec!["c".to_string()]
            )
        );
        assert!(filter(&[]).unwrap().keeps("anything"));
        assert!(
            filter(&["kind=Pod"])
                .unwrap_err()
                .contains("by `name` only")
        );
        assert!(filter(&["a"]).unwrap_err().contains("expected `name=TEST`"));
        assert!(filter(&["name="]).unwrap_err().contains("empty"));
    }
}
