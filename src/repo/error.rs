//! What can go wrong with repositories, registries, downloads and dependencies: each error
//! names the file, URL, repository or chart it is about, and most say what to do about it.

use std::io;
use std::path::PathBuf;

use super::http::MAX_DOWNLOAD_BYTES;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot read directory `{}`", path.display())]
    ReadDir {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot remove `{}`", path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// `repositories.yaml` or the registry `config.json` does not parse.
    #[error("invalid `{}`: {message}", path.display())]
    InvalidConfig { path: PathBuf, message: String },
    /// Serializing a file or request body failed (`what`: `YAML`, `the manifest`, ...).
    #[error("cannot write {what}: {message}")]
    Serialize { what: &'static str, message: String },

    #[error("cannot read CA file `{}`", path.display())]
    ReadCaFile {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("CA file `{}` is not a PEM certificate: {message}", path.display())]
    InvalidCaFile { path: PathBuf, message: String },
    #[error("cannot set up the HTTP client: {0}")]
    HttpClient(String),
    #[error("cannot reach `{url}`: {message}")]
    Unreachable { url: String, message: String },
    #[error("cannot download `{url}`: the server answered {status}")]
    Status {
        url: String,
        status: reqwest::StatusCode,
    },
    #[error("cannot download `{url}`: {message}")]
    Download { url: String, message: String },
    #[error("`{url}` is larger than {} MiB", MAX_DOWNLOAD_BYTES / (1024 * 1024))]
    TooLarge { url: String },
    /// `--offline` forbids `action` (`download `<url>``, `reach registry `<host>``).
    #[error("cannot {action} while offline")]
    Offline { action: String },
    #[error("{label} is not in the cache and `--offline` forbids downloading it")]
    PackageNotCached { label: String },
    #[error("no cached index for `{url}` and `--offline` forbids fetching it")]
    IndexNotCached { url: String },
    #[error("no cached index for repository `{repository}`")]
    NoCachedIndex { repository: String },

    #[error("`{source_name}` is not a valid repository index: {message}")]
    InvalidIndex {
        source_name: String,
        message: String,
    },
    #[error("`{source_name}` is not a repository index: no `apiVersion`")]
    NotAnIndex { source_name: String },
    #[error("`{text}` is not a version constraint: {message}")]
    BadConstraint { text: String, message: String },
    #[error("repository `{repository}` is not known (looking up chart `{repository}/{chart}`)")]
    UnknownRepository { repository: String, chart: String },
    /// `source` reads `repository `<name>``.
    #[error("chart `{chart}` not found in {source_name}")]
    ChartNotFound { chart: String, source_name: String },
    #[error(
        "chart `{chart}` has no version matching `{}` in {source_name} (available: {})",
        constraint.as_deref().unwrap_or("latest stable"),
        available.join(", ")
    )]
    NoMatchingVersion {
        chart: String,
        constraint: Option<String>,
        source_name: String,
        available: Vec<String>,
    },
    #[error("{label}: the index gives no sha256 digest, so the download cannot be verified")]
    NoDigest { label: String },
    #[error("{label}: the index entry has no URL")]
    NoUrl { label: String },
    #[error(
        "digest mismatch for {label}: the index says `sha256:{expected}`, `{url}` sent `sha256:{actual}`"
    )]
    DigestMismatch {
        label: String,
        expected: String,
        url: String,
        actual: String,
    },
    #[error("{label}: `{url}` holds chart `{name}` version `{version}` instead")]
    WrongPackage {
        label: String,
        url: String,
        name: String,
        version: String,
    },

    #[error(
        "`{text}` is not an OCI reference ({reason}); write `oci://host/path/name[:tag|@sha256:digest]`"
    )]
    BadReference { text: String, reason: &'static str },
    #[error("`{reference}` names tag `{tag}` but `--version` asks for `{version}`")]
    TagVersionConflict {
        reference: String,
        tag: String,
        version: String,
    },
    #[error(
        "chart `{reference}` has no version matching `{}` (tags: {})",
        constraint.as_deref().unwrap_or("latest stable"),
        if tags.is_empty() { "none".to_string() } else { tags.join(", ") }
    )]
    NoMatchingTag {
        reference: String,
        constraint: Option<String>,
        tags: Vec<String>,
    },
    #[error("`{label}` holds chart `{found}`, not `{expected}`")]
    WrongChart {
        label: String,
        found: String,
        expected: String,
    },
    #[error(
        "registry `{registry}` {} (401 Unauthorized)",
        if *had_credentials { "refused the credentials" } else { "requires authentication" }
    )]
    Denied {
        registry: String,
        had_credentials: bool,
    },
    #[error("cannot {action} `{url}`: the registry answered {status} {detail}")]
    RegistryStatus {
        action: &'static str,
        url: String,
        status: reqwest::StatusCode,
        detail: String,
    },
    #[error("chart `{chart}` has no `{reference}` in the registry")]
    NotInRegistry { chart: String, reference: String },
    /// A registry or token server answered something the OCI protocol does not allow.
    #[error("{0}")]
    Protocol(String),
    /// What a registry sent does not match its digest (manifest or chart layer).
    #[error("digest mismatch for `{reference}`: {detail}")]
    RegistryDigestMismatch { reference: String, detail: String },

    #[error("`{}` has no Chart.lock", chart_dir.display())]
    NoLock { chart_dir: PathBuf },
    #[error(
        "`{}` is out of date: the dependencies in Chart.yaml changed since it was written",
        chart_dir.join("Chart.lock").display()
    )]
    StaleLock { chart_dir: PathBuf },
    /// `label` reads `dependency `<name>``.
    #[error("{label} has no `repository` and `{}` is not a chart", path.display())]
    NotVendored { label: String, path: PathBuf },
    #[error("{label}: `{}` holds chart `{found}`", path.display())]
    DependencyMismatch {
        label: String,
        path: PathBuf,
        found: String,
    },
    #[error("{label} names repository `{name}`, which is not added")]
    RepositoryNotAdded { label: String, name: String },
    #[error("{label}: repository `{repository}` is not https://, oci://, file:// or @name")]
    BadRepository { label: String, repository: String },
    #[error("{label}: `{text}` is not a version range: {message}")]
    BadRange {
        label: String,
        text: String,
        message: String,
    },
    #[error("{label}: version `{version}` does not match `{range}`")]
    VersionMismatch {
        label: String,
        version: String,
        range: String,
    },

    #[error(transparent)]
    Chart(#[from] crate::chart::Error),
}

