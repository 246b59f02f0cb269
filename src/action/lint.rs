//! Checking a chart the way a reviewer would: metadata, that it renders with the given values,
//! that every object has a valid shape and name, no duplicates, and the values schema.

use std::path::Path;

use crate::chart;
use crate::render::{self, RenderOptions};
use crate::values::{self, SourceReader, UserValueOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// The file or area the finding is about (`Chart.yaml`, `templates/x.yaml`, `values.yaml`).
    pub path: String,
    pub message: String,
}

fn finding(severity: Severity, path: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding {
        severity,
        path: path.into(),
        message: message.into(),
    }
}

/// Lints one chart. Never fails: problems are findings.
pub fn lint(
    path: &Path,
    user_values: &UserValueOptions,
    reader: &dyn SourceReader,
    options: &RenderOptions,
) -> Vec<Finding> {
    let chart = match chart::load(path) {
        Ok(chart) => chart,
        Err(error) => {
            return vec![finding(Severity::Error, "Chart.yaml", error_text(&error))];
        }
    };
    let mut findings = metadata_findings(path, &chart);
    let composed = match values::compose_user_values(user_values, reader) {
        Ok(v) => v,
        Err(error) => {
            findings.push(finding(Severity::Error, "values", error_text(&error)));
            return findings;
        }
    };
    let composed_again = composed.clone();
    let rendered = match render::render(&chart, composed, options) {
        Ok(rendered) => rendered,
        Err(error) => {
            findings.push(render_finding(&chart, error));
            return findings;
        }
    };
    findings.extend(object_findings(&chart, &rendered));
    findings.extend(yaml_1_1_findings(&chart, composed_again, options));
    findings
}

/// Chart.yaml, the chart's directory name, and the files a chart is expected to have.
fn metadata_findings(path: &Path, chart: &chart::Chart) -> Vec<Finding> {
    let mut findings = Vec::new();
    let metadata = &chart.metadata;
    if path.is_dir()
        && let Some(dir_name) = path
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        && dir_name != metadata.name
    {
        findings.push(finding(
            Severity::Error,
            "Chart.yaml",
            format!(
                "directory name `{dir_name}` and chart name `{}` must match",
                metadata.name
            ),
        ));
    }
    if metadata.icon.is_none() {
        findings.push(finding(Severity::Info, "Chart.yaml", "icon is recommended"));
    }
    if metadata.deprecated {
        findings.push(finding(
            Severity::Warning,
            "Chart.yaml",
            "chart is deprecated",
        ));
    }
    if chart.file("values.yaml").is_none() {
        findings.push(finding(
            Severity::Info,
            "values.yaml",
            "file does not exist",
        ));
    }
    if !metadata.is_library() && chart.templates().next().is_none() {
        findings.push(finding(
            Severity::Warning,
            "templates/",
            "directory does not exist or is empty",
        ));
    }
    for dependency in &metadata.dependencies {
        if !chart.subcharts.iter().any(|s| s.name() == dependency.name) {
            findings.push(finding(
                Severity::Error,
                "Chart.yaml",
                format!(
                    "dependency `{}` is missing from `charts/` (run `charts dependency build`)",
                    dependency.name
                ),
            ));
        }
    }
    findings
}

/// A render that failed, as one finding against the file it failed in.
fn render_finding(chart: &chart::Chart, error: render::Error) -> Finding {
    let path = match &error {
        render::Error::Template { name, .. } => strip_root(name, &chart.metadata.name),
        render::Error::InvalidYaml { source_file, .. }
        | render::Error::BadObject { source_file, .. } => {
            strip_root(source_file, &chart.metadata.name)
        }
        render::Error::Values(_) => "values.yaml".to_string(),
        _ => "templates/".to_string(),
    };
    let text = crate::error::Error::from(error).render();
    finding(
        Severity::Error,
        path,
        text.trim_start_matches("error: ").to_string(),
    )
}

