//! `charts rollback NAME [REVISION]`: re-apply a stored revision. Without a revision, the newest
//! one that worked (deployed or superseded), skipping failed ones. No chart, repository or render
//! is involved, so it works while the chart repository is down.

use crate::action::rollback::{self as action, RollbackSettings};
use crate::cli::GlobalArgs;
use crate::cli::install::{parse_duration, record_json};
use crate::cli::output::{self, Format};
use crate::error::Result;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// The release to roll back
    pub name: String,
    /// The revision to go back to [default: the newest good revision before the current one]
    pub revision: Option<u64>,
    /// Description of the new revision [default: `Rollback to N`]
    #[arg(long)]
    pub description: Option<String>,
    /// Have the API server validate the objects without changing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Wait until every object is ready
    #[arg(long, env = "CHARTS_WAIT", value_parser = clap::builder::BoolishValueParser::new())]
    pub wait: bool,
    /// How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration, env = "CHARTS_TIMEOUT")]
    pub timeout: std::time::Duration,
    /// Do not run the restored revision's pre-rollback and post-rollback hooks
    #[arg(long)]
    pub no_hooks: bool,
    /// Revisions to keep in the history (0 = all)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10,
        env = "CHARTS_MAX_HISTORY"
    )]
    pub history_max: usize,
    /// If the rollback fails, go back to the revision that was deployed before it (implies
    /// `--wait`)
    #[arg(long, visible_alias = "atomic", env = "CHARTS_ROLLBACK_ON_FAILURE", value_parser = clap::builder::BoolishValueParser::new())]
    pub rollback_on_failure: bool,
    /// Take over fields that other field managers own
    #[arg(long)]
    pub force_conflicts: bool,
    /// Adopt existing objects that belong to another release or to nobody
    #[arg(long)]
    pub take_ownership: bool,
    /// Delete and recreate objects whose change hits a field that cannot change (a
    /// Deployment's selector, a Job's template...), waiting for the deletion
    #[arg(long)]
    pub force_replace: bool,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: Format,
    #[command(flatten)]
    pub notify: crate::cli::notify::NotifyArgs,
}

pub fn rollback(global: &GlobalArgs, args: RollbackArgs) -> Result<()> {
    let notify = args.notify.unless(args.dry_run);
    let notice = notify.start(
        crate::notify::Kind::Rollback,
        global,
        Some(&args.name),
        None,
    )?;
    let result = rollback_and_print(global, &args, &notice);
    notice.finish(result)
}

fn rollback_and_print(
    global: &GlobalArgs,
    args: &RollbackArgs,
    notice: &crate::notify::Notice,
) -> Result<()> {
    let settings = RollbackSettings {
        release: args.name.clone(),
        revision: args.revision,
        description: args.description.clone(),
        wait: (args.wait || args.rollback_on_failure).then_some(args.timeout),
        history_max: args.history_max,
        force_conflicts: args.force_conflicts,
        take_ownership: args.take_ownership,
        dry_run: args.dry_run,
        rollback_on_failure: args.rollback_on_failure,
        progress: None,
        no_hooks: args.no_hooks,
        timeout: Some(args.timeout),
        force_replace: args.force_replace,
    };
    let spinner = output::Spinner::start();
    let settings = RollbackSettings {
        progress: spinner.progress(),
        ..settings
    };
    let outcome = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        action::rollback(&cluster, &store, &settings).await
    });
    drop(spinner);
    let outcome = crate::cli::recovery::show_failure(args.output, outcome)?;
    let record = &outcome.release;
    notice.record(record);
    for warning in &outcome.warnings {
        output::note(&format!("warning: {warning}"));
    }
    if args.dry_run {
        output::note(&format!(
            "dry run: the API server accepted the {} of revision {}; nothing was changed",
            output::count(outcome.applied, "object"),
            outcome.target
        ));
    } else {
        let mut line = format!(
            "rolled back `{}` to revision {}: applied {}",
            record.name,
            outcome.target,
            output::count(outcome.applied, "object")
        );
        if !outcome.pruned.deleted.is_empty() {
            line.push_str(&format!(
                ", deleted {} that revision {} did not have",
                outcome.pruned.deleted.len(),
                outcome.target
            ));
        }
        output::note(&line);
    }
    output::show(
        args.output,
        || Ok(record_json(record)),
        || {
            Ok(if args.dry_run {
                String::new()
            } else {
                format!(
                    "Rollback was a success: `{}` is at revision {} (a copy of revision {})\n",
                    record.name, record.revision, outcome.target
                )
            })
        },
    )
}
