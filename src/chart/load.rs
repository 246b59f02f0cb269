//! Loading a chart from a directory or an archive into a `Chart`.
//!
//! Both sources become one flat list of files first, so a directory and its package load through
//! the same code and render the same objects.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{Chart, ChartFile, ChartLock, ChartMetadata, Error, archive, yaml_error};

/// Loads a chart from a directory or a `.tgz` file.
pub fn load(path: &Path) -> Result<Chart, Error> {
    load_observed(path, &mut |_| {})
}

/// [`load`], showing `observe` each chart of the tree as soon as it is built, subcharts before
/// the charts that hold them (a render starts compiling a subchart's templates while the rest
/// of the tree loads).
pub fn load_observed(path: &Path, observe: &mut dyn FnMut(&Chart)) -> Result<Chart, Error> {
    let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if metadata.is_dir() {
        let files = read_dir_files(path)?;
        build(files, path.to_path_buf(), observe, &mut 0)
    } else {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        archive_chart(&bytes, &path.display().to_string(), observe, &mut 0)
    }
}

/// Loads a chart from the bytes of a `.tgz`.
pub fn load_archive_bytes(bytes: &[u8], archive_name: &str) -> Result<Chart, Error> {
    archive_chart(bytes, archive_name, &mut |_| {}, &mut 0)
}

/// A chart from a `.tgz`; `unpacked` counts the bytes every archive of the chart's tree has
/// unpacked to so far. Each archive is capped on its own, and the tree in all: subchart
/// archives, nested or side by side, could otherwise each unpack to the cap and exhaust memory.
fn archive_chart(
    bytes: &[u8],
    archive_name: &str,
    observe: &mut dyn FnMut(&Chart),
    unpacked: &mut u64,
) -> Result<Chart, Error> {
    let (_top, files) = archive::read_tgz(bytes, archive_name)?;
    *unpacked += files.iter().map(|file| file.data.len() as u64).sum::<u64>();
    if *unpacked > archive::MAX_UNPACKED_BYTES {
        return Err(Error::Invalid {
            file: crate::error::quoted(archive_name).into_owned(),
            message: format!(
                "the chart and its subchart archives unpack to more than {} MiB in all",
                archive::MAX_UNPACKED_BYTES / (1024 * 1024)
            ),
        });
    }
    build(files, PathBuf::from(archive_name), observe, unpacked)
}

/// Every file under `root`, sorted by path, honouring `.chartsignore` files at the root.
fn read_dir_files(root: &Path) -> Result<Vec<ChartFile>, Error> {
    if !root.join("Chart.yaml").is_file() {
        return Err(Error::NoChartYaml {
            path: root.to_path_buf(),
        });
    }
    let mut files = Vec::new();
    walk(root, "", &mut files)?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Reads every file below `dir`, whose files are named `<prefix><file name>`.
fn walk(dir: &Path, prefix: &str, files: &mut Vec<ChartFile>) -> Result<(), Error> {
    for_each_entry(dir, prefix, |kind, path, name| match kind {
        EntryKind::Directory => walk(&path, &format!("{name}/"), files),
        EntryKind::File => {
            let data = read_file(&path).map_err(|source| Error::Io { path, source })?;
            files.push(ChartFile { name, data });
            Ok(())
        }
    })
}

enum EntryKind {
    Directory,
    File,
}

/// Calls `visit` with the kind, path and name (`<prefix><file name>`) of each directory and
/// regular file in `dir`, by file name. Symlinks are followed; other special files (sockets,
/// pipes, devices) are skipped.
fn for_each_entry(
    dir: &Path,
    prefix: &str,
    mut visit: impl FnMut(EntryKind, PathBuf, String) -> Result<(), Error>,
) -> Result<(), Error> {
    let io = |source, path: &Path| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(e, dir))? {
        let entry = entry.map_err(|e| io(e, dir))?;
        entries.push((entry.file_name(), entry));
    }
    entries.sort_by(|(a, _), (b, _)| a.cmp(b));
    for (file_name, entry) in entries {
        let path = entry.path();
        // The directory listing already tells the kind of everything but a symlink, which
        // saves a `stat` per file.
        let mut file_type = entry.file_type().map_err(|e| io(e, &path))?;
        if file_type.is_symlink() {
            file_type = std::fs::metadata(&path)
                .map_err(|e| io(e, &path))?
                .file_type();
        }
        let kind = if file_type.is_dir() {
            EntryKind::Directory
        } else if file_type.is_file() {
            EntryKind::File
        } else {
            continue;
        };
        visit(
            kind,
            path,
            format!("{prefix}{}", file_name.to_string_lossy()),
        )?;
    }
    Ok(())
}

