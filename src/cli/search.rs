//! `charts search repo [KEYWORD]`: search the cached indexes of the added repositories.

use crate::cli::output;
use crate::cli::output::table;
use crate::error::{Error, Result};
use crate::repo::config::RepositoryFile;
use crate::repo::{Settings, resolve};

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
    let settings = Settings::from_env();
    let file = RepositoryFile::load(&settings.repositories_file())?;
    if file.repositories.is_empty() {
        return Err(Error::with_hint(
            "no repositories configured",
            "add one with `charts repo add NAME URL`",
        ));
    }
    let constraint = match &args.version {
        Some(text) => Some(
            crate::chart::constraint::parse(text)
                .map_err(|e| Error::Usage(format!("`{text}` is not a version constraint: {e}")))?,
        ),
        None => None,
    };
    let keyword = args.keyword.as_deref().unwrap_or("").to_lowercase();
    let mut found = Vec::new();
    for repository in &file.repositories {
        let index = match resolve::load_cached_index(&settings, &repository.name) {
            Ok(index) => index,
            Err(_) => {
                output::note(&format!(
                    "warning: repository `{}` has no cached index; run `charts repo update`",
                    repository.name
                ));
                continue;
            }
        };
        for (name, versions) in &index.entries {
            let full_name = format!("{}/{name}", repository.name);
            let mut shown = 0;
            for version in versions {
                if version.removed {
                    continue;
                }
                let metadata = &version.metadata;
                let matches_keyword = keyword.is_empty()
                    || full_name.to_lowercase().contains(&keyword)
                    || metadata
                        .description
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&keyword)
                    || metadata
                        .keywords
                        .iter()
                        .any(|k| k.to_lowercase().contains(&keyword));
                if !matches_keyword {
                    break;
                }
                let Ok(parsed) = semver::Version::parse(&metadata.version) else {
                    continue;
                };
                let ok = match &constraint {
                    Some(c) => c.matches(&parsed),
                    None => args.devel || parsed.pre.is_empty(),
                };
                if !ok {
                    continue;
                }
                found.push(serde_json::json!({
                    "name": full_name,
                    "version": metadata.version,
                    "app_version": metadata.app_version.clone().unwrap_or_default(),
                    "description": metadata.description.clone().unwrap_or_default(),
                }));
                shown += 1;
                if !args.versions && shown == 1 {
                    break;
                }
            }
        }
    }
    match args.output {
        output::Format::Json => output::print(&output::to_json(&serde_json::Value::Array(found))?),
        output::Format::Yaml => output::print(&output::to_yaml(&serde_json::Value::Array(found))?),
        output::Format::Table => {
            if found.is_empty() {
                return output::print("No results found\n");
            }
            let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_string();
            let rows = found
                .iter()
                .map(|v| {
                    vec![
                        field(v, "name"),
                        field(v, "version"),
                        field(v, "app_version"),
                        field(v, "description"),
                    ]
                })
                .collect();
            output::print(&table(
                &["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"],
                rows,
            ))
        }
    }
}
