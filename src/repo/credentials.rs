//! Registry credentials saved by `charts registry login`, in Docker's `config.json` shape
//! (`{"auths": {"host:port": {"auth": base64("user:password")}}}`), written with mode 0600.

use std::path::Path;

use base64::Engine as _;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::http::Credentials;
use super::{Error, Result};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RegistryConfig {
    #[serde(default)]
    pub auths: IndexMap<String, AuthEntry>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AuthEntry {
    #[serde(default)]
    pub auth: String,
}

impl RegistryConfig {
    pub fn load(path: &Path) -> Result<RegistryConfig> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::InvalidConfig {
                path: path.to_path_buf(),
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RegistryConfig::default()),
            Err(e) => Err(Error::read(path, e)),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::Serialize {
            what: "JSON",
            message: e.to_string(),
        })?;
        crate::support::fs::write_atomic(path, text.as_bytes(), Some(0o600))
            .map_err(|e| Error::write(path, e))
    }

    pub fn get(&self, host: &str) -> Option<Credentials> {
        let entry = self.auths.get(host)?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(entry.auth.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (username, password) = text.split_once(':')?;
        Some(Credentials {
            username: username.to_string(),
            password: password.to_string(),
        })
    }

    pub fn set(&mut self, host: &str, credentials: &Credentials) {
        let auth = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", credentials.username, credentials.password));
        self.auths.insert(host.to_string(), AuthEntry { auth });
    }

    pub fn remove(&mut self, host: &str) -> bool {
        self.auths.shift_remove(host).is_some()
    }
}