/// `std::fs::read` without its `stat` for the size: most chart files fit in a scratch buffer,
/// so one read and one more that finds the end are all it takes. Larger files are read to the
/// end the usual way.
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;

    const SCRATCH_SIZE: usize = 32 * 1024;
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut file = std::fs::File::open(path)?;
    SCRATCH.with_borrow_mut(|scratch| {
        if scratch.is_empty() {
            scratch.resize(SCRATCH_SIZE, 0);
        }
        let first = read_some(&mut file, scratch)?;
        if first == 0 {
            return Ok(Vec::new());
        }
        let mut data = scratch[..first].to_vec();
        let second = read_some(&mut file, scratch)?;
        if second > 0 {
            data.extend_from_slice(&scratch[..second]);
            file.read_to_end(&mut data)?;
        }
        Ok(data)
    })
}

/// One `read`, retried when interrupted.
fn read_some(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;

    loop {
        match file.read(buffer) {
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            result => return result,
        }
    }
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

/// Deepest nesting of subcharts (`charts/` directories or archives inside one another), counted
/// in the chart's origin. Loading and rendering recurse once per level, so an archive nesting
/// itself thousands of times would overflow the stack; real charts nest two or three levels.
pub const MAX_SUBCHART_DEPTH: usize = 64;

/// The files of one chart, sorted into its own, those of each subchart directory under
/// `charts/`, and its subchart archives; ignored files are dropped.
struct SortedFiles {
    own: Vec<ChartFile>,
    subchart_dirs: indexmap::IndexMap<String, Vec<ChartFile>>,
    subchart_archives: Vec<ChartFile>,
}

fn sort_files(files: Vec<ChartFile>, rules: &IgnoreRules) -> SortedFiles {
    let mut sorted = SortedFiles {
        own: Vec::new(),
        subchart_dirs: indexmap::IndexMap::new(),
        subchart_archives: Vec::new(),
    };
    for file in files {
        if is_ignored(rules, &file.name) {
            continue;
        }
        let Some(rest) = file.name.strip_prefix("charts/") else {
            sorted.own.push(file);
            continue;
        };
        match rest.split_once('/') {
            Some((dir, inner)) => {
                if dir.starts_with(['_', '.']) {
                    continue;
                }
                sorted
                    .subchart_dirs
                    .entry(dir.to_string())
                    .or_default()
                    .push(ChartFile {
                        name: inner.to_string(),
                        data: file.data,
                    });
            }
            None if rest.ends_with(".tgz") && !rest.starts_with(['_', '.']) => {
                sorted.subchart_archives.push(file)
            }
            // Loose files directly in charts/ are not charts; Helm ignores them too.
            None => {}
        }
    }
    sorted
}

/// What a chart's own files declare: Chart.yaml (checked), values.yaml, values.schema.json and
/// Chart.lock.
struct Declared {
    metadata: ChartMetadata,
    chart_yaml: Vec<u8>,
    values: serde_json::Value,
    schema: Option<serde_json::Value>,
    lock: Option<ChartLock>,
}

fn read_declared(own: &[ChartFile], origin: &Path) -> Result<Declared, Error> {
    let chart_yaml =
        own.iter()
            .find(|f| f.name == "Chart.yaml")
            .ok_or_else(|| Error::NoChartYaml {
                path: origin.to_path_buf(),
            })?;
    let chart_file_label = format!("{}/Chart.yaml", origin.display());
    let metadata: ChartMetadata =
        crate::yaml::from_slice(&chart_yaml.data).map_err(|e| yaml_error(&chart_file_label, &e))?;
    let problems = metadata.validate();
    if !problems.is_empty() {
        return Err(Error::Invalid {
            file: chart_file_label,
            message: problems.join("; "),
        });
    }
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
                message: format!(
                    "not valid JSON: {}",
                    crate::error::shorten_quoted(&e.to_string())
                ),
            })?,
        ),
        None => None,
    };
    let lock = match own.iter().find(|f| f.name == "Chart.lock") {
        Some(file) => {
            let label = format!("{}/Chart.lock", origin.display());
            Some(
                crate::yaml::from_slice::<ChartLock>(&file.data)
                    .map_err(|e| yaml_error(&label, &e))?,
            )
        }
        None => None,
    };
    Ok(Declared {
        metadata,
        chart_yaml: chart_yaml.data.clone(),
        values,
        schema,
        lock,
    })
}

