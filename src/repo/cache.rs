//! The local cache: each repository's last fetched index, and chart packages stored by their
//! sha256 digest (so a package is verified once and found again without the network).

use std::path::PathBuf;

use super::{Error, Result, Settings};
use crate::support::{fs, sha256_hex};

pub fn index_path(settings: &Settings, repository_name: &str) -> PathBuf {
    settings
        .cache_home
        .join("repository")
        .join(format!("{repository_name}-index.yaml"))
}

/// The cache name of a repository known only by its URL (a dependency's `repository:`).
pub fn url_repository_name(url: &str) -> String {
    format!(
        "url-{}",
        &sha256_hex(url.trim_end_matches('/').as_bytes())[..16]
    )
}

pub fn package_path(settings: &Settings, digest_hex: &str) -> PathBuf {
    let prefix = digest_hex.get(..2).unwrap_or("00");
    settings
        .cache_home
        .join("content")
        .join(prefix)
        .join(format!("{digest_hex}.tgz"))
}

/// The cached package with this digest, if present and still intact.
pub fn read_package(settings: &Settings, digest_hex: &str) -> Option<(PathBuf, Vec<u8>)> {
    let path = package_path(settings, digest_hex);
    let bytes = std::fs::read(&path).ok()?;
    // A cache entry that no longer matches its name is treated as absent, never trusted.
    (sha256_hex(&bytes) == digest_hex).then_some((path, bytes))
}

/// Stores verified package bytes under their digest; returns the path.
pub fn store_package(settings: &Settings, bytes: &[u8]) -> Result<PathBuf> {
    let digest = sha256_hex(bytes);
    let path = package_path(settings, &digest);
    if !path.is_file() {
        fs::write_atomic(&path, bytes, None).map_err(|e| Error::write(&path, e))?;
    }
    Ok(path)
}