/// Names, duplicates and label types of every rendered object, hooks and CRDs included.
fn object_findings(chart: &chart::Chart, rendered: &render::Rendered) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for object in rendered
        .objects
        .iter()
        .chain(rendered.hooks.iter())
        .chain(rendered.crds.iter())
    {
        let source = strip_root(&object.source, &chart.metadata.name);
        if let Some(problem) = name_problem(object.kind(), object.name()) {
            findings.push(finding(
                Severity::Error,
                source.clone(),
                format!("{} `{}`: {problem}", object.kind(), object.name()),
            ));
        }
        let key = (
            object
                .api_version()
                .split('/')
                .next()
                .unwrap_or("")
                .to_string(),
            object.kind().to_string(),
            object.namespace().unwrap_or("").to_string(),
            object.name().to_string(),
        );
        if !seen.insert(key) {
            findings.push(finding(
                Severity::Error,
                source.clone(),
                format!("object {} is defined more than once", object.display_name()),
            ));
        }
        findings.extend(label_findings(object, &source));
    }
    // Hook annotations a deploy would refuse: an unknown event, weight or delete policy.
    for object in &rendered.hooks {
        if let Err(error) = crate::hooks::from_objects(std::slice::from_ref(object)) {
            findings.push(finding(
                Severity::Error,
                strip_root(&object.source, &chart.metadata.name),
                error.to_string(),
            ));
        }
    }
    findings
}

/// Labels longer than 63 characters (a warning) or not strings (an error).
fn label_findings(object: &render::Object, source: &str) -> Vec<Finding> {
    let Some(serde_json::Value::Object(labels)) = object.value.pointer("/metadata/labels") else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for (key, value) in labels {
        match value {
            serde_json::Value::String(text) if text.len() > 63 => findings.push(finding(
                Severity::Warning,
                source,
                format!(
                    "{}: label `{key}` is longer than 63 characters",
                    object.display_name()
                ),
            )),
            serde_json::Value::String(_) => {}
            other => findings.push(finding(
                Severity::Error,
                source,
                format!(
                    "{}: label `{key}` must be a string, not `{other}` (quote it)",
                    object.display_name()
                ),
            )),
        }
    }
    findings
}

/// Plain scalars in rendered objects that YAML 1.1 readers (kubectl, Helm, and `charts`) read
/// as booleans or numbers where a YAML 1.2 reader sees strings (`enabled: yes`), found by a
/// second render that keeps each document's text.
fn yaml_1_1_findings(
    chart: &chart::Chart,
    user_values: serde_json::Value,
    options: &RenderOptions,
) -> Vec<Finding> {
    let options = RenderOptions {
        verbatim: true,
        ..options.clone()
    };
    let Ok(rendered) = render::render(chart, user_values, &options) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for object in rendered.objects.iter().chain(rendered.hooks.iter()) {
        let Some(printed) = &object.printed else {
            continue;
        };
        for scalar in crate::yaml::lint::ambiguous_scalars(&printed.text) {
            let role = if scalar.key { "key" } else { "value" };
            findings.push(finding(
                Severity::Warning,
                strip_root(&object.source, &chart.metadata.name),
                format!(
                    "{}, line {} of the rendered document: the plain {role} `{}` is {} to \
                     YAML 1.1 readers (kubectl, Helm, charts) but a string to YAML 1.2 ones; \
                     quote it (`\"{}\"`) if a string is meant",
                    object.display_name(),
                    scalar.line,
                    scalar.text,
                    scalar.meaning,
                    scalar.text,
                ),
            ));
        }
    }
    findings
}

fn strip_root(source: &str, root: &str) -> String {
    source
        .strip_prefix(&format!("{root}/"))
        .unwrap_or(source)
        .to_string()
}

fn error_text(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Kubernetes name rules: DNS-1123 labels for kinds whose names become DNS labels, DNS-1123
/// subdomains for the rest.
pub fn name_problem(kind: &str, name: &str) -> Option<String> {
    let label_kinds = ["Service", "Namespace"];
    let is_label = label_kinds.contains(&kind);
    let max = if is_label { 63 } else { 253 };
    if name.len() > max {
        return Some(format!("name is longer than {max} characters"));
    }
    let ok = if is_label {
        crate::names::is_label_shaped(name)
    } else {
        crate::names::is_subdomain_shaped(name)
    };
    if ok {
        None
    } else if is_label {
        Some("name must be a DNS-1123 label: lowercase letters, digits and `-`, starting and ending alphanumeric".to_string())
    } else {
        Some("name must be a DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, starting and ending alphanumeric".to_string())
    }
}
