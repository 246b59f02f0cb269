//! The chart a command names, found and loaded: a local directory or `.tgz` as it is, a chart
//! from a repository, a URL or a registry downloaded into the cache and verified by its digest.
//! The digest is taken once, from the bytes the chart is loaded from, and carried to the release
//! record.

use std::path::Path;

use crate::chart;
use crate::error::Result;
use crate::repo::{self, ResolvedChart};

/// A chart as the user named it.
#[derive(Debug, Clone, Default)]
pub struct ChartSettings {
    /// A directory, a `.tgz`, `repo/name`, a URL or `oci://host/path/name[:tag|@digest]`.
    pub reference: String,
    /// Version or constraint, for charts from repositories and registries.
    pub version: Option<String>,
    /// Where the cache is and how to reach repositories and registries.
    pub remote: repo::Settings,
}

impl ChartSettings {
    /// A chart on disk (a directory or a `.tgz`), with default repository settings.
    pub fn local(path: &Path) -> ChartSettings {
        ChartSettings {
            reference: path.display().to_string(),
            ..ChartSettings::default()
        }
    }
}

/// A loaded chart, the package it was loaded from and that package's digest: of the bytes
/// read for a `.tgz` or a download; for a directory, of its reproducible package (the same
/// files give the same digest).
pub type LoadedChart = super::chart_snapshot::Snapshot;

/// Finds the chart: a local path as it is; anything else is downloaded (or found in the cache)
/// and verified.
pub async fn resolve(settings: &ChartSettings) -> Result<ResolvedChart> {
    Ok(repo::resolve_chart(
        &settings.reference,
        settings.version.as_deref(),
        &settings.remote,
    )
    .await?)
}

/// Loads a resolved chart. A download is loaded from the bytes resolution verified, and a local
/// package is read once: its digest comes from the same bytes.
pub fn load(resolved: &ResolvedChart) -> Result<LoadedChart> {
    let name = resolved.path.display().to_string();
    if let Some(package) = &resolved.package {
        return Ok(LoadedChart {
            chart: chart::load_archive_bytes(&package.bytes, &name)?,
            package: package.bytes.clone(),
            digest: package.digest.clone(),
        });
    }
    if resolved.path.is_file() {
        let bytes = std::fs::read(&resolved.path).map_err(|source| chart::Error::Io {
            path: resolved.path.clone(),
            source,
        })?;
        return Ok(LoadedChart {
            chart: chart::load_archive_bytes(&bytes, &name)?,
            digest: format!("sha256:{}", crate::support::sha256_hex(&bytes)),
            package: bytes,
        });
    }
    let chart = chart::load(&resolved.path)?;
    // A fixed time, not SOURCE_DATE_EPOCH: the digest follows the files alone.
    let package = chart::package::to_bytes(&chart, 0)?;
    Ok(LoadedChart {
        chart,
        digest: format!("sha256:{}", crate::support::sha256_hex(&package)),
        package,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart_dir(root: &Path) -> std::path::PathBuf {
        let dir = root.join("web");
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("templates/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        )
        .unwrap();
        dir
    }

    fn local(path: &Path) -> ResolvedChart {
        ResolvedChart {
            path: path.to_path_buf(),
            package: None,
        }
    }

    #[test]
    fn a_package_digest_is_the_sha256_of_its_bytes() {
        let root = tempfile::tempdir().unwrap();
        let dir = chart_dir(root.path());
        let bytes = chart::package::to_bytes(&chart::load(&dir).unwrap(), 0).unwrap();
        let archive = root.path().join("web-1.0.0.tgz");
        std::fs::write(&archive, &bytes).unwrap();
        let loaded = load(&local(&archive)).unwrap();
        assert_eq!(loaded.chart.name(), "web");
        assert_eq!(
            loaded.digest,
            format!("sha256:{}", crate::support::sha256_hex(&bytes))
        );
        // A resolved download carries its digest: it is used as it is, not taken again.
        let resolved = ResolvedChart {
            path: archive.clone(),
            package: Some(repo::resolve::package_from_bytes(bytes, "test", None).unwrap()),
        };
        assert_eq!(load(&resolved).unwrap().digest, loaded.digest);
    }

    #[test]
    fn a_directory_digest_follows_its_files() {
        let root = tempfile::tempdir().unwrap();
        let dir = chart_dir(root.path());
        let loaded = load(&local(&dir)).unwrap();
        let first = loaded.digest.clone();
        assert!(first.starts_with("sha256:") && first.len() == 71, "{first}");
        // The digest is the package's, and the package is the one `charts package` writes.
        assert_eq!(
            first,
            format!("sha256:{}", crate::support::sha256_hex(&loaded.package))
        );
        assert_eq!(
            loaded.package,
            chart::package::to_bytes(&chart::load(&dir).unwrap(), 0).unwrap()
        );
        assert_eq!(load(&local(&dir)).unwrap().digest, first);
        std::fs::write(dir.join("templates/cm.yaml"), "# changed\n").unwrap();
        assert_ne!(load(&local(&dir)).unwrap().digest, first);
    }

    #[test]
    fn a_missing_chart_is_named() {
        let error = load(&local(Path::new("/no/such/chart"))).unwrap_err();
        assert!(error.to_string().contains("/no/such/chart"), "{error}");
    }
}