/// Two copies of one subchart (say `charts/api/` and `charts/api-1.0.0.tgz` after a
/// `dependency update`) would make the rendered version a matter of file order.
fn refuse_twins(subcharts: &[Chart], origin: &Path) -> Result<(), Error> {
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
    Ok(())
}

/// Turns the flat file list of one chart (its `charts/` subtree included) into a `Chart`.
fn build(
    files: Vec<ChartFile>,
    origin: PathBuf,
    observe: &mut dyn FnMut(&Chart),
    unpacked: &mut u64,
) -> Result<Chart, Error> {
    let depth = origin
        .components()
        .filter(|component| component.as_os_str() == "charts")
        .count();
    if depth > MAX_SUBCHART_DEPTH {
        return Err(Error::Invalid {
            file: crate::error::quoted(&origin.display().to_string()).into_owned(),
            message: format!("subcharts nest more than {MAX_SUBCHART_DEPTH} levels deep"),
        });
    }
    let rules = ignore_rules(&files, &origin)?;
    let sorted = sort_files(files, &rules);
    let declared = read_declared(&sorted.own, &origin)?;

    let mut subcharts = Vec::new();
    for (dir, files) in sorted.subchart_dirs {
        subcharts.push(build(
            files,
            origin.join("charts").join(dir),
            observe,
            unpacked,
        )?);
    }
    for archive in sorted.subchart_archives {
        let label = format!("{}/{}", origin.display(), archive.name);
        subcharts.push(archive_chart(&archive.data, &label, observe, unpacked)?);
    }
    refuse_twins(&subcharts, &origin)?;

    let chart = Chart {
        metadata: declared.metadata,
        chart_yaml: declared.chart_yaml,
        values: declared.values,
        schema: declared.schema,
        lock: declared.lock,
        files: sorted.own,
        subcharts,
        origin,
    };
    observe(&chart);
    Ok(chart)
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

    /// Files of any size read whole, however they fall against the scratch buffer.
    #[test]
    fn read_file_reads_small_exact_and_large_files_whole() {
        let dir = tempfile::tempdir().unwrap();
        for size in [
            0,
            1,
            4096,
            32 * 1024 - 1,
            32 * 1024,
            32 * 1024 + 1,
            64 * 1024,
            300_000,
        ] {
            let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let path = dir.path().join(format!("{size}.bin"));
            std::fs::write(&path, &data).unwrap();
            assert_eq!(read_file(&path).unwrap(), data, "{size} bytes");
        }
        let missing = read_file(&dir.path().join("missing")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }

    /// Symlinks are followed (a linked file is read, a linked directory walked), special files
    /// are skipped, and a dangling link is an error naming it.
    #[cfg(unix)]
    #[test]
    fn directories_follow_symlinks_and_skip_special_files() {
        use std::os::unix::fs::symlink;

        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("shared.yaml"), "shared").unwrap();
        std::fs::create_dir(outside.path().join("linked")).unwrap();
        std::fs::write(outside.path().join("linked/inner.txt"), "inner").unwrap();

        let chart = tempfile::tempdir().unwrap();
        let root = chart.path();
        std::fs::write(root.join("Chart.yaml"), "name: x").unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/a.yaml"), "a").unwrap();
        symlink(
            outside.path().join("shared.yaml"),
            root.join("templates/b.yaml"),
        )
        .unwrap();
        symlink(outside.path().join("linked"), root.join("files")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("templates/pipe"))
            .status()
            .unwrap();
        assert!(fifo.success());

        let files = read_dir_files(root).unwrap();
        let read: Vec<(&str, &[u8])> = files
            .iter()
            .map(|f| (f.name.as_str(), f.data.as_slice()))
            .collect();
        assert_eq!(
            read,
            [
                ("Chart.yaml", b"name: x".as_slice()),
                ("files/inner.txt", b"inner"),
                ("templates/a.yaml", b"a"),
                ("templates/b.yaml", b"shared"),
            ]
        );

        symlink(root.join("missing"), root.join("templates/c.yaml")).unwrap();
        let error = read_dir_files(root).unwrap_err();
        let Error::Io { path, source } = &error else {
            panic!("unexpected error: {error:?}");
        };
        assert_eq!(path, &root.join("templates/c.yaml"));
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    }
}
