//! From a chart reference to a verified package: `repo/name` (an added repository), a URL to a
//! `.tgz`, `oci://host/path/name[:tag|@digest]`, or a local directory or archive.
//! Every download is checked against the digest in the index or manifest before it is kept.

use std::path::{Path, PathBuf};

use super::config::{Repository, RepositoryFile};
use super::http::Credentials;
use super::index::{ChartVersion, IndexFile};
use super::{Error, Result, Settings, cache, oci};
use crate::support::{fs, sha256_hex};

/// A chart ready to load: a local path as given, or a verified package in the cache.
#[derive(Debug, Clone)]
pub struct ResolvedChart {
    pub path: PathBuf,
    /// Set when the chart was downloaded (or found in the cache).
    pub package: Option<Package>,
}

/// A verified chart package.
#[derive(Debug, Clone)]
pub struct Package {
    pub bytes: Vec<u8>,
    pub name: String,
    pub version: String,
    /// `sha256:<hex>` of the package.
    pub digest: String,
    /// The OCI manifest digest, for charts from a registry.
    pub manifest_digest: Option<String>,
}

impl Package {
    pub fn file_name(&self) -> String {
        format!("{}-{}.tgz", self.name, self.version)
    }
}

/// What kind of reference the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartRef {
    Local(PathBuf),
    Url(String),
    Oci(oci::Reference),
    Repository { repository: String, chart: String },
}

impl ChartRef {
    pub fn parse(reference: &str) -> Result<ChartRef> {
        if reference.starts_with("oci://") {
            return Ok(ChartRef::Oci(oci::Reference::parse(reference)?));
        }
        if reference.starts_with("http://") || reference.starts_with("https://") {
            return Ok(ChartRef::Url(reference.to_string()));
        }
        let path = Path::new(reference);
        if path.exists() {
            return Ok(ChartRef::Local(path.to_path_buf()));
        }
        match reference.split_once('/') {
            Some((repository, chart))
                if !repository.is_empty()
                    && !chart.is_empty()
                    && !chart.contains('/')
                    && repository != "."
                    && repository != ".." =>
            {
                Ok(ChartRef::Repository {
                    repository: repository.to_string(),
                    chart: chart.to_string(),
                })
            }
            _ => Ok(ChartRef::Local(path.to_path_buf())),
        }
    }
}

/// Resolves a reference to a chart on disk. Downloads land in the content cache (verified), so
/// `install`/`upgrade`/`template` can load the returned path.
pub async fn resolve_chart(
    reference: &str,
    version: Option<&str>,
    settings: &Settings,
) -> Result<ResolvedChart> {
    match ChartRef::parse(reference)? {
        ChartRef::Local(path) => Ok(ResolvedChart {
            path,
            package: None,
        }),
        chart_ref => {
            let package = fetch(&chart_ref, version, settings).await?;
            let path = cache::store_package(settings, &package.bytes)?;
            Ok(ResolvedChart {
                path,
                package: Some(package),
            })
        }
    }
}

/// Fetches a remote reference as a verified package.
pub async fn fetch(
    chart_ref: &ChartRef,
    version: Option<&str>,
    settings: &Settings,
) -> Result<Package> {
    match chart_ref {
        ChartRef::Local(path) => {
            let chart = crate::chart::load(path)?;
            let bytes = crate::chart::package::to_bytes(&chart, 0)?;
            package_from_bytes(bytes, &path.display().to_string(), None)
        }
        ChartRef::Url(url) => {
            if settings.offline {
                return Err(Error::Offline {
                    action: format!("download `{url}`"),
                });
            }
            let client = super::http::client(&settings.tls)?;
            let bytes = super::http::get(&client, url, None).await?;
            let package = package_from_bytes(bytes, url, None)?;
            cache::store_package(settings, &package.bytes)?;
            Ok(package)
        }
        ChartRef::Oci(reference) => fetch_oci(reference, version, settings).await,
        ChartRef::Repository { repository, chart } => {
            let repositories = RepositoryFile::load(&settings.repositories_file())?;
            let repo = repositories
                .get(repository)
                .ok_or_else(|| Error::UnknownRepository {
                    repository: repository.clone(),
                    chart: chart.clone(),
                })?;
            let index = load_cached_index(settings, &repo.name)?;
            let entry = find_version(
                &index,
                chart,
                version,
                &format!("repository `{}`", repo.name),
            )?;
            download_verified(entry, repo, settings).await
        }
    }
}

/// The cached index of an added repository.
pub fn load_cached_index(settings: &Settings, repository: &str) -> Result<IndexFile> {
    let path = cache::index_path(settings, repository);
    let bytes = std::fs::read(&path).map_err(|_| Error::NoCachedIndex {
        repository: repository.to_string(),
    })?;
    IndexFile::parse(&bytes, &path.display().to_string())
}

/// Downloads `<url>/index.yaml`, checks it, and caches it under `cache_name`.
pub async fn update_index(
    settings: &Settings,
    cache_name: &str,
    url: &str,
    credentials: Option<&Credentials>,
    tls: &super::http::TlsOptions,
) -> Result<IndexFile> {
    let index_url = format!("{}/index.yaml", url.trim_end_matches('/'));
    let client = super::http::client(tls)?;
    let bytes = super::http::get(&client, &index_url, credentials).await?;
    let index = IndexFile::parse(&bytes, &index_url)?;
    let index_path = cache::index_path(settings, cache_name);
    fs::write_atomic(&index_path, &bytes, None).map_err(|e| Error::write(&index_path, e))?;
    let names: Vec<&str> = index.entries.keys().map(String::as_str).collect();
    let charts_list = settings
        .cache_home
        .join("repository")
        .join(format!("{cache_name}-charts.txt"));
    fs::write_atomic(
        &charts_list,
        format!("{}\n", names.join("\n")).as_bytes(),
        None,
    )
    .map_err(|e| Error::write(&charts_list, e))?;
    Ok(index)
}