impl Error {
    pub(crate) fn read(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Read {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn write(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Write {
            path: path.into(),
            source,
        }
    }

    /// A mistake in how the command was called rather than in what it found.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::BadConstraint { .. }
                | Error::BadReference { .. }
                | Error::TagVersionConflict { .. }
        )
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            Error::Unreachable { .. } => {
                "check the URL and that the server is up; `--offline` uses only the cache"
            }
            Error::Status { status, .. } => match status.as_u16() {
                401 | 403 => "check the repository's `--username` and password",
                404 => "check the URL; for an added repository, run `charts repo update`",
                _ => return None,
            },
            Error::Offline { .. } => "run without `--offline`",
            Error::PackageNotCached { .. } | Error::IndexNotCached { .. } => {
                "run once without `--offline` to fill the cache"
            }
            Error::NoCachedIndex { .. } => "run `charts repo update`",
            Error::InvalidIndex { .. } => {
                "a chart repository serves an `index.yaml` made by `charts repo index`"
            }
            Error::UnknownRepository { repository, .. } => {
                return Some(format!(
                    "add it with `charts repo add {repository} URL`, or give a path that exists"
                ));
            }
            Error::ChartNotFound { .. } => {
                "run `charts repo update` to refresh the index, or `charts search repo` to list charts"
            }
            Error::NoMatchingVersion { .. } => "run `charts repo update` to refresh the index",
            Error::DigestMismatch { .. } => {
                "the package was changed after the index was made; nothing was written"
            }
            Error::NoMatchingTag { .. } => "push the chart first, or check the version",
            Error::Denied { registry, .. } => {
                return Some(format!(
                    "run `charts registry login {registry} --username USER --password-stdin`"
                ));
            }
            Error::NotInRegistry { .. } => "check the version (tags use `_` for `+`) or the digest",
            Error::NoLock { chart_dir } => {
                return Some(format!(
                    "run `charts dependency update {}` to resolve and lock the dependencies",
                    chart_dir.display()
                ));
            }
            Error::StaleLock { chart_dir } => {
                return Some(format!(
                    "run `charts dependency update {}`",
                    chart_dir.display()
                ));
            }
            Error::NotVendored { .. } => {
                "set `repository:` (https://, oci:// or file://) in Chart.yaml"
            }
            Error::RepositoryNotAdded { name, .. } => {
                return Some(format!("add it with `charts repo add {name} URL`"));
            }
            Error::BadRepository { .. } => "fix `repository:` in Chart.yaml",
            Error::VersionMismatch { .. } => {
                "change `version:` in Chart.yaml, or run `charts dependency update`"
            }
            _ => return None,
        };
        Some(hint.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(error: Error) -> (String, u8) {
        let error = crate::error::Error::from(error);
        (error.render(), error.exit_code())
    }

    #[test]
    fn messages_name_what_failed_and_hints_say_what_to_do() {
        let (text, code) = shown(Error::NoMatchingVersion {
            chart: "web".to_string(),
            constraint: None,
            source_name: "repository `stable`".to_string(),
            available: vec!["2.0.0-rc.1".to_string(), "1.0.0-beta".to_string()],
        });
        assert_eq!(
            text,
            "error: chart `web` has no version matching `latest stable` in repository `stable` (available: 2.0.0-rc.1, 1.0.0-beta)\nhint: run `charts repo update` to refresh the index"
        );
        assert_eq!(code, 1);

        let (text, _) = shown(Error::Status {
            url: "http://127.0.0.1:1/index.yaml".to_string(),
            status: reqwest::StatusCode::UNAUTHORIZED,
        });
        assert_eq!(
            text,
            "error: cannot download `http://127.0.0.1:1/index.yaml`: the server answered 401 Unauthorized\nhint: check the repository's `--username` and password"
        );
        let (text, _) = shown(Error::Status {
            url: "http://h/x".to_string(),
            status: reqwest::StatusCode::BAD_GATEWAY,
        });
        assert!(!text.contains("hint:"), "{text}");

        let (text, _) = shown(Error::Write {
            path: PathBuf::from("/nowhere/index.yaml"),
            source: io::Error::new(io::ErrorKind::PermissionDenied, "permission denied"),
        });
        assert_eq!(
            text,
            "error: cannot write `/nowhere/index.yaml`\nCaused by: permission denied"
        );
    }

    #[test]
    fn mistakes_in_the_command_exit_2() {
        let (text, code) = shown(Error::BadReference {
            text: "oci://host".to_string(),
            reason: "no repository path",
        });
        assert_eq!(code, 2, "{text}");
        let (_, code) = shown(Error::BadConstraint {
            text: ">>1".to_string(),
            message: "bad".to_string(),
        });
        assert_eq!(code, 2);
        let (_, code) = shown(Error::NoUrl {
            label: "chart `web`".to_string(),
        });
        assert_eq!(code, 1);
    }

    #[test]
    fn a_chart_error_inside_keeps_its_hint() {
        let dir = tempfile::tempdir().unwrap();
        let chart = crate::chart::load(dir.path()).unwrap_err();
        let (text, _) = shown(Error::Chart(chart));
        assert!(text.contains("hint: a chart is a directory"), "{text}");
    }
}
