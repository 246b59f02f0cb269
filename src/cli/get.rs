//! `charts get values|manifest|notes|hooks|metadata|all|chart NAME`: what one stored revision holds (the
//! newest unless `--revision` says otherwise).

use crate::action::records;
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::error::Result;
use crate::release::Release;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Subcommand)]
pub enum GetCommand {
    /// The values the user supplied (`--all`: every value the templates saw)
    Values(GetValuesArgs),
    /// The rendered objects, as stored
    Manifest(GetArgs),
    /// The rendered NOTES.txt
    Notes(GetArgs),
    /// The hooks (tests included), as stored: what rollback and `charts test` run
    Hooks(GetArgs),
    /// Name, namespace, revision, status, chart, dates and labels
    Metadata(GetFormatArgs),
    /// Everything: metadata, values, computed values, manifest and notes
    All(GetFormatArgs),
    /// The chart the revision was rendered from, as stored with the release: a summary, or
    /// with `-d DIR` the package written back out byte for byte
    Chart(super::get_chart::GetChartArgs),
}

#[derive(Debug, clap::Args)]
pub struct GetArgs {
    /// The release
    pub name: String,
    /// This revision instead of the newest
    #[arg(long, value_name = "N")]
    pub revision: Option<u64>,
}

#[derive(Debug, clap::Args)]
pub struct GetFormatArgs {
    #[command(flatten)]
    pub release: GetArgs,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

#[derive(Debug, clap::Args)]
pub struct GetValuesArgs {
    #[command(flatten)]
    pub release: GetArgs,
    /// Every value the templates saw (chart defaults merged with the user's)
    #[arg(short = 'a', long)]
    pub all: bool,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

pub fn get(global: &GlobalArgs, command: GetCommand) -> Result<()> {
    let release_args = match &command {
        GetCommand::Values(args) => &args.release,
        GetCommand::Manifest(args) | GetCommand::Notes(args) | GetCommand::Hooks(args) => args,
        GetCommand::Metadata(args) | GetCommand::All(args) => &args.release,
        GetCommand::Chart(args) => &args.release,
    };
    let name = records::checked_name(&release_args.name)?;
    let cluster_settings = global.cluster_settings();
    let release = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        let namespace = store.cluster().namespace.clone();
        records::get(&store, &namespace, name, release_args.revision).await
    })?;
    match command {
        GetCommand::Values(args) => {
            let (title, values) = if args.all {
                ("COMPUTED VALUES", &release.computed_values)
            } else {
                ("USER-SUPPLIED VALUES", &release.config)
            };
            let values = non_null(values);
            output::show(
                args.output,
                || Ok(values.clone()),
                || Ok(format!("{title}:\n{}", output::to_yaml(&values)?)),
            )
        }
        GetCommand::Manifest(_) => output::print(&with_newline(&release.manifest)),
        GetCommand::Notes(_) => output::print(&with_newline(&release.notes)),
        GetCommand::Hooks(_) => output::print(&hooks_text(&release)),
        GetCommand::Metadata(args) => output::show(
            args.output,
            || Ok(metadata(&release)),
            || Ok(metadata_lines(&release)),
        ),
        GetCommand::All(args) => {
            output::show(args.output, || record_json(&release), || all_text(&release))
        }
        GetCommand::Chart(args) => super::get_chart::show(&cluster_settings, &release, &args),
    }
}

/// A record with no values shows `{}`, not `null`.
fn non_null(values: &serde_json::Value) -> serde_json::Value {
    if values.is_null() {
        serde_json::json!({})
    } else {
        values.clone()
    }
}

fn with_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// Helm's `get metadata` fields.
fn metadata(release: &Release) -> serde_json::Value {
    serde_json::json!({
        "name": release.name,
        "chart": release.chart.name,
        "version": release.chart.version,
        "appVersion": release.chart.app_version,
        "namespace": release.namespace,
        "revision": release.revision,
        "status": release.status,
        "deployedAt": release.last_deployed,
        "labels": release.labels,
    })
}

fn metadata_lines(release: &Release) -> String {
    let labels: Vec<String> = release
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!(
        "NAME: {}\nCHART: {}\nVERSION: {}\nAPP_VERSION: {}\nNAMESPACE: {}\nREVISION: {}\nSTATUS: {}\nDEPLOYED_AT: {}\nLABELS: {}\n",
        release.name,
        release.chart.name,
        release.chart.version,
        release.chart.app_version,
        release.namespace,
        release.revision,
        release.status,
        release.last_deployed,
        labels.join(","),
    )
}

fn all_text(release: &Release) -> Result<String> {
    let mut text = metadata_lines(release);
    text.push_str(&format!("DESCRIPTION: {}\n", release.description));
    text.push_str(&format!(
        "USER-SUPPLIED VALUES:\n{}",
        output::to_yaml(&non_null(&release.config))?
    ));
    text.push_str(&format!(
        "\nCOMPUTED VALUES:\n{}",
        output::to_yaml(&non_null(&release.computed_values))?
    ));
    if !release.hooks.is_empty() {
        text.push_str(&format!("\nHOOKS:\n{}", hooks_text(release)));
    }
    text.push_str(&format!("\nMANIFEST:\n{}", with_newline(&release.manifest)));
    if !release.notes.is_empty() {
        text.push_str(&format!("\nNOTES:\n{}", with_newline(&release.notes)));
    }
    Ok(text)
}

/// Each hook's stored document (`---`, `# Source:`, the object), as Helm's `get hooks` prints.
fn hooks_text(release: &Release) -> String {
    release
        .hooks
        .iter()
        .map(|hook| with_newline(&hook.manifest))
        .collect()
}

/// The whole record, for scripts.
fn record_json(release: &Release) -> Result<serde_json::Value> {
    serde_json::to_value(release)
        .map_err(|e| crate::error::Error::message(format!("cannot write the release record: {e}")))
}
