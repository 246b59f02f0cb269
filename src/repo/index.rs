//! `index.yaml`: a chart repository's catalogue, in Helm's format. Made by `charts repo index`
//! from a directory of packages, served by any static web server, cached by `charts repo update`.

use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{Error, Result};
use crate::chart::ChartMetadata;
use crate::chart::constraint;
use crate::support::{clock, sha256_hex};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexFile {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub generated: String,
    #[serde(default)]
    pub entries: IndexMap<String, Vec<ChartVersion>>,
}

/// One packaged chart version: its Chart.yaml metadata plus where to get it and its digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartVersion {
    #[serde(flatten)]
    pub metadata: ChartMetadata,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub created: String,
    /// sha256 hex of the package.
    #[serde(default)]
    pub digest: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

impl IndexFile {
    /// Parses an index (YAML or JSON, as Helm accepts both).
    pub fn parse(bytes: &[u8], source: &str) -> Result<IndexFile> {
        let index: IndexFile = crate::yaml::from_slice(bytes).map_err(|e| Error::InvalidIndex {
            source_name: source.to_string(),
            message: crate::error::shorten_quoted(&e.to_string()),
        })?;
        if index.api_version.is_empty() {
            return Err(Error::NotAnIndex {
                source_name: source.to_string(),
            });
        }
        Ok(index)
    }

    pub fn to_yaml(&self) -> Result<String> {
        crate::yaml::to_document_of(self).map_err(|e| Error::Serialize {
            what: "YAML",
            message: e.to_string(),
        })
    }

    /// Indexes every `.tgz` under `dir` (recursively). URLs are `base_url` + the path relative
    /// to `dir`.
    pub fn from_directory(dir: &Path, base_url: &str) -> Result<IndexFile> {
        let mut packages = Vec::new();
        find_packages(dir, dir, &mut packages)?;
        packages.sort();
        let mut index = IndexFile {
            api_version: "v1".to_string(),
            generated: clock::now_rfc3339(),
            entries: IndexMap::new(),
        };
        for relative in packages {
            let path = dir.join(&relative);
            let bytes = std::fs::read(&path).map_err(|e| Error::read(&path, e))?;
            let chart = crate::chart::load_archive_bytes(&bytes, &path.display().to_string())?;
            let url = if base_url.is_empty() {
                relative.clone()
            } else {
                format!("{}/{}", base_url.trim_end_matches('/'), relative)
            };
            index.add(ChartVersion {
                metadata: chart.metadata.clone(),
                urls: vec![url],
                created: clock::now_rfc3339(),
                digest: sha256_hex(&bytes),
                removed: false,
            });
        }
        index.sort();
        Ok(index)
    }

    /// Adds a version unless the same name and version is already present.
    pub fn add(&mut self, version: ChartVersion) -> bool {
        let versions = self
            .entries
            .entry(version.metadata.name.clone())
            .or_default();
        if versions
            .iter()
            .any(|v| v.metadata.version == version.metadata.version)
        {
            return false;
        }
        versions.push(version);
        true
    }

    /// Adds the versions of `other` this index lacks (this index wins on duplicates, as Helm's
    /// `--merge`).
    pub fn merge(&mut self, other: IndexFile) {
        for (_, versions) in other.entries {
            for version in versions {
                self.add(version);
            }
        }
        self.sort();
    }

    /// Chart names alphabetically, each chart's versions newest first.
    pub fn sort(&mut self) {
        self.entries.sort_keys();
        for versions in self.entries.values_mut() {
            versions.sort_by(|a, b| match (parse_version(a), parse_version(b)) {
                (Some(a), Some(b)) => b.cmp(&a),
                _ => b.metadata.version.cmp(&a.metadata.version),
            });
        }
    }

    /// The newest version of `name` matching `constraint` (newest stable one when there is no
    /// constraint, like Helm).
    pub fn find(&self, name: &str, constraint: Option<&str>) -> Result<Option<&ChartVersion>> {
        let Some(versions) = self.entries.get(name) else {
            return Ok(None);
        };
        best_match(
            versions.iter().filter(|v| !v.removed),
            |v| v.metadata.version.as_str(),
            constraint,
        )
    }
}

/// The highest version among `items` matching `constraint`; without one, the highest version
/// that is not a pre-release.
pub fn best_match<'a, T>(
    items: impl Iterator<Item = &'a T>,
    version_of: impl Fn(&T) -> &str,
    constraint: Option<&str>,
) -> Result<Option<&'a T>>
where
    T: 'a,
{
    let parsed = match constraint.map(str::trim).filter(|c| !c.is_empty()) {
        Some(text) => Some(constraint::parse(text).map_err(|e| Error::BadConstraint {
            text: text.to_string(),
            message: e.to_string(),
        })?),
        None => None,
    };
    let mut best: Option<(semver::Version, &T)> = None;
    for item in items {
        let Ok(version) = semver::Version::parse(version_of(item).trim_start_matches('v')) else {
            continue;
        };
        let ok = match &parsed {
            Some(c) => c.matches(&version),
            None => version.pre.is_empty(),
        };
        if ok && best.as_ref().is_none_or(|(b, _)| version > *b) {
            best = Some((version, item));
        }
    }
    Ok(best.map(|(_, item)| item))
}

fn parse_version(v: &ChartVersion) -> Option<semver::Version> {
    semver::Version::parse(v.metadata.version.trim_start_matches('v')).ok()
}

fn find_packages(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let read_dir = |source| Error::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_dir)? {
        let entry = entry.map_err(read_dir)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| Error::read(&path, e))?;
        if file_type.is_dir() {
            find_packages(root, &path, out)?;
        } else if file_type.is_file() && path.extension().is_some_and(|e| e == "tgz") {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            out.push(
                relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}
