//! `charts test NAME`: run a release's test hooks and say how each went; the exit code is 0 only
//! when every test passed, so a pipeline can gate on it.

use crate::action::test::{self as action, TestFilter, TestOutcome, TestSettings};
use crate::cli::GlobalArgs;
use crate::cli::install::parse_duration;
use crate::cli::output::{self, Format};
use crate::error::{Error, Result};
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The release to test
    pub name: String,
    /// Print the logs of the tests' Pods
    #[arg(long)]
    pub logs: bool,
    /// Run only these tests (`name=a,b`), or leave these out (`!name=c`); repeatable
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// How long each test may take: `90s`, `5m`, `1h`
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration, env = "CHARTS_TIMEOUT")]
    pub timeout: std::time::Duration,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: Format,
    #[command(flatten)]
    pub notify: crate::cli::notify::NotifyArgs,
}

pub fn test(global: &GlobalArgs, args: TestArgs) -> Result<()> {
    let notice = args
        .notify
        .start(crate::notify::Kind::Test, global, Some(&args.name), None)?;
    let result = test_and_print(global, &args, &notice);
    notice.finish(result)
}

fn test_and_print(
    global: &GlobalArgs,
    args: &TestArgs,
    notice: &crate::notify::Notice,
) -> Result<()> {
    let filter = TestFilter::parse(&args.filter).map_err(Error::Usage)?;
    let spinner = output::Spinner::start();
    let settings = TestSettings {
        release: args.name.clone(),
        filter,
        timeout: Some(args.timeout),
        logs: args.logs,
        progress: spinner.progress(),
    };
    let outcome = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        action::test(&cluster, &store, &settings).await
    });
    drop(spinner);
    let outcome = outcome?;
    notice.record(&outcome.release);
    notice.update(|event| {
        event.description = Some(format!(
            "{} of {} passed",
            outcome.runs.len() - outcome.failed().len(),
            output::count(outcome.runs.len(), "test")
        ))
    });
    output::show(args.output, || Ok(json(&outcome)), || Ok(text(&outcome)))?;
    let failed = outcome.failed();
    if outcome.runs.is_empty() {
        output::note(&if args.filter.is_empty() {
            format!(
                "release `{}` has no tests to run (hooks annotated `helm.sh/hook: test`)",
                args.name
            )
        } else {
            format!("no test of release `{}` is left by --filter", args.name)
        });
    }
    match failed.first() {
        None => Ok(()),
        Some(first) => Err(Error::with_hint(
            format!(
                "{} of {} failed: test {} {}",
                failed.len(),
                output::count(outcome.runs.len(), "test"),
                first.hook.display_name(),
                first.failure.as_deref().unwrap_or_default()
            ),
            if args.logs {
                "`charts status` shows the suite's last run".to_string()
            } else {
                format!("`charts test {} --logs` prints the tests' logs", args.name)
            },
        )),
    }
}

fn seconds(duration: std::time::Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

/// A table of the tests, then each one's failure and, with `--logs`, its Pods' logs.
fn text(outcome: &TestOutcome) -> String {
    let record = &outcome.release;
    let mut text = format!(
        "NAME: {}\nNAMESPACE: {}\nREVISION: {}\n",
        record.name, record.namespace, record.revision
    );
    if outcome.runs.is_empty() {
        return text;
    }
    text.push('\n');
    let rows = outcome
        .runs
        .iter()
        .map(|run| {
            vec![
                run.hook.name.clone(),
                run.hook.kind.clone(),
                run.hook.last_run.phase.as_str().to_string(),
                seconds(run.duration),
            ]
        })
        .collect();
    text.push_str(&output::table(&["TEST", "KIND", "PHASE", "DURATION"], rows));
    for run in &outcome.runs {
        if let Some(failure) = &run.failure {
            text.push_str(&format!(
                "\n{} failed: {failure}\n",
                run.hook.display_name()
            ));
        }
    }
    for run in &outcome.runs {
        for (pod, container, log) in &run.logs {
            text.push_str(&format!("\nPOD LOGS: {pod} (container {container})\n"));
            text.push_str(log);
            if !log.is_empty() && !log.ends_with('\n') {
                text.push('\n');
            }
        }
    }
    text
}

fn json(outcome: &TestOutcome) -> serde_json::Value {
    let record = &outcome.release;
    serde_json::json!({
        "name": record.name,
        "namespace": record.namespace,
        "revision": record.revision,
        "passed": outcome.failed().is_empty(),
        "tests": outcome.runs.iter().map(|run| serde_json::json!({
            "name": run.hook.name,
            "kind": run.hook.kind,
            "phase": run.hook.last_run.phase,
            "startedAt": run.hook.last_run.started_at,
            "completedAt": run.hook.last_run.completed_at,
            "durationSeconds": run.duration.as_secs_f64(),
            "reason": run.failure,
            "logs": run.logs.iter().map(|(pod, container, log)| serde_json::json!({
                "pod": pod, "container": container, "log": log,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
