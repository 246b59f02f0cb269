//! `charts search repo [KEYWORD]`: search the cached indexes of the added repositories.

use crate::action;
use crate::action::search::Query;
use crate::cli::output;
use crate::cli::output::table;
use crate::error::Result;
use crate::repo::Settings;

#[derive(Debug, clap::Subcommand)]
pub enum SearchCommand {
    /// Search the added repositories (their cached indexes) for charts
    #[command(disable_version_flag = true)]
    Repo(SearchRepoArgs),
}

#[derive(Debug, clap::Args)]
pub struct SearchRepoArgs {
    /// Matches chart names, descriptions and keywords (case-insensitive)
    pub keyword: Option<String>,
    /// Show every version, not only the newest
    #[arg(short = 'l', long)]
    pub versions: bool,
    /// Only versions matching this constraint (e.g. `^1.2`)
    #[arg(long, value_name = "CONSTRAINT")]
    pub version: Option<String>,
    /// Include pre-release versions
    #[arg(long)]
    pub devel: bool,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

pub fn search(command: SearchCommand) -> Result<()> {
    let SearchCommand::Repo(args) = command;
    let query = Query {
        keyword: args.keyword.unwrap_or_default(),
        all_versions: args.versions,
        version: args.version,
        devel: args.devel,
    };
    let found = action::search::search(&Settings::from_env(), &query)?;
    for repository in &found.not_cached {
        output::note(&format!(
            "warning: repository `{repository}` has no cached index; run `charts repo update`"
        ));
    }
    let hits = found.hits;
    output::show(
        args.output,
        || {
            let rows = hits.iter().map(|hit| {
                serde_json::json!({
                    "name": hit.name,
                    "version": hit.version,
                    "app_version": hit.app_version,
                    "description": hit.description,
                })
            });
            Ok(serde_json::Value::Array(rows.collect()))
        },
        || {
            if hits.is_empty() {
                return Ok("No results found\n".to_string());
            }
            let rows = hits
                .iter()
                .map(|hit| {
                    let hit = hit.clone();
                    vec![hit.name, hit.version, hit.app_version, hit.description]
                })
                .collect();
            Ok(table(
                &["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"],
                rows,
            ))
        },
    )
}
