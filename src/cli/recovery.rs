//! How a failure that `--rollback-on-failure` answered is shown: the error on stderr (with its
//! warnings), and for `-o json|yaml` what failed and what runs now on stdout, so a pipeline
//! can read it as it reads a success.

use serde_json::{Value, json};

use crate::action::recover::{Outcome, Recovery};
use crate::cli::output::{self, Format};
use crate::error::{Error, Result};

/// Passes a result through; a [`Recovery`] is shown first (its data in the chosen format, its
/// warnings on stderr) and still returned as the error, for the exit code and the message.
pub fn show_failure<T>(format: Format, result: Result<T>) -> Result<T> {
    let Err(Error::Recovery(recovery)) = result else {
        return result;
    };
    for warning in &recovery.warnings {
        output::note(&format!("warning: {warning}"));
    }
    if format != Format::Table {
        output::show(
            format,
            || Ok(recovery_json(&recovery)),
            || Ok(String::new()),
        )?;
    }
    Err(Error::Recovery(recovery))
}

/// The failure as pipelines read it.
pub fn recovery_json(recovery: &Recovery) -> Value {
    let undo = match &recovery.outcome {
        Outcome::RolledBack { target, revision } => json!({
            "action": "rollback",
            "succeeded": true,
            "target": target,
            "revision": revision,
        }),
        Outcome::Uninstalled {
            history_kept,
            namespace_deleted,
        } => json!({
            "action": "uninstall",
            "succeeded": true,
            "historyKept": history_kept,
            "namespaceDeleted": namespace_deleted,
        }),
        Outcome::NothingToRestore => json!({
            "action": "none",
            "succeeded": false,
            "error": "no earlier revision worked: there is nothing to roll back to",
        }),
        Outcome::Failed { target, error } => json!({
            "action": if target.is_some() { "rollback" } else { "uninstall" },
            "succeeded": false,
            "target": target,
            "error": error.to_string(),
        }),
    };
    json!({
        "name": recovery.release,
        "namespace": recovery.namespace,
        "operation": recovery.operation,
        "restoring": recovery.restoring,
        "succeeded": false,
        "failed": {
            "revision": recovery.failed_revision,
            "error": recovery.error.to_string(),
        },
        "rollbackOnFailure": undo,
        "running": recovery.running(),
        "warnings": recovery.warnings,
    })
}
