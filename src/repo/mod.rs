//! Chart repositories and registries: the `repositories.yaml` config, HTTP `index.yaml`
//! repositories, OCI registries, the local cache, and downloads verified by sha256.
//!
//! The network edge is async (reqwest); the CLI layer drives it with [`block_on`].

pub mod cache;
pub mod config;
pub mod credentials;
pub mod dependency;
pub mod http;
pub mod index;
pub mod oci;
pub mod resolve;

use std::path::{Path, PathBuf};

use sha2::Digest as _;

use crate::error::{Error, Result};

pub use resolve::{ResolvedChart, resolve_chart};

/// Where configuration and cache live, and how to reach servers.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `CHARTS_CONFIG_HOME`, else `$XDG_CONFIG_HOME/charts`, else `~/.config/charts`.
    pub config_home: PathBuf,
    /// `CHARTS_CACHE_HOME`, else `$XDG_CACHE_HOME/charts`, else `~/.cache/charts`.
    pub cache_home: PathBuf,
    /// Use only what is in the cache; never touch the network.
    pub offline: bool,
    /// Talk plain HTTP to OCI registries (local registries).
    pub plain_http: bool,
    pub tls: http::TlsOptions,
}

impl Settings {
    /// Settings from the environment, following the XDG base directory conventions.
    pub fn from_env() -> Settings {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let pick = |own: &str, xdg: &str, fallback: &str| -> PathBuf {
            if let Some(dir) = std::env::var_os(own).filter(|v| !v.is_empty()) {
                return PathBuf::from(dir);
            }
            if let Some(dir) = std::env::var_os(xdg).filter(|v| !v.is_empty()) {
                return PathBuf::from(dir).join("charts");
            }
            home.join(fallback).join("charts")
        };
        Settings {
            config_home: pick("CHARTS_CONFIG_HOME", "XDG_CONFIG_HOME", ".config"),
            cache_home: pick("CHARTS_CACHE_HOME", "XDG_CACHE_HOME", ".cache"),
            ..Settings::default()
        }
    }

    pub fn repositories_file(&self) -> PathBuf {
        self.config_home.join("repositories.yaml")
    }

    pub fn registry_config_file(&self) -> PathBuf {
        self.config_home.join("registry").join("config.json")
    }
}

/// Runs a future to completion on a small runtime of its own (the CLI is synchronous).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime builds")
        .block_on(future)
}

/// The lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees half a file. `mode` sets the Unix permissions of the new file.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("cannot create directory `{}`", dir.display()), e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = dir.join(format!(".{file_name}.{}.partial", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        let mut file = options.open(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(mode))?;
        }
        std::fs::rename(&partial, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        Error::io(format!("cannot write `{}`", path.display()), e)
    })
}

/// Now as RFC 3339 in UTC (`SOURCE_DATE_EPOCH` when set, for reproducible files).
pub fn now_rfc3339() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    rfc3339(seconds)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
