//! Reading a Helm chart tree (directories and `.tgz` subcharts) and writing the converted chart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::gotmpl::{self, Node};
use super::translate::{self, Defines, Issue, Translator};
use crate::error::{Error, Result};

/// What could not be converted, per written file (paths relative to the output directory).
#[derive(Debug, Default)]
pub struct Report {
    pub files: BTreeMap<String, Vec<Issue>>,
    pub templates: usize,
    pub charts: usize,
}

impl Report {
    pub fn issue_count(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }
}

/// One chart of the tree: its files (relative paths) and where it goes in the output.
struct SourceChart {
    files: Vec<(String, Vec<u8>)>,
    out: PathBuf,
    origin: String,
}

/// Converts the Helm chart at `src` (a directory or a `.tgz`) into a `charts` chart in `out`
/// (which must not exist or be empty).
pub fn convert(src: &Path, out: &Path) -> Result<Report> {
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::Usage(format!(
            "`{}` exists and is not empty; give a new directory with -o",
            out.display()
        )));
    }
    let files = read_source(src)?;
    if !files.iter().any(|(name, _)| name == "Chart.yaml") {
        return Err(Error::with_hint(
            format!(
                "`{}` is not a Helm chart: it has no Chart.yaml",
                src.display()
            ),
            "give the chart's directory (the one holding Chart.yaml) or its .tgz",
        ));
    }
    let mut charts = Vec::new();
    collect_charts(
        files,
        out.to_path_buf(),
        src.display().to_string(),
        &mut charts,
    )?;

    // Parse every template first: defines are global across a chart and its subcharts.
    let mut parsed: Vec<Vec<(String, Vec<Node>)>> = Vec::new();
    let mut defines = Defines::new();
    for chart in &charts {
        let mut templates = Vec::new();
        for (name, data) in &chart.files {
            if !name.starts_with("templates/") {
                continue;
            }
            let text = String::from_utf8(data.clone()).map_err(|_| {
                Error::message(format!("{}/{name} is not UTF-8 text", chart.origin))
            })?;
            let nodes = gotmpl::parse(&text).map_err(|e| {
                Error::with_hint(
                    format!(
                        "cannot parse {}/{name}:{}:{}: {}",
                        chart.origin, e.pos.line, e.pos.col, e.message
                    ),
                    "fix the template (Helm rejects it too) and convert again",
                )
            })?;
            collect_defines(&nodes, &mut defines);
            templates.push((name.clone(), nodes));
        }
        drop_overridden_defines(&mut templates);
        parsed.push(templates);
    }

    let mut report = Report {
        charts: charts.len(),
        ..Report::default()
    };
    for (chart, templates) in charts.iter().zip(parsed) {
        for (name, data) in &chart.files {
            if name.starts_with("templates/")
                || name.starts_with("charts/")
                || name == "Chart.lock"
                || name == "requirements.lock"
            {
                continue;
            }
            if name == "requirements.yaml" {
                continue;
            }
            let target = if name == ".helmignore" {
                ".chartsignore".to_string()
            } else {
                name.clone()
            };
            let data = if name == "Chart.yaml" {
                chart_yaml(data, &chart.files)
            } else {
                data.clone()
            };
            write_file(&chart.out.join(&target), &data)?;
        }
        for (name, nodes) in templates {
            let out_name = helper_name(&name);
            let rel = chart
                .out
                .strip_prefix(out)
                .unwrap_or(&chart.out)
                .join(&out_name);
            let rel = rel.display().to_string();
            let (text, issues) = Translator::new(&defines, &rel, None).translate(&nodes);
            write_file(&chart.out.join(&out_name), text.as_bytes())?;
            report.templates += 1;
            if !issues.is_empty() {
                report.files.insert(rel, issues);
            }
        }
    }
    Ok(report)
}

/// `templates/_helpers.tpl` → `templates/_helpers.tera` (helper files are `templates/_*`).
fn helper_name(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    match name.strip_suffix(".tpl") {
        Some(stem) if base.starts_with('_') => format!("{stem}.tera"),
        _ => name.to_string(),
    }
}

