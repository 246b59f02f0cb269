//! `charts promote NAME --from NS --to NS`: deploy the chart snapshot of the source release's
//! deployed revision into the target namespace, over the target's own values, recording where
//! it came from. Prints what install and upgrade print.

use std::time::Duration;

use crate::action::deploy::{DeploySettings, DryRun};
use crate::action::promote::{self as action, PromoteOutcome, PromoteSettings};
use crate::cli::GlobalArgs;
use crate::cli::install::{parse_duration, parse_labels, print_outcome};
use crate::cli::output::{self, Format};
use crate::cli::values_flags::ValuesArgs;
use crate::error::Result;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct PromoteArgs {
    /// The release to promote: the same name in both namespaces
    pub name: String,
    /// The namespace to promote from: its release's last revision must be deployed
    #[arg(long, value_name = "NAMESPACE")]
    pub from: String,
    /// The namespace to deploy into (installed there the first time, upgraded after); `-n` is
    /// not used
    #[arg(long, value_name = "NAMESPACE")]
    pub to: String,
    /// Values for the target, over its own user values (the source's are not carried unless
    /// `--reuse-values`)
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Carry the source revision's user values too: over the target's, under this command's
    #[arg(long)]
    pub reuse_values: bool,
    /// Create the target namespace if it does not exist
    #[arg(long)]
    pub create_namespace: bool,
    /// Show what would happen: `client` renders only; `server` has the API server validate every
    /// object without storing anything
    #[arg(long, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "client", value_parser = ["client", "server", "none"])]
    pub dry_run: Option<String>,
    /// Description of the new revision [default: `Promoted from NS/NAME revision N`]
    #[arg(long)]
    pub description: Option<String>,
    /// Release label for the new revision (`commit=abc123`), over the source's labels, which
    /// are carried; repeat or separate with commas
    #[arg(
        short = 'l',
        long = "label",
        value_name = "KEY=VALUE",
        value_delimiter = ','
    )]
    pub labels: Vec<String>,
    /// Wait until every object is ready
    #[arg(long, env = "CHARTS_WAIT", value_parser = clap::builder::BoolishValueParser::new())]
    pub wait: bool,
    /// If the new revision fails, go back to the target's last good revision (a first install
    /// is uninstalled; implies `--wait`)
    #[arg(long, visible_alias = "atomic", env = "CHARTS_ROLLBACK_ON_FAILURE", value_parser = clap::builder::BoolishValueParser::new())]
    pub rollback_on_failure: bool,
    /// How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration, env = "CHARTS_TIMEOUT")]
    pub timeout: Duration,
    /// Take over fields that other field managers own
    #[arg(long)]
    pub force_conflicts: bool,
    /// Do not run the chart's hooks
    #[arg(long)]
    pub no_hooks: bool,
    /// Revisions to keep in the target's history (0 = all)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10,
        env = "CHARTS_MAX_HISTORY"
    )]
    pub history_max: usize,
    /// Do not print the chart's NOTES
    #[arg(long)]
    pub hide_notes: bool,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: Format,
    /// Only show what the promotion would change in the target (as `charts plan`), and change
    /// nothing
    #[arg(long)]
    pub plan: bool,
    #[command(flatten)]
    pub plan_flags: crate::cli::plan::PlanFlags,
    #[command(flatten)]
    pub notify: crate::cli::notify::NotifyArgs,
}

impl PromoteArgs {
    fn settings(&self) -> Result<PromoteSettings> {
        let dry_run = match self.dry_run.as_deref() {
            None | Some("none") => DryRun::None,
            Some("server") => DryRun::Server,
            Some(_) => DryRun::Client,
        };
        let settings = PromoteSettings {
            from: self.from.clone(),
            to: self.to.clone(),
            reuse_values: self.reuse_values,
            deploy: DeploySettings {
                release: self.name.clone(),
                values: self.values.to_options(),
                description: self.description.clone(),
                labels: parse_labels(&self.labels)?,
                create_namespace: self.create_namespace,
                dry_run,
                force_conflicts: self.force_conflicts,
                no_hooks: self.no_hooks,
                wait: (self.wait || self.rollback_on_failure).then_some(self.timeout),
                rollback_on_failure: self.rollback_on_failure,
                timeout: Some(self.timeout),
                history_max: self.history_max,
                ..DeploySettings::default()
            },
        };
        action::check(&settings)?;
        Ok(settings)
    }
}

