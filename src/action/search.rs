//! Searching the cached indexes of the added repositories: `charts search repo`. Reads only
//! the cache (`charts repo update` refreshes it), so it works offline.

use crate::chart::constraint;
use crate::error::{Error, Result};
use crate::repo::config::RepositoryFile;
use crate::repo::index::{ChartVersion, IndexFile};
use crate::repo::{Settings, resolve};

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Matches chart names (`repo/name`), descriptions and keywords, ignoring case; empty
    /// matches every chart.
    pub keyword: String,
    /// Every matching version, not only the newest.
    pub all_versions: bool,
    /// Only versions matching this constraint (`^1.2`).
    pub version: Option<String>,
    /// Include pre-releases (without a constraint).
    pub devel: bool,
}

/// One chart version found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// `repo/name`.
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub description: String,
}

/// What a search found, and the repositories it could not look in.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// Repository by repository, charts in index order, versions newest first.
    pub hits: Vec<Hit>,
    /// Added repositories with no cached index.
    pub not_cached: Vec<String>,
}

pub fn search(settings: &Settings, query: &Query) -> Result<Found> {
    let file = RepositoryFile::load(&settings.repositories_file())?;
    if file.repositories.is_empty() {
        return Err(Error::with_hint(
            "no repositories configured",
            "add one with `charts repo add NAME URL`",
        ));
    }
    let constraint = match &query.version {
        Some(text) => Some(
            constraint::parse(text)
                .map_err(|e| Error::Usage(format!("`{text}` is not a version constraint: {e}")))?,
        ),
        None => None,
    };
    let keyword = query.keyword.to_lowercase();
    let mut found = Found::default();
    for repository in &file.repositories {
        match resolve::load_cached_index(settings, &repository.name) {
            Ok(index) => search_index(
                &repository.name,
                &index,
                &keyword,
                constraint.as_ref(),
                query,
                &mut found.hits,
            ),
            Err(_) => found.not_cached.push(repository.name.clone()),
        }
    }
    Ok(found)
}

/// The matches in one repository's index. A chart whose newest version does not match the
/// keyword is skipped whole.
fn search_index(
    repository: &str,
    index: &IndexFile,
    keyword: &str,
    constraint: Option<&constraint::Constraint>,
    query: &Query,
    hits: &mut Vec<Hit>,
) {
    for (name, versions) in &index.entries {
        let full_name = format!("{repository}/{name}");
        let mut shown = 0;
        for version in versions.iter().filter(|v| !v.removed) {
            if !matches_keyword(&full_name, version, keyword) {
                break;
            }
            let Ok(parsed) = semver::Version::parse(&version.metadata.version) else {
                continue;
            };
            let admitted = match constraint {
                Some(c) => c.matches(&parsed),
                None => query.devel || parsed.pre.is_empty(),
            };
            if !admitted {
                continue;
            }
            let metadata = &version.metadata;
            hits.push(Hit {
                name: full_name.clone(),
                version: metadata.version.clone(),
                app_version: metadata.app_version.clone().unwrap_or_default(),
                description: metadata.description.clone().unwrap_or_default(),
            });
            shown += 1;
            if !query.all_versions && shown == 1 {
                break;
            }
        }
    }
}

fn matches_keyword(full_name: &str, version: &ChartVersion, keyword: &str) -> bool {
    let metadata = &version.metadata;
    keyword.is_empty()
        || full_name.to_lowercase().contains(keyword)
        || metadata
            .description
            .as_deref()
            .unwrap_or("")
            .to_lowercase()
            .contains(keyword)
        || metadata
            .keywords
            .iter()
            .any(|k| k.to_lowercase().contains(keyword))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> IndexFile {
        IndexFile::parse(text.as_bytes(), "index.yaml").unwrap()
    }

    const INDEX: &str = "apiVersion: v1
entries:
  web:
  - {apiVersion: v2, name: web, version: 2.0.0-rc.1, description: A web server}
  - {apiVersion: v2, name: web, version: 1.1.0, description: A web server, appVersion: '1.25'}
  - {apiVersion: v2, name: web, version: 1.0.0, description: A web server, removed: true}
  - {apiVersion: v2, name: web, version: 0.9.0, description: A web server}
  db:
  - {apiVersion: v2, name: db, version: 3.0.0, keywords: [postgres]}
";

    fn run(query: &Query) -> Vec<(String, String)> {
        let constraint = query
            .version
            .as_deref()
            .map(|text| constraint::parse(text).unwrap());
        let mut hits = Vec::new();
        search_index(
            "stable",
            &index(INDEX),
            &query.keyword.to_lowercase(),
            constraint.as_ref(),
            query,
            &mut hits,
        );
        hits.into_iter().map(|h| (h.name, h.version)).collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn newest_stable_version_of_each_chart() {
        let found = run(&Query::default());
        assert_eq!(
            found,
            pairs(&[("stable/web", "1.1.0"), ("stable/db", "3.0.0")])
        );
    }

    #[test]
    fn keywords_match_names_descriptions_and_keywords_ignoring_case() {
        let by_keyword = |keyword: &str| {
            run(&Query {
                keyword: keyword.to_string(),
                ..Query::default()
            })
        };
        assert_eq!(by_keyword("POSTGRES"), pairs(&[("stable/db", "3.0.0")]));
        assert_eq!(by_keyword("web server"), pairs(&[("stable/web", "1.1.0")]));
        assert_eq!(by_keyword("stable/d"), pairs(&[("stable/db", "3.0.0")]));
        assert!(by_keyword("nothing").is_empty());
    }

    #[test]
    fn every_version_skips_removed_ones_and_pre_releases_need_devel() {
        let all = run(&Query {
            keyword: "web".to_string(),
            all_versions: true,
            ..Query::default()
        });
        assert_eq!(
            all,
            pairs(&[("stable/web", "1.1.0"), ("stable/web", "0.9.0")])
        );
        let devel = run(&Query {
            keyword: "web".to_string(),
            devel: true,
            ..Query::default()
        });
        assert_eq!(devel, pairs(&[("stable/web", "2.0.0-rc.1")]));
    }

    #[test]
    fn a_constraint_picks_the_newest_version_it_admits() {
        let found = run(&Query {
            keyword: "web".to_string(),
            version: Some("<1.1".to_string()),
            ..Query::default()
        });
        assert_eq!(found, pairs(&[("stable/web", "0.9.0")]));
    }
}