/// The best version of `chart` in `index`, or an error naming what is available.
pub fn find_version<'a>(
    index: &'a IndexFile,
    chart: &str,
    version: Option<&str>,
    source: &str,
) -> Result<&'a ChartVersion> {
    if let Some(entry) = index.find(chart, version)? {
        return Ok(entry);
    }
    let Some(versions) = index.entries.get(chart) else {
        return Err(Error::ChartNotFound {
            chart: chart.to_string(),
            source_name: source.to_string(),
        });
    };
    Err(Error::NoMatchingVersion {
        chart: chart.to_string(),
        constraint: version.map(str::to_string),
        source_name: source.to_string(),
        available: versions
            .iter()
            .take(10)
            .map(|v| v.metadata.version.clone())
            .collect(),
    })
}

/// Downloads one index entry (or finds it in the cache) and verifies its sha256 digest.
pub async fn download_verified(
    entry: &ChartVersion,
    repo: &Repository,
    settings: &Settings,
) -> Result<Package> {
    let label = format!(
        "chart `{}` version `{}` from repository `{}`",
        entry.metadata.name, entry.metadata.version, repo.name
    );
    let expected = entry
        .digest
        .trim()
        .trim_start_matches("sha256:")
        .to_ascii_lowercase();
    if expected.len() != 64 {
        return Err(Error::NoDigest { label });
    }
    if let Some((_, bytes)) = cache::read_package(settings, &expected) {
        return package_from_bytes(bytes, &label, None);
    }
    if settings.offline {
        return Err(Error::PackageNotCached { label });
    }
    let Some(url) = entry.urls.first() else {
        return Err(Error::NoUrl { label });
    };
    let url = super::http::join_url(&repo.url, url);
    // Credentials go only to the repository's own host unless the user allowed otherwise.
    let same_origin = origin(&url) == origin(&repo.url);
    let credentials = repo
        .credentials()
        .filter(|_| same_origin || repo.pass_credentials_all);
    let client = super::http::client(&repo.tls())?;
    let bytes = super::http::get(&client, &url, credentials.as_ref()).await?;
    let actual = sha256_hex(&bytes);
    if actual != expected {
        return Err(Error::DigestMismatch {
            label,
            expected,
            url,
            actual,
        });
    }
    let package = package_from_bytes(bytes, &url, None)?;
    if package.name != entry.metadata.name || package.version != entry.metadata.version {
        return Err(Error::WrongPackage {
            label,
            url,
            name: package.name,
            version: package.version,
        });
    }
    cache::store_package(settings, &package.bytes)?;
    Ok(package)
}

fn origin(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    Some(format!(
        "{}://{}:{}",
        parsed.scheme(),
        parsed.host_str()?,
        parsed.port_or_known_default()?
    ))
}

async fn fetch_oci(
    reference: &oci::Reference,
    version: Option<&str>,
    settings: &Settings,
) -> Result<Package> {
    let client = oci::Client::new(settings, &reference.registry)?;
    let target = match (&reference.digest, &reference.tag, version) {
        (Some(digest), _, _) => digest.clone(),
        (None, Some(tag), Some(version)) if oci::version_to_tag(version) != *tag => {
            return Err(Error::TagVersionConflict {
                reference: reference.display(),
                tag: tag.clone(),
                version: version.to_string(),
            });
        }
        (None, Some(tag), _) => tag.clone(),
        (None, None, Some(version)) if semver::Version::parse(version).is_ok() => {
            oci::version_to_tag(version)
        }
        (None, None, constraint) => {
            let tags = client.tags(&reference.repository).await?;
            let versions: Vec<String> = tags.iter().map(|t| t.replace('_', "+")).collect();
            let best = super::index::best_match(versions.iter(), |v| v.as_str(), constraint)?;
            match best {
                Some(version) => oci::version_to_tag(version),
                None => {
                    return Err(Error::NoMatchingTag {
                        reference: reference.display(),
                        constraint: constraint.map(str::to_string),
                        tags,
                    });
                }
            }
        }
    };
    let pulled = client.pull(&reference.repository, &target).await?;
    let label = format!("{}:{target}", reference.display());
    let package = package_from_bytes(pulled.bytes, &label, Some(pulled.manifest_digest))?;
    if package.name != reference.name() {
        return Err(Error::WrongChart {
            label,
            found: package.name,
            expected: reference.name().to_string(),
        });
    }
    cache::store_package(settings, &package.bytes)?;
    Ok(package)
}

/// Checks that bytes are a loadable chart and describes them.
pub fn package_from_bytes(
    bytes: Vec<u8>,
    source: &str,
    manifest_digest: Option<String>,
) -> Result<Package> {
    let chart = crate::chart::load_archive_bytes(&bytes, source)?;
    Ok(Package {
        name: chart.metadata.name.clone(),
        version: chart.metadata.version.clone(),
        digest: format!("sha256:{}", sha256_hex(&bytes)),
        manifest_digest,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_references() {
        assert_eq!(
            ChartRef::parse("stable/web").unwrap(),
            ChartRef::Repository {
                repository: "stable".to_string(),
                chart: "web".to_string()
            }
        );
        assert!(matches!(
            ChartRef::parse("https://h/web-1.0.0.tgz").unwrap(),
            ChartRef::Url(_)
        ));
        assert!(matches!(
            ChartRef::parse("oci://h/charts/web").unwrap(),
            ChartRef::Oci(_)
        ));
        assert!(matches!(
            ChartRef::parse("./no/such/dir").unwrap(),
            ChartRef::Local(_)
        ));
    }
}
