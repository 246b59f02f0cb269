//! `charts list`: the latest revision of each release, from one metadata-only LIST of the
//! release Secrets.

use std::borrow::Cow;

use crate::action::records::{self, ListSettings, SortBy, StateFilter};
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::cli::output::table;
use crate::error::{Error, Result};
use crate::release::ReleaseSummary;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// List releases in every namespace
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Only releases whose name matches this regular expression
    #[arg(short = 'f', long, value_name = "REGEX")]
    pub filter: Option<String>,
    /// Only revisions whose labels match this selector (e.g. `commit=abc,env in (prod)`); the
    /// newest matching revision of each release is shown
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Show deployed releases
    #[arg(long)]
    pub deployed: bool,
    /// Show failed releases
    #[arg(long)]
    pub failed: bool,
    /// Show pending releases (pending-install, pending-upgrade, pending-rollback)
    #[arg(long)]
    pub pending: bool,
    /// Show superseded revisions (alone: every superseded revision, not only the latest)
    #[arg(long)]
    pub superseded: bool,
    /// Show uninstalled releases (kept with `uninstall --keep-history`)
    #[arg(long)]
    pub uninstalled: bool,
    /// Show releases being uninstalled
    #[arg(long)]
    pub uninstalling: bool,
    /// Show every status (the default when no status flag is given)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Print release names only
    #[arg(short = 'q', long)]
    pub short: bool,
    /// Also show what each release runs and where it came from: subchart versions, container
    /// images, the commit label and the source of a promoted revision
    #[arg(short = 'w', long, conflicts_with = "short")]
    pub wide: bool,
    /// Leave out the header line of the table
    #[arg(long)]
    pub no_headers: bool,
    /// Sort by last update time instead of by name
    #[arg(short = 'd', long)]
    pub date: bool,
    /// Reverse the order
    #[arg(short = 'r', long)]
    pub reverse: bool,
    /// Show at most this many releases [default: no limit]
    #[arg(short = 'm', long, value_name = "N")]
    pub max: Option<usize>,
    /// Skip this many releases first
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
    /// List the Helm releases (from Helm's Secrets and ConfigMaps) that `charts adopt helm`
    /// could take over, instead of ours
    #[arg(long, conflicts_with_all = ["filter", "selector", "deployed", "failed", "pending", "superseded", "uninstalled", "uninstalling", "date", "reverse", "max"])]
    pub helm: bool,
}

impl ListArgs {
    /// Everything but the namespace, which needs the kube context.
    fn settings(&self) -> Result<ListSettings> {
        let filter = match &self.filter {
            Some(pattern) => Some(regex::Regex::new(pattern).map_err(|e| {
                Error::Usage(format!(
                    "`--filter {pattern}` is not a regular expression: {e}"
                ))
            })?),
            None => None,
        };
        let states = if self.all {
            StateFilter::default()
        } else {
            StateFilter {
                deployed: self.deployed,
                failed: self.failed,
                pending: self.pending,
                superseded: self.superseded,
                uninstalled: self.uninstalled,
                uninstalling: self.uninstalling,
            }
        };
        Ok(ListSettings {
            namespace: None,
            filter,
            selector: self.selector.clone(),
            states,
            sort: if self.date {
                SortBy::Date
            } else {
                SortBy::Name
            },
            reverse: self.reverse,
            max: self.max.unwrap_or(0),
            offset: self.offset,
        })
    }
}

pub fn list(global: &GlobalArgs, args: ListArgs) -> Result<()> {
    if args.helm {
        return crate::cli::adopt::list_helm(global, &args);
    }
    let mut settings = args.settings()?;
    let cluster_settings = global.cluster_settings();
    let releases = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        if !args.all_namespaces {
            settings.namespace = Some(store.cluster().namespace.clone());
        }
        records::list(&store, &settings).await
    })?;
    if args.short {
        let names: String = releases.iter().map(|r| format!("{}\n", r.name)).collect();
        return output::print(&names);
    }
    if args.output == output::Format::Json {
        return output::print_json(&items(&releases));
    }
    output::show(
        args.output,
        || Ok(json(&releases)),
        || {
            let text = if args.wide {
                wide_table(&releases)
            } else {
                narrow_table(&releases)
            };
            Ok(if args.no_headers {
                output::rows_only(text)
            } else {
                text
            })
        },
    )
}

