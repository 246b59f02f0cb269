//! Chart dependencies: resolve the `dependencies:` of Chart.yaml to exact versions, vendor them
//! into `charts/` as packages, and keep `Chart.lock` (Helm's format and digest) in step.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::config::{Repository, RepositoryFile};
use super::index::IndexFile;
use super::resolve::{self, ChartRef, Package};
use super::{Error, Result, Settings, cache};
use crate::chart::lock::LockedDependency;
use crate::chart::{ChartLock, ChartMetadata, Dependency, ImportValue};
use crate::support::{clock, fs, sha256_hex};

/// Helm's lock digest: sha256 of Go's `json.Marshal([2][]*Dependency{requested, locked})`.
pub fn lock_digest(requested: &[Dependency], locked: &[LockedDependency]) -> String {
    // Go's field order and omitempty rules for chart.Dependency.
    #[derive(Serialize)]
    struct GoDependency<'a> {
        name: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        version: &'a str,
        repository: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        condition: &'a str,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        tags: &'a [String],
        #[serde(
            rename = "import-values",
            skip_serializing_if = "<[ImportValue]>::is_empty"
        )]
        import_values: &'a [ImportValue],
        #[serde(skip_serializing_if = "str::is_empty")]
        alias: &'a str,
    }
    let requested: Vec<GoDependency> = requested
        .iter()
        .map(|d| GoDependency {
            name: &d.name,
            version: &d.version,
            repository: d.repository.as_deref().unwrap_or(""),
            condition: d.condition.as_deref().unwrap_or(""),
            tags: &d.tags,
            import_values: &d.import_values,
            alias: d.alias.as_deref().unwrap_or(""),
        })
        .collect();
    let locked: Vec<GoDependency> = locked
        .iter()
        .map(|d| GoDependency {
            name: &d.name,
            version: &d.version,
            repository: &d.repository,
            condition: "",
            tags: &[],
            import_values: &[],
            alias: "",
        })
        .collect();
    let json = serde_json::to_string(&(requested, locked)).expect("plain data serializes");
    // Go's encoder escapes these three for HTML safety; the digest must match Helm's bytes.
    let json = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    format!("sha256:{}", sha256_hex(json.as_bytes()))
}

fn read_metadata(chart_dir: &Path) -> Result<ChartMetadata> {
    let path = chart_dir.join("Chart.yaml");
    let bytes = std::fs::read(&path).map_err(|e| Error::read(&path, e))?;
    crate::yaml::from_slice(&bytes)
        .map_err(|e| crate::chart::yaml_error(&path.display().to_string(), &e).into())
}

fn read_lock(chart_dir: &Path) -> Result<Option<ChartLock>> {
    let path = chart_dir.join("Chart.lock");
    match std::fs::read(&path) {
        Ok(bytes) => crate::yaml::from_slice(&bytes)
            .map(Some)
            .map_err(|e| crate::chart::yaml_error(&path.display().to_string(), &e).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::read(&path, e)),
    }
}

/// What `dependency update`/`build` did.
#[derive(Debug)]
pub struct Outcome {
    pub lock: ChartLock,
    pub written: Vec<PathBuf>,
}

/// Resolves every dependency to its newest matching version, vendors the packages into
/// `charts/` and writes `Chart.lock`. Nothing is changed unless every dependency resolves.
pub async fn update(chart_dir: &Path, settings: &Settings) -> Result<Outcome> {
    let metadata = read_metadata(chart_dir)?;
    let mut resolver = Resolver::new(chart_dir, settings)?;
    let mut locked = Vec::new();
    let mut packages = Vec::new();
    for dependency in &metadata.dependencies {
        let (entry, package) = resolver.resolve(dependency, None).await?;
        locked.push(entry);
        packages.extend(package);
    }
    let lock = ChartLock {
        digest: lock_digest(&metadata.dependencies, &locked),
        dependencies: locked,
        generated: clock::now_rfc3339(),
    };
    let written = vendor(chart_dir, &metadata, &packages)?;
    let text = crate::yaml::to_document_of(&lock).map_err(|e| Error::Serialize {
        what: "YAML",
        message: e.to_string(),
    })?;
    let lock_path = chart_dir.join("Chart.lock");
    fs::write_atomic(&lock_path, text.as_bytes(), None).map_err(|e| Error::write(&lock_path, e))?;
    Ok(Outcome { lock, written })
}

/// Reproduces `charts/` from `Chart.lock`; fails when the lock no longer matches Chart.yaml.
pub async fn build(chart_dir: &Path, settings: &Settings) -> Result<Outcome> {
    let metadata = read_metadata(chart_dir)?;
    let Some(lock) = read_lock(chart_dir)? else {
        return Err(Error::NoLock {
            chart_dir: chart_dir.to_path_buf(),
        });
    };
    if lock_digest(&metadata.dependencies, &lock.dependencies) != lock.digest {
        return Err(Error::StaleLock {
            chart_dir: chart_dir.to_path_buf(),
        });
    }
    let mut resolver = Resolver::new(chart_dir, settings)?;
    let mut packages = Vec::new();
    for (dependency, entry) in metadata.dependencies.iter().zip(&lock.dependencies) {
        let (_, package) = resolver.resolve(dependency, Some(&entry.version)).await?;
        packages.extend(package);
    }
    let written = vendor(chart_dir, &metadata, &packages)?;
    Ok(Outcome { lock, written })
}

