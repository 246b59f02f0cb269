//! Chart repositories and registries: the `repositories.yaml` config, HTTP `index.yaml`
//! repositories, OCI registries, the local cache, and downloads verified by sha256.
//!
//! The network edge is async (reqwest); the CLI layer drives it with
//! [`crate::support::block_on`].

pub mod cache;
pub mod config;
pub mod credentials;
pub mod dependency;
mod error;
pub mod http;
pub mod index;
pub mod oci;
pub mod resolve;

use std::path::PathBuf;

pub use error::{Error, Result};
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