fn narrow_table(releases: &[ReleaseSummary]) -> String {
    let rows = releases
        .iter()
        .map(|r| {
            vec![
                Cow::Borrowed(r.name.as_str()),
                Cow::Borrowed(r.namespace.as_str()),
                Cow::Owned(r.revision.to_string()),
                Cow::Borrowed(r.updated.as_str()),
                Cow::Owned(r.status.to_string()),
                Cow::Borrowed(r.chart.as_str()),
                Cow::Borrowed(r.app_version.as_str()),
            ]
        })
        .collect();
    let headers = [
        "NAME",
        "NAMESPACE",
        "REVISION",
        "UPDATED",
        "STATUS",
        "CHART",
        "APP VERSION",
    ];
    table(&headers, rows)
}

/// `--wide`: the snapshot in each environment. Lists are comma-separated (`backend@1.2.0`,
/// `nginx:1.27`), `-` when empty.
fn wide_table(releases: &[ReleaseSummary]) -> String {
    let or_dash = |text: String| if text.is_empty() { "-".into() } else { text };
    let rows = releases
        .iter()
        .map(|r| {
            let inventory = &r.inventory;
            let mut subcharts: Vec<String> = inventory
                .subcharts
                .iter()
                .map(|s| {
                    let mut shown = String::new();
                    if let Some(parent) = &s.parent {
                        shown.push_str(parent);
                        shown.push('/');
                    }
                    shown.push_str(s.alias.as_deref().unwrap_or(&s.name));
                    shown.push('@');
                    shown.push_str(&s.version);
                    shown
                })
                .collect();
            if inventory.subcharts_omitted > 0 {
                subcharts.push(format!("+{} more", inventory.subcharts_omitted));
            }
            let mut images = inventory.images.clone();
            if inventory.images_omitted > 0 {
                images.push(format!("+{} more", inventory.images_omitted));
            }
            let promoted_from = inventory
                .provenance
                .as_ref()
                .map(|p| format!("{}/{}:{}", p.namespace, p.release, p.revision))
                .unwrap_or_default();
            vec![
                r.namespace.clone(),
                r.name.clone(),
                r.revision.to_string(),
                r.status.to_string(),
                r.chart.clone(),
                or_dash(subcharts.join(",")),
                or_dash(images.join(",")),
                or_dash(commit(r).unwrap_or_default()),
                or_dash(promoted_from),
                r.updated.clone(),
            ]
        })
        .collect();
    let headers = [
        "NAMESPACE",
        "NAME",
        "REVISION",
        "STATUS",
        "CHART",
        "SUBCHARTS",
        "IMAGES",
        "COMMIT",
        "PROMOTED FROM",
        "UPDATED",
    ];
    table(&headers, rows)
}

/// The revision's `commit` label, or for a promoted revision without one, its source's.
fn commit(release: &ReleaseSummary) -> Option<String> {
    release.labels.get("commit").cloned().or_else(|| {
        let provenance = release.inventory.provenance.as_ref()?;
        provenance.labels.get("commit").cloned()
    })
}

/// One object per release, Helm's field names, plus description, labels and the inventory
/// (README "Pipeline conventions" documents the shape). Borrowed from the summaries, so `-o
/// json` of 20,000 releases is written without a second copy of them as a JSON tree.
#[derive(serde::Serialize)]
struct ListItem<'a> {
    name: &'a str,
    namespace: &'a str,
    revision: u64,
    updated: &'a str,
    status: crate::release::Status,
    chart: &'a str,
    app_version: &'a str,
    description: &'a str,
    labels: &'a indexmap::IndexMap<String, String>,
    commit: Option<String>,
    subcharts: &'a [crate::release::SubchartInfo],
    subcharts_omitted: usize,
    images: &'a [String],
    images_omitted: usize,
    provenance: &'a Option<crate::release::Provenance>,
}

fn items(releases: &[ReleaseSummary]) -> Vec<ListItem<'_>> {
    releases
        .iter()
        .map(|r| ListItem {
            name: &r.name,
            namespace: &r.namespace,
            revision: r.revision,
            updated: &r.updated,
            status: r.status,
            chart: &r.chart,
            app_version: &r.app_version,
            description: &r.description,
            labels: &r.labels,
            commit: commit(r),
            subcharts: &r.inventory.subcharts,
            subcharts_omitted: r.inventory.subcharts_omitted,
            images: &r.inventory.images,
            images_omitted: r.inventory.images_omitted,
            provenance: &r.inventory.provenance,
        })
        .collect()
}

fn json(releases: &[ReleaseSummary]) -> serde_json::Value {
    serde_json::to_value(items(releases)).unwrap_or_default()
}
