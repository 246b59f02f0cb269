//! Writing a chart as a reproducible `.tgz`: the same chart gives the same bytes, whoever builds
//! it and whenever (sorted entries, one fixed time, root owner, mode 0644, a fixed gzip header).
//! Layout as Helm's: a top directory `<name>/`, subcharts written expanded under
//! `<name>/charts/<subchart>/`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Chart, ChartFile, Error};

#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// Overrides Chart.yaml `version`.
    pub version: Option<String>,
    /// Overrides Chart.yaml `appVersion`.
    pub app_version: Option<String>,
    /// The modification time stamped on every entry (seconds since the epoch);
    /// `SOURCE_DATE_EPOCH` when the CLI sees it, else 0.
    pub mtime: u64,
}

/// Applies the version overrides, returning the chart as it will be packaged.
pub fn with_overrides(chart: &Chart, options: &PackageOptions) -> Result<Chart, Error> {
    let mut chart = chart.clone();
    if options.version.is_none() && options.app_version.is_none() {
        return Ok(chart);
    }
    if let Some(version) = &options.version {
        semver::Version::parse(version).map_err(|e| Error::Invalid {
            file: "--version".to_string(),
            message: format!("`{version}` is not SemVer 2: {e}"),
        })?;
        chart.metadata.version = version.clone();
    }
    if let Some(app_version) = &options.app_version {
        chart.metadata.app_version = Some(app_version.clone());
    }
    // Overrides mean the author's Chart.yaml no longer says the truth: write it anew, as Helm does.
    let text = crate::yaml::to_document_of(&chart.metadata).map_err(|e| Error::Invalid {
        file: "Chart.yaml".to_string(),
        message: e.to_string(),
    })?;
    chart.chart_yaml = text.into_bytes();
    if let Some(file) = chart.files.iter_mut().find(|f| f.name == "Chart.yaml") {
        file.data = chart.chart_yaml.clone();
    }
    Ok(chart)
}

/// The package file name: `<name>-<version>.tgz`.
pub fn file_name(chart: &Chart) -> String {
    format!("{}-{}.tgz", chart.metadata.name, chart.metadata.version)
}

/// Writes `<dest>/<name>-<version>.tgz` and returns its path.
pub fn package(chart: &Chart, dest: &Path, options: &PackageOptions) -> Result<PathBuf, Error> {
    let chart = with_overrides(chart, options)?;
    let bytes = to_bytes(&chart, options.mtime)?;
    let path = dest.join(file_name(&chart));
    crate::support::fs::write_atomic(&path, &bytes, None).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// The package as bytes.
pub fn to_bytes(chart: &Chart, mtime: u64) -> Result<Vec<u8>, Error> {
    let mut entries = Vec::new();
    collect(chart, &format!("{}/", chart.metadata.name), &mut entries)?;
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let io = |source| Error::Write {
        path: PathBuf::from(file_name(chart)),
        source,
    };
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for entry in &entries {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(entry.data.len() as u64);
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime);
        tar.append_data(&mut header, &entry.name, entry.data.as_slice())
            .map_err(io)?;
    }
    let gz = tar.into_inner().map_err(io)?;
    let mut bytes = gz.finish().map_err(io)?;
    bytes.flush().map_err(io)?;
    Ok(bytes)
}

fn collect(chart: &Chart, prefix: &str, out: &mut Vec<ChartFile>) -> Result<(), Error> {
    for file in &chart.files {
        out.push(ChartFile {
            name: format!("{prefix}{}", file.name),
            data: file.data.clone(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for sub in &chart.subcharts {
        if !seen.insert(sub.name()) {
            return Err(Error::Invalid {
                file: format!("{}/charts", chart.origin.display()),
                message: format!("subchart `{}` appears twice", sub.name()),
            });
        }
        collect(sub, &format!("{prefix}charts/{}/", sub.name()), out)?;
    }
    Ok(())
}
