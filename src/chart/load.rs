//! Loading a chart from a directory or an archive into a `Chart`.
//!
//! Both sources become one flat list of files first, so a directory and its package load through
//! the same code and render the same objects.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{Chart, ChartFile, ChartLock, ChartMetadata, Error, archive, yaml_error};

/// Loads a chart from a directory or a `.tgz` file.
pub fn load(path: &Path) -> Result<Chart, Error> {
    let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if metadata.is_dir() {
        let files = read_dir_files(path)?;
        build(files, path.to_path_buf())
    } else {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        load_archive_bytes(&bytes, &path.display().to_string())
    }
}

/// Loads a chart from the bytes of a `.tgz`.
pub fn load_archive_bytes(bytes: &[u8], archive_name: &str) -> Result<Chart, Error> {
    let (_top, files) = archive::read_tgz(bytes, archive_name)?;
    build(files, PathBuf::from(archive_name))
}

/// Every file under `root`, sorted by path, honouring `.chartsignore` files at the root.
fn read_dir_files(root: &Path) -> Result<Vec<ChartFile>, Error> {
    if !root.join("Chart.yaml").is_file() {
        return Err(Error::NoChartYaml {
            path: root.to_path_buf(),
        });
    }
    let mut files = Vec::new();
    walk(root, root, &mut files)?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<ChartFile>) -> Result<(), Error> {
    let io = |source, path: &Path| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(e, dir))?
        .collect::<Result<_, _>>()
        .map_err(|e| io(e, dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let metadata = std::fs::metadata(&path).map_err(|e| io(e, &path))?;
        if metadata.is_dir() {
            walk(root, &path, files)?;
        } else if metadata.is_file() {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let data = std::fs::read(&path).map_err(|e| io(e, &path))?;
            files.push(ChartFile { name, data });
        }
    }
    Ok(())
}

/// Builds the ignore rules of a chart: its `.chartsignore` plus Helm's default of hidden files
/// under `templates/`.
fn ignore_rules(files: &[ChartFile], origin: &Path) -> Result<IgnoreRules, Error> {
    let Some(file) = files.iter().find(|f| f.name == ".chartsignore") else {
        return Ok(IgnoreRules::Default);
    };
    let mut builder = GitignoreBuilder::new("");
    let bad = |message: String| Error::Ignore {
        path: origin.to_path_buf(),
        message,
    };
    builder
        .add_line(None, "templates/.?*")
        .map_err(|e| bad(e.to_string()))?;
    for line in file.text()?.lines() {
        builder
            .add_line(None, line)
            .map_err(|e| bad(e.to_string()))?;
    }
    let rules = builder.build().map_err(|e| bad(e.to_string()))?;
    Ok(IgnoreRules::Chart(rules))
}

/// A chart's ignore rules. Most charts have no `.chartsignore`, and building a matcher for the
/// default rule alone cost more than the rest of loading a small chart.
enum IgnoreRules {
    /// Only `templates/.?*`.
    Default,
    Chart(Gitignore),
}

fn is_ignored(rules: &IgnoreRules, name: &str) -> bool {
    match rules {
        IgnoreRules::Default => is_hidden_template(name),
        IgnoreRules::Chart(rules) => rules
            .matched_path_or_any_parents(Path::new(name), false)
            .is_ignore(),
    }
}

/// Whether `templates/.?*` matches `name` or one of its parents: a hidden file or directory
/// (a dot and at least one more character) directly in `templates/`.
fn is_hidden_template(name: &str) -> bool {
    name.strip_prefix("templates/.")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|hidden| !hidden.is_empty())
}