/// Writes the packages into `charts/` and removes older packages of the same charts.
fn vendor(
    chart_dir: &Path,
    metadata: &ChartMetadata,
    packages: &[Package],
) -> Result<Vec<PathBuf>> {
    let charts_dir = chart_dir.join("charts");
    let mut written = Vec::new();
    for package in packages {
        let path = charts_dir.join(package.file_name());
        fs::write_atomic(&path, &package.bytes, None).map_err(|e| Error::write(&path, e))?;
        written.push(path);
    }
    let names: Vec<&str> = metadata
        .dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    if let Ok(entries) = std::fs::read_dir(&charts_dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "tgz") || written.contains(&path) {
                continue;
            }
            let stale = std::fs::read(&path)
                .ok()
                .and_then(|bytes| crate::chart::load_archive_bytes(&bytes, "").ok())
                .is_some_and(|chart| names.contains(&chart.name()));
            if stale {
                std::fs::remove_file(&path).map_err(|source| Error::Remove {
                    path: path.clone(),
                    source,
                })?;
            }
        }
    }
    Ok(written)
}

struct Resolver<'a> {
    chart_dir: &'a Path,
    settings: &'a Settings,
    repositories: RepositoryFile,
    indexes: HashMap<String, IndexFile>,
}

impl<'a> Resolver<'a> {
    fn new(chart_dir: &'a Path, settings: &'a Settings) -> Result<Resolver<'a>> {
        Ok(Resolver {
            chart_dir,
            settings,
            repositories: RepositoryFile::load(&settings.repositories_file())?,
            indexes: HashMap::new(),
        })
    }

    /// Resolves one dependency (to `pinned` exactly, when building from a lock).
    async fn resolve(
        &mut self,
        dependency: &Dependency,
        pinned: Option<&str>,
    ) -> Result<(LockedDependency, Option<Package>)> {
        let exact = pinned.map(|v| format!("={v}"));
        let constraint = exact
            .as_deref()
            .or(Some(dependency.version.as_str()).filter(|v| !v.is_empty()));
        let repository = dependency.repository.clone().unwrap_or_default();
        let label = format!("dependency `{}`", dependency.name);
        let locked = |version: &str| LockedDependency {
            name: dependency.name.clone(),
            version: version.to_string(),
            repository: repository.clone(),
        };

        if repository.is_empty() {
            // Helm's rule: no repository means the chart is vendored as `charts/<name>/`.
            let path = self.chart_dir.join("charts").join(&dependency.name);
            let chart = crate::chart::load(&path).map_err(|_| Error::NotVendored {
                label: label.clone(),
                path: path.clone(),
            })?;
            check_version(&label, &chart.metadata.version, constraint)?;
            return Ok((locked(&chart.metadata.version), None));
        }
        if let Some(relative) = repository.strip_prefix("file://") {
            let path = self.chart_dir.join(relative);
            let chart = crate::chart::load(&path)?;
            if chart.name() != dependency.name {
                return Err(Error::DependencyMismatch {
                    label,
                    path,
                    found: chart.name().to_string(),
                });
            }
            check_version(&label, &chart.metadata.version, constraint)?;
            let bytes = crate::chart::package::to_bytes(&chart, 0)?;
            let package = resolve::package_from_bytes(bytes, &path.display().to_string(), None)?;
            return Ok((locked(&package.version), Some(package)));
        }
        if repository.starts_with("oci://") {
            let reference = format!("{}/{}", repository.trim_end_matches('/'), dependency.name);
            let chart_ref = ChartRef::parse(&reference)?;
            let package = resolve::fetch(&chart_ref, constraint, self.settings).await?;
            return Ok((locked(&package.version), Some(package)));
        }
        let repo = self.repository_for(&repository, &label)?;
        let index = self.index_for(&repo).await?;
        let source = format!("repository `{}`", repo.url);
        let entry = resolve::find_version(index, &dependency.name, constraint, &source)?.clone();
        let package = resolve::download_verified(&entry, &repo, self.settings).await?;
        Ok((locked(&package.version), Some(package)))
    }

    /// The repository a dependency names: `@name`/`alias:name` for an added one, else its URL
    /// (an added repository with the same URL lends its credentials).
    fn repository_for(&self, repository: &str, label: &str) -> Result<Repository> {
        let by_name = repository
            .strip_prefix('@')
            .or_else(|| repository.strip_prefix("alias:"));
        if let Some(name) = by_name {
            return self
                .repositories
                .get(name)
                .cloned()
                .ok_or_else(|| Error::RepositoryNotAdded {
                    label: label.to_string(),
                    name: name.to_string(),
                });
        }
        if !(repository.starts_with("http://") || repository.starts_with("https://")) {
            return Err(Error::BadRepository {
                label: label.to_string(),
                repository: repository.to_string(),
            });
        }
        Ok(self
            .repositories
            .by_url(repository)
            .cloned()
            .unwrap_or_else(|| Repository {
                name: cache::url_repository_name(repository),
                url: repository.trim_end_matches('/').to_string(),
                ..Repository::default()
            }))
    }

    /// An index fetched at most once per run; the cache when offline.
    async fn index_for(&mut self, repo: &Repository) -> Result<&IndexFile> {
        if !self.indexes.contains_key(&repo.name) {
            let index = if self.settings.offline {
                resolve::load_cached_index(self.settings, &repo.name).map_err(|_| {
                    Error::IndexNotCached {
                        url: repo.url.clone(),
                    }
                })?
            } else {
                resolve::update_index(
                    self.settings,
                    &repo.name,
                    &repo.url,
                    repo.credentials().as_ref(),
                    &repo.tls(),
                )
                .await?
            };
            self.indexes.insert(repo.name.clone(), index);
        }
        Ok(&self.indexes[&repo.name])
    }
}

