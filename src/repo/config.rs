//! `repositories.yaml`: the chart repositories the user added, in Helm's format. The file may
//! hold passwords, so it is written with mode 0600 and never printed.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Error, Result};
use crate::support::{clock, fs};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryFile {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub generated: String,
    #[serde(default)]
    pub repositories: Vec<Repository>,
}

/// One added repository. Field names are Helm's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Repository {
    pub name: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub username: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub password: String,
    #[serde(default, rename = "caFile", skip_serializing_if = "String::is_empty")]
    pub ca_file: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_skip_tls_verify: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pass_credentials_all: bool,
}

impl Repository {
    pub fn credentials(&self) -> Option<super::http::Credentials> {
        (!self.username.is_empty()).then(|| super::http::Credentials {
            username: self.username.clone(),
            password: self.password.clone(),
        })
    }

    pub fn tls(&self) -> super::http::TlsOptions {
        super::http::TlsOptions {
            ca_file: (!self.ca_file.is_empty()).then(|| self.ca_file.clone().into()),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
        }
    }
}

impl RepositoryFile {
    /// Reads the file; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<RepositoryFile> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(RepositoryFile::default());
            }
            Err(e) => return Err(Error::read(path, e)),
        };
        serde_yaml::from_str(&text).map_err(|e| Error::InvalidConfig {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    pub fn save(&mut self, path: &Path) -> Result<()> {
        self.api_version = "v1".to_string();
        self.generated = clock::now_rfc3339();
        let text = crate::yaml::to_document_of(self).map_err(|e| Error::Serialize {
            what: "YAML",
            message: e.to_string(),
        })?;
        fs::write_atomic(path, text.as_bytes(), Some(0o600)).map_err(|e| Error::write(path, e))
    }

    pub fn get(&self, name: &str) -> Option<&Repository> {
        self.repositories.iter().find(|r| r.name == name)
    }

    /// The added repository serving `url` (trailing slashes ignored), if any.
    pub fn by_url(&self, url: &str) -> Option<&Repository> {
        let url = url.trim_end_matches('/');
        self.repositories
            .iter()
            .find(|r| r.url.trim_end_matches('/') == url)
    }
}