/// Turns the flat file list of one chart (its `charts/` subtree included) into a `Chart`.
pub(crate) fn build(files: Vec<ChartFile>, origin: PathBuf) -> Result<Chart, Error> {
    let rules = ignore_rules(&files, &origin)?;
    let mut own = Vec::new();
    let mut subchart_dirs: indexmap::IndexMap<String, Vec<ChartFile>> = indexmap::IndexMap::new();
    let mut subchart_archives = Vec::new();
    for file in files {
        if is_ignored(&rules, &file.name) {
            continue;
        }
        if let Some(rest) = file.name.strip_prefix("charts/") {
            match rest.split_once('/') {
                Some((dir, inner)) => {
                    if dir.starts_with(['_', '.']) {
                        continue;
                    }
                    subchart_dirs
                        .entry(dir.to_string())
                        .or_default()
                        .push(ChartFile {
                            name: inner.to_string(),
                            data: file.data,
                        });
                }
                None if rest.ends_with(".tgz") && !rest.starts_with(['_', '.']) => {
                    subchart_archives.push(file)
                }
                // Loose files directly in charts/ are not charts; Helm ignores them too.
                None => {}
            }
            continue;
        }
        own.push(file);
    }

    let chart_yaml =
        own.iter()
            .find(|f| f.name == "Chart.yaml")
            .ok_or_else(|| Error::NoChartYaml {
                path: origin.clone(),
            })?;
    let chart_file_label = format!("{}/Chart.yaml", origin.display());
    let metadata: ChartMetadata =
        serde_yaml::from_slice(&chart_yaml.data).map_err(|e| yaml_error(&chart_file_label, &e))?;
    let problems = metadata.validate();
    if !problems.is_empty() {
        return Err(Error::Invalid {
            file: chart_file_label,
            message: problems.join("; "),
        });
    }
    let chart_yaml = chart_yaml.data.clone();

    let values = match own.iter().find(|f| f.name == "values.yaml") {
        Some(file) => {
            let label = format!("{}/values.yaml", origin.display());
            crate::values::parse_yaml(file.text()?, &label)?
        }
        None => serde_json::Value::Object(Default::default()),
    };
    let schema = match own.iter().find(|f| f.name == "values.schema.json") {
        Some(file) => Some(
            serde_json::from_slice(&file.data).map_err(|e| Error::Invalid {
                file: format!("{}/values.schema.json", origin.display()),
                message: format!("not valid JSON: {e}"),
            })?,
        ),
        None => None,
    };
    let lock = match own.iter().find(|f| f.name == "Chart.lock") {
        Some(file) => {
            let label = format!("{}/Chart.lock", origin.display());
            Some(
                serde_yaml::from_slice::<ChartLock>(&file.data)
                    .map_err(|e| yaml_error(&label, &e))?,
            )
        }
        None => None,
    };

    let mut subcharts = Vec::new();
    for (dir, files) in subchart_dirs {
        subcharts.push(build(files, origin.join("charts").join(dir))?);
    }
    for archive in subchart_archives {
        let label = format!("{}/{}", origin.display(), archive.name);
        subcharts.push(load_archive_bytes(&archive.data, &label)?);
    }

    // Two copies of one subchart (say `charts/api/` and `charts/api-1.0.0.tgz` after a
    // `dependency update`) would make the rendered version a matter of file order.
    for (index, sub) in subcharts.iter().enumerate() {
        if let Some(other) = subcharts[..index].iter().find(|s| s.name() == sub.name()) {
            return Err(Error::Invalid {
                file: format!("{}/charts", origin.display()),
                message: format!(
                    "subchart `{}` is there twice (`{}` and `{}`); keep one",
                    sub.name(),
                    other.origin.display(),
                    sub.origin.display()
                ),
            });
        }
    }

    Ok(Chart {
        metadata,
        chart_yaml,
        values,
        schema,
        lock,
        files: own,
        subcharts,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for charts without a `.chartsignore` must ignore exactly what the default
    /// rule as a gitignore matcher ignores.
    #[test]
    fn the_default_ignore_rule_matches_the_gitignore_it_replaces() {
        let mut builder = GitignoreBuilder::new("");
        builder.add_line(None, "templates/.?*").unwrap();
        let gitignore = IgnoreRules::Chart(builder.build().unwrap());
        let names = [
            "templates/.hidden.yaml",
            "templates/.git/config",
            "templates/.x",
            "templates/.",
            "templates/..",
            "templates/./a.yaml",
            "templates/a.yaml",
            "templates/sub/.hidden.yaml",
            "templates/a/.b/c",
            "templates.yaml",
            "templates/",
            ".templates/.x",
            "charts/sub/templates/.hidden",
            "files/.env",
            ".helmignore",
            "Chart.yaml",
            "templatesx/.y",
        ];
        for name in names {
            assert_eq!(
                is_ignored(&IgnoreRules::Default, name),
                is_ignored(&gitignore, name),
                "`{name}`"
            );
        }
        assert!(is_ignored(&IgnoreRules::Default, "templates/.hidden.yaml"));
    }
}
