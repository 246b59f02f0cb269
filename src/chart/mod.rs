//! The chart as data: Chart.yaml, values, templates, CRDs, other files and subcharts, loaded from
//! a directory or a `.tgz`, and written back as a reproducible package. No network, no cluster.

pub mod archive;
pub mod constraint;
pub mod load;
pub mod lock;
pub mod metadata;
pub mod package;

use std::path::PathBuf;

pub use load::{load, load_archive_bytes, load_observed};
pub use lock::ChartLock;
pub use metadata::{ChartMetadata, Dependency, ImportValue};

/// One file of a chart, named by its path relative to the chart root with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFile {
    pub name: String,
    pub data: Vec<u8>,
}

impl ChartFile {
    pub fn text(&self) -> Result<&str, Error> {
        std::str::from_utf8(&self.data).map_err(|_| Error::NotUtf8 {
            file: self.name.clone(),
        })
    }
}

/// A loaded chart. `files` holds every file of this chart except its `charts/` subtree; the
/// subcharts found there are loaded into `subcharts`.
#[derive(Debug, Clone)]
pub struct Chart {
    pub metadata: ChartMetadata,
    /// Chart.yaml as written by the author (kept so packaging does not lose comments).
    pub chart_yaml: Vec<u8>,
    /// Default values from values.yaml (an empty map when absent).
    pub values: serde_json::Value,
    pub schema: Option<serde_json::Value>,
    pub lock: Option<ChartLock>,
    pub files: Vec<ChartFile>,
    pub subcharts: Vec<Chart>,
    /// Where it came from, for messages (a directory, an archive, or `<parent>/charts/<x>`).
    pub origin: PathBuf,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn file(&self, name: &str) -> Option<&ChartFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Templates that render to manifests or are shared helpers, in path order.
    pub fn templates(&self) -> impl Iterator<Item = &ChartFile> {
        self.files
            .iter()
            .filter(|f| f.name.starts_with("templates/"))
    }

    /// Plain YAML CRDs from `crds/`, applied before everything else and never templated.
    pub fn crds(&self) -> impl Iterator<Item = &ChartFile> {
        self.files.iter().filter(|f| {
            f.name.starts_with("crds/")
                && (f.name.ends_with(".yaml")
                    || f.name.ends_with(".yml")
                    || f.name.ends_with(".json"))
        })
    }

    /// Files a template may read with `file(path=...)`: everything but templates and the
    /// chart's own metadata files.
    pub fn is_readable_file(name: &str) -> bool {
        !(name.starts_with("templates/")
            || name == "Chart.yaml"
            || name == "Chart.lock"
            || name == "values.yaml"
            || name == "values.schema.json")
    }

    pub fn values_yaml(&self) -> Option<&str> {
        self.file("values.yaml").and_then(|f| f.text().ok())
    }

    pub fn readme(&self) -> Option<&ChartFile> {
        self.files
            .iter()
            .find(|f| !f.name.contains('/') && f.name.to_ascii_lowercase().starts_with("readme"))
    }
}

/// Why a chart could not be loaded or written. Every variant names the chart, file or entry.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read chart `{path}`")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a chart: no Chart.yaml found")]
    NoChartYaml { path: PathBuf },
    #[error("invalid YAML in `{file}` at line {line}, column {column}: {message}")]
    Yaml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("invalid `{file}`: {message}")]
    Invalid { file: String, message: String },
    #[error("`{file}` is not valid UTF-8")]
    NotUtf8 { file: String },
    #[error("unsafe archive `{archive}`: entry `{entry}` {reason}")]
    UnsafeArchive {
        archive: String,
        entry: String,
        reason: String,
    },
    #[error("archive `{archive}` would unpack to more than {limit} MiB")]
    ArchiveTooLarge { archive: String, limit: u64 },
    #[error("cannot read archive `{archive}`")]
    BadArchive {
        archive: String,
        #[source]
        source: std::io::Error,
    },
    #[error("archive `{archive}` is empty or has no top-level chart directory")]
    EmptyArchive { archive: String },
    #[error("cannot parse `.chartsignore` of `{path}`: {message}")]
    Ignore { path: PathBuf, message: String },
    #[error(transparent)]
    Values(#[from] crate::values::Error),
    #[error("cannot write package `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Parses YAML into JSON-model data, mapping serde_yaml errors to one naming file, line and column.
pub(crate) fn yaml_error(file: &str, error: &serde_yaml::Error) -> Error {
    let Some((line, column)) = error.location().map(|l| (l.line(), l.column())) else {
        return Error::Invalid {
            file: file.to_string(),
            message: crate::yaml::describe(error),
        };
    };
    Error::Yaml {
        file: file.to_string(),
        line,
        column,
        message: crate::yaml::describe(error),
    }
}
