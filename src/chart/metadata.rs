//! Chart.yaml: the chart's identity and its declared dependencies (Helm's apiVersion v2 fields).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::quoted;

/// The parsed Chart.yaml. Field names and meanings follow Helm's `Metadata`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartMetadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub chart_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainers: Vec<Maintainer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Maintainer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One entry of `dependencies:` in Chart.yaml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Dependency {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub import_values: Vec<ImportValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

impl Dependency {
    /// The name the parent uses for this subchart: its alias, or its name.
    pub fn effective_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// `import-values` has two forms: a string naming `exports.<x>` of the child, or an explicit
/// child path copied to a parent path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ImportValue {
    Exported(String),
    Mapped { child: String, parent: String },
}

impl ChartMetadata {
    pub fn is_library(&self) -> bool {
        self.chart_type.as_deref() == Some("library")
    }

    /// Checks what Helm checks when loading, plus the SemVer 2 version. Returns every problem.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match self.api_version.as_str() {
            "v2" => {}
            "" => problems.push("`apiVersion` is required (use `v2`)".to_string()),
            other => problems.push(format!(
                "`apiVersion` `{}` is not supported (use `v2`)",
                quoted(other)
            )),
        }
        if self.name.is_empty() {
            problems.push("`name` is required".to_string());
        } else if self.name.contains(['/', '\\']) || self.name.contains("..") {
            problems.push(format!(
                "`name` `{}` must not contain path characters",
                quoted(&self.name)
            ));
        }
        if self.version.is_empty() {
            problems.push("`version` is required".to_string());
        } else if let Err(e) = semver::Version::parse(&self.version) {
            problems.push(format!(
                "`version` `{}` is not SemVer 2: {e}",
                quoted(&self.version)
            ));
        }
        if let Some(t) = &self.chart_type
            && t != "application"
            && t != "library"
        {
            problems.push(format!(
                "`type` `{}` must be `application` or `library`",
                quoted(t)
            ));
        }
        if let Some(range) = &self.kube_version
            && let Err(e) = crate::chart::constraint::parse(range)
        {
            problems.push(format!(
                "`kubeVersion` `{}` is not a version range: {e}",
                quoted(range)
            ));
        }
        for dependency in &self.dependencies {
            if dependency.name.is_empty() {
                problems.push("a dependency has no `name`".to_string());
            }
            if !dependency.version.is_empty()
                && let Err(e) = crate::chart::constraint::parse(&dependency.version)
            {
                problems.push(format!(
                    "dependency `{}`: `version` `{}` is not a version range: {e}",
                    quoted(&dependency.name),
                    quoted(&dependency.version)
                ));
            }
        }
        problems
    }
}