fn check_version(label: &str, version: &str, constraint: Option<&str>) -> Result<()> {
    let Some(text) = constraint else {
        return Ok(());
    };
    let parsed = crate::chart::constraint::parse(text).map_err(|e| Error::BadRange {
        label: label.to_string(),
        text: text.to_string(),
        message: e.to_string(),
    })?;
    let ok = semver::Version::parse(version).is_ok_and(|v| parsed.matches(&v));
    if !ok {
        return Err(Error::VersionMismatch {
            label: label.to_string(),
            version: version.to_string(),
            range: text.to_string(),
        });
    }
    Ok(())
}

/// One row of `dependency list`.
#[derive(Debug, Serialize)]
pub struct DependencyStatus {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub status: String,
}

/// Each dependency and whether `charts/` has it: `ok`, `missing` or `out of date` (present,
/// but not the version Chart.yaml or Chart.lock asks for).
pub fn list(chart_dir: &Path) -> Result<(Vec<DependencyStatus>, bool)> {
    let metadata = read_metadata(chart_dir)?;
    let lock = read_lock(chart_dir)?;
    let lock_current = lock
        .as_ref()
        .is_none_or(|l| lock_digest(&metadata.dependencies, &l.dependencies) == l.digest);
    let vendored = vendored_versions(&chart_dir.join("charts"));
    let mut rows = Vec::new();
    for dependency in &metadata.dependencies {
        let present: Vec<&String> = vendored
            .iter()
            .filter(|(name, _)| *name == dependency.name)
            .map(|(_, version)| version)
            .collect();
        let locked = lock
            .as_ref()
            .filter(|_| lock_current)
            .and_then(|l| l.dependencies.iter().find(|d| d.name == dependency.name))
            .map(|d| d.version.clone());
        let constraint = crate::chart::constraint::parse(&dependency.version).ok();
        let status = if present.is_empty() {
            "missing"
        } else if present.iter().any(|version| {
            let matches_constraint = match (&constraint, semver::Version::parse(version)) {
                (Some(c), Ok(v)) => c.matches(&v),
                (None, _) => dependency.version.is_empty(),
                _ => false,
            };
            matches_constraint && locked.as_ref().is_none_or(|l| l == *version)
        }) && lock_current
        {
            "ok"
        } else {
            "out of date"
        };
        rows.push(DependencyStatus {
            name: dependency.name.clone(),
            version: dependency.version.clone(),
            repository: dependency.repository.clone().unwrap_or_default(),
            status: status.to_string(),
        });
    }
    Ok((rows, lock_current))
}

/// `(name, version)` of every chart in `charts/`, packaged or unpacked.
fn vendored_versions(charts_dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(charts_dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_package = path.extension().is_some_and(|e| e == "tgz");
        if !(is_package || path.join("Chart.yaml").is_file()) {
            continue;
        }
        if let Ok(chart) = crate::chart::load(&path) {
            found.push((chart.metadata.name.clone(), chart.metadata.version.clone()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_digest_uses_go_json_shape() {
        let requested = vec![Dependency {
            name: "web".to_string(),
            version: ">=1.0.0 <2".to_string(),
            repository: Some("https://example.com/charts".to_string()),
            ..Dependency::default()
        }];
        let locked = vec![LockedDependency {
            name: "web".to_string(),
            version: "1.2.0".to_string(),
            repository: "https://example.com/charts".to_string(),
        }];
        // The exact bytes Go's json.Marshal produces for this input.
        let go_json = r#"[[{"name":"web","version":"\u003e=1.0.0 \u003c2","repository":"https://example.com/charts"}],[{"name":"web","version":"1.2.0","repository":"https://example.com/charts"}]]"#;
        assert_eq!(
            lock_digest(&requested, &locked),
            format!("sha256:{}", sha256_hex(go_json.as_bytes()))
        );
    }
}
