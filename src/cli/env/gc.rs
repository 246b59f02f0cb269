//! `charts env gc`: tears down the environments whose expiry has passed (never those marked
//! `keep`), and with `--branches` those whose branch no longer exists. Safe to run twice at
//! once: each environment is torn down by one run only.

use std::io::Read;

use crate::action::environments::teardown::{self, GcSettings, Teardown};
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::env::environment::parse_branches;
use crate::error::{Error, Result};
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct GcArgs {
    /// The branches that still exist, one per line (`git branch -r` output works: `origin/` is
    /// stripped); `-` reads stdin. Environments of other branches are torn down too
    #[arg(long, value_name = "FILE")]
    pub branches: Option<String>,
    /// Show what would be torn down, and delete nothing
    #[arg(long)]
    pub dry_run: bool,
    /// How many environments to tear down at once
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub parallel: usize,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

fn read_branches(source: &str) -> Result<String> {
    if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::io("cannot read the branch list from stdin", e))?;
        return Ok(text);
    }
    std::fs::read_to_string(source)
        .map_err(|e| Error::io(format!("cannot read branch list `{source}`"), e))
}

pub fn gc(global: &GlobalArgs, args: GcArgs) -> Result<()> {
    let branches = match &args.branches {
        Some(source) => {
            let branches = parse_branches(&read_branches(source)?);
            if branches.is_empty() {
                // An empty list would tear down every environment that names a branch.
                return Err(Error::with_hint(
                    format!(
                        "branch list `{source}` names no branch; refusing to treat every branch as gone"
                    ),
                    "pass the output of `git branch -r` (after `git fetch --prune`)",
                ));
            }
            Some(branches)
        }
        None => None,
    };
    let settings = GcSettings {
        branches,
        dry_run: args.dry_run,
        now: None,
        parallel: args.parallel,
    };
    let cluster_settings = global.cluster_settings();
    let entries = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        teardown::gc(store.cluster(), &store, &settings).await
    })?;
    let mut removed = 0;
    let mut skipped = 0;
    let mut failed = Vec::new();
    let mut text = String::new();
    let mut rows = Vec::new();
    for entry in &entries {
        let namespace = &entry.environment.namespace;
        let (outcome, detail) = match &entry.result {
            Ok(Teardown::Removed { releases, .. }) => {
                removed += 1;
                text.push_str(&format!(
                    "removed `{namespace}` ({}): {}\n",
                    entry.reason,
                    output::count(releases.len(), "release")
                ));
                ("removed", String::new())
            }
            Ok(Teardown::Skipped(why)) if args.dry_run => {
                let _ = why;
                text.push_str(&format!("would remove `{namespace}` ({})\n", entry.reason));
                ("would-remove", String::new())
            }
            Ok(Teardown::Skipped(why)) => {
                skipped += 1;
                text.push_str(&format!("skipped `{namespace}`: {why}\n"));
                ("skipped", why.clone())
            }
            Err(error) => {
                failed.push(namespace.clone());
                output::note(&format!(
                    "cannot tear down `{namespace}`:\n{}",
                    error.render()
                ));
                ("failed", error.to_string())
            }
        };
        rows.push(serde_json::json!({
            "namespace": namespace,
            "name": entry.environment.name,
            "branch": entry.environment.branch,
            "reason": entry.reason.to_string(),
            "outcome": outcome,
            "detail": detail,
        }));
    }
    if args.dry_run {
        text.push_str(&format!(
            "gc: would remove {}\n",
            output::count(entries.len(), "environment")
        ));
    } else {
        text.push_str(&format!(
            "gc: removed {}, skipped {}, failed {}\n",
            output::count(removed, "environment"),
            skipped,
            failed.len()
        ));
    }
    output::show(
        args.output,
        || Ok(serde_json::Value::Array(rows)),
        || Ok(text),
    )?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Reported(format!(
            "could not tear down {}",
            failed.join(", ")
        )))
    }
}
