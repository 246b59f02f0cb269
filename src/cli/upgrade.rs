//! `charts upgrade NAME [CHART]`: render the chart again and apply it as the next revision;
//! without CHART, the chart stored with the deployed revision.
//! Values are the new chart's defaults plus only the values on this command line, so a pipeline
//! gets the same result from the same command; `--reuse-values` adds the previous revision's.

use crate::action::deploy::ChartSource;
use crate::cli::GlobalArgs;
use crate::cli::install::{DeployArgs, run_deploy};
use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct UpgradeArgs {
    /// The release to upgrade
    pub name: String,
    /// The chart: a directory, a `.tgz`, `repo/name`, a URL or `oci://...`; without it, the
    /// chart stored with the deployed revision is rendered again (no repository needed), with
    /// its user values unless values are given or `--reset-values`
    pub chart: Option<String>,
    /// Install the release if it does not exist
    #[arg(short = 'i', long)]
    pub install: bool,
    /// Lay the previous revision's user values under this command's values (never its chart
    /// defaults, so it is also Helm's `--reset-then-reuse-values`)
    #[arg(long, visible_alias = "reset-then-reuse-values")]
    pub reuse_values: bool,
    /// Without a chart: use only the chart's defaults and this command's values, even when it
    /// gives none (the default when a chart is named)
    #[arg(long, conflicts_with = "reuse_values")]
    pub reset_values: bool,
    /// Delete and recreate objects whose change hits a field that cannot change (a
    /// Deployment's selector, a Job's template...), waiting for the deletion; without it such
    /// an upgrade is refused before anything changes
    #[arg(long)]
    pub force_replace: bool,
    /// Only show what the upgrade would change (as `charts plan`), and change nothing
    #[arg(long)]
    pub plan: bool,
    #[command(flatten)]
    pub plan_flags: crate::cli::plan::PlanFlags,
    #[command(flatten)]
    pub deploy: DeployArgs,
}

pub fn upgrade(global: &GlobalArgs, args: UpgradeArgs) -> Result<()> {
    let mut settings = args
        .deploy
        .settings(args.name.clone(), args.chart.as_deref().unwrap_or_default())?;
    settings.install = args.install;
    settings.reuse_values = args.reuse_values;
    settings.reset_values = args.reset_values;
    if args.chart.is_none() {
        if args.install {
            return Err(Error::Usage(
                "`--install` needs a CHART: a release that does not exist has no stored chart"
                    .into(),
            ));
        }
        if args.deploy.version.is_some() {
            return Err(Error::Usage(
                "`--version` picks a chart from a repository; name the chart too, or leave \
                 `--version` out to render the stored chart again"
                    .into(),
            ));
        }
        settings.source = ChartSource::Stored;
    }
    settings.force_replace = args.force_replace;
    if args.plan {
        return crate::cli::plan::run_plan(global, &args.deploy, settings, &args.plan_flags);
    }
    if args.plan_flags.exit_code || args.plan_flags.show_unchanged {
        return Err(crate::error::Error::Usage(
            "`--exit-code` and `--show-unchanged` go with `--plan`".into(),
        ));
    }
    run_deploy(global, &args.deploy, &settings, true)
}