pub fn promote(global: &GlobalArgs, args: PromoteArgs) -> Result<()> {
    let settings = args.settings()?;
    if args.plan {
        return plan(global, &args, &settings);
    }
    if args.plan_flags.exit_code || args.plan_flags.show_unchanged {
        return Err(crate::error::Error::Usage(
            "`--exit-code` and `--show-unchanged` go with `--plan`".into(),
        ));
    }
    let notice = args
        .notify
        .unless(settings.deploy.dry_run != DryRun::None)
        .start(
            crate::notify::Kind::Promote,
            global,
            Some(&args.name),
            Some(&args.to),
        )?;
    let result = promote_and_print(global, &args, settings, &notice);
    crate::cli::notify::add_failed_revision(&notice, global, &result);
    notice.finish(result)
}

/// `promote --plan`: what the promotion would change in the target; no notification, no change.
fn plan(global: &GlobalArgs, args: &PromoteArgs, settings: &PromoteSettings) -> Result<()> {
    let reader = crate::values::FsReader;
    let spinner = output::Spinner::start();
    let planned = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        action::plan(&cluster, &store, settings, &reader).await
    });
    drop(spinner);
    let (source, planned) = planned?;
    output::note(&format!(
        "plan: promote `{}` revision {} of `{}` ({}) to `{}`",
        source.name,
        source.revision,
        source.namespace,
        short_digest(&source.chart.digest),
        settings.to
    ));
    crate::cli::plan::print_plan(&planned, args.output, &args.plan_flags)
}

fn promote_and_print(
    global: &GlobalArgs,
    args: &PromoteArgs,
    settings: PromoteSettings,
    notice: &crate::notify::Notice,
) -> Result<()> {
    let reader = crate::values::FsReader;
    let spinner = output::Spinner::start();
    let settings = PromoteSettings {
        deploy: DeploySettings {
            progress: spinner.progress(),
            ..settings.deploy
        },
        ..settings
    };
    let outcome = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        action::promote(&cluster, &store, &settings, &reader).await
    });
    drop(spinner);
    let outcome = crate::cli::recovery::show_failure(args.output, outcome)?;
    notice.record(&outcome.deployed.release);
    output::note(&summary(&outcome));
    print_outcome(&outcome.deployed, args.output, args.hide_notes)
}

/// `promoted `web` revision 3 of `staging` (sha256:0123abcd…) to `production`: revision 7`.
fn summary(outcome: &PromoteOutcome) -> String {
    let source = &outcome.source;
    let target = &outcome.deployed.release;
    format!(
        "promoted `{}` revision {} of `{}` ({}) to `{}`: revision {}",
        source.name,
        source.revision,
        source.namespace,
        short_digest(&target.chart.digest),
        target.namespace,
        target.revision
    )
}

/// `sha256:` and the first 12 hex digits of a digest, then `…`.
pub fn short_digest(digest: &str) -> String {
    match digest.strip_prefix("sha256:") {
        Some(hex) if hex.len() > 12 => format!("sha256:{}…", &hex[..12]),
        _ => digest.to_string(),
    }
}

/// How `history` and `status` show a promoted revision's origin: `promoted from staging/web rev
/// 3 (sha256:0123abcd4567…)`.
pub fn provenance_text(provenance: &crate::release::Provenance) -> String {
    format!(
        "promoted from {}/{} rev {} ({})",
        provenance.namespace,
        provenance.release,
        provenance.revision,
        short_digest(&provenance.chart_digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_reads_as_a_line() {
        let provenance = crate::release::Provenance {
            namespace: "staging".into(),
            release: "web".into(),
            revision: 3,
            chart_digest: format!("sha256:{}", "ab".repeat(32)),
            ..Default::default()
        };
        assert_eq!(
            provenance_text(&provenance),
            "promoted from staging/web rev 3 (sha256:abababababab…)"
        );
        assert_eq!(short_digest("sha256:ab"), "sha256:ab");
    }
}