/// A Helm v1 chart (`apiVersion: v1`, dependencies in requirements.yaml) as a v2 Chart.yaml.
fn chart_yaml(data: &[u8], files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let text = String::from_utf8_lossy(data);
    let v1 = |l: &str| {
        matches!(
            l.trim_end(),
            "apiVersion: v1" | "apiVersion: \"v1\"" | "apiVersion: 'v1'"
        )
    };
    let is_v1 = text.lines().any(v1);
    if !is_v1 {
        return data.to_vec();
    }
    let mut out: String = text
        .lines()
        .map(|l| if v1(l) { "apiVersion: v2" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    if let Some((_, requirements)) = files.iter().find(|(n, _)| n == "requirements.yaml") {
        out.push_str(&String::from_utf8_lossy(requirements));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// Helm parses a chart's files deepest first and, at one depth, in reverse path order; a later
/// define of a name replaces an earlier one. One Tera engine allows a component once, so the
/// defines that Helm would override are left out (the one that wins is kept).
fn drop_overridden_defines(templates: &mut [(String, Vec<Node>)]) {
    let rank = |path: &str| (path.matches('/').count(), path.to_string());
    let mut winner: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (path, nodes) in templates.iter() {
        for node in nodes {
            if let Node::Define { name, .. } = node {
                let r = rank(path);
                match winner.get(name) {
                    Some(current) if *current <= r => {}
                    _ => {
                        winner.insert(name.clone(), r);
                    }
                }
            }
        }
    }
    for (path, nodes) in templates.iter_mut() {
        let r = rank(path);
        let mut seen = std::collections::HashSet::new();
        nodes.retain(|node| match node {
            Node::Define { name, .. } => winner.get(name) == Some(&r) && seen.insert(name.clone()),
            _ => true,
        });
    }
}

fn collect_defines(nodes: &[Node], defines: &mut Defines) {
    for node in nodes {
        if let Node::Define { name, .. } = node {
            defines
                .entry(name.clone())
                .or_insert_with(|| translate::component_name(name));
        }
    }
}

fn write_file(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("cannot create `{}`", parent.display()), e))?;
    }
    std::fs::write(path, data)
        .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))
}

/// The chart and, recursively, its subcharts under `charts/` (directories and `.tgz`).
fn collect_charts(
    files: Vec<(String, Vec<u8>)>,
    out: PathBuf,
    origin: String,
    charts: &mut Vec<SourceChart>,
) -> Result<()> {
    let mut own = Vec::new();
    let mut sub_dirs: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let mut archives = Vec::new();
    for (name, data) in files {
        match name.strip_prefix("charts/") {
            Some(rest) => match rest.split_once('/') {
                Some((dir, inner)) => sub_dirs
                    .entry(dir.to_string())
                    .or_default()
                    .push((inner.to_string(), data)),
                None if rest.ends_with(".tgz") || rest.ends_with(".tar.gz") => {
                    archives.push((rest.to_string(), data))
                }
                None => own.push((name, data)),
            },
            None => own.push((name, data)),
        }
    }
    charts.push(SourceChart {
        files: own,
        out: out.clone(),
        origin: origin.clone(),
    });
    for (dir, files) in sub_dirs {
        if files.iter().any(|(n, _)| n == "Chart.yaml") {
            collect_charts(
                files,
                out.join("charts").join(&dir),
                format!("{origin}/charts/{dir}"),
                charts,
            )?;
        }
    }
    for (archive, data) in archives {
        let (top, files) = crate::chart::archive::read_tgz(&data, &archive)?;
        let files = files.into_iter().map(|f| (f.name, f.data)).collect();
        collect_charts(
            files,
            out.join("charts").join(&top),
            format!("{origin}/charts/{archive}"),
            charts,
        )?;
    }
    Ok(())
}

/// Every file of a chart directory or `.tgz`, by path relative to the chart.
fn read_source(src: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    if src.is_file() {
        let data = std::fs::read(src)
            .map_err(|e| Error::io(format!("cannot read `{}`", src.display()), e))?;
        let (_, files) = crate::chart::archive::read_tgz(&data, &src.display().to_string())?;
        return Ok(files.into_iter().map(|f| (f.name, f.data)).collect());
    }
    if !src.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is neither a chart directory nor a .tgz",
            src.display()
        )));
    }
    let mut files = Vec::new();
    walk(src, src, &mut files)?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot read `{}`", dir.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("cannot read `{}`", dir.display()), e))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| Error::io(format!("cannot read `{}`", path.display()), e))?;
        if kind.is_dir() {
            if entry.file_name() == ".git" {
                continue;
            }
            walk(root, &path, files)?;
        } else if kind.is_file() {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let data = std::fs::read(&path)
                .map_err(|e| Error::io(format!("cannot read `{}`", path.display()), e))?;
            files.push((rel, data));
        }
    }
    Ok(())
}
