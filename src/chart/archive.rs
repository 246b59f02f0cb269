//! Reading chart archives safely. A `.tgz` comes from the network or another team, so every entry
//! is checked before its bytes are kept: no absolute paths, no `..`, no links or devices, and no
//! more than `MAX_UNPACKED_BYTES` in all (the gzip stream itself is capped too, against bombs).

use std::io::Read;

use super::{ChartFile, Error};

/// The most an archive may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;

/// Reads every regular file of a gzip'd tar, with the top-level directory stripped from names.
/// Returns the top-level directory name and the files.
pub fn read_tgz(bytes: &[u8], archive: &str) -> Result<(String, Vec<ChartFile>), Error> {
    read_tgz_limited(bytes, archive, MAX_UNPACKED_BYTES)
}

pub(crate) fn read_tgz_limited(
    bytes: &[u8],
    archive: &str,
    limit: u64,
) -> Result<(String, Vec<ChartFile>), Error> {
    let too_large = || Error::ArchiveTooLarge {
        archive: archive.to_string(),
        limit: limit / (1024 * 1024),
    };
    let bad = |source: std::io::Error| Error::BadArchive {
        archive: archive.to_string(),
        source,
    };
    // Tar headers and padding add to the file contents; allow for them, but never unbounded.
    let stream_limit = limit + limit / 8 + 1024 * 1024;
    let gz = flate2::read::GzDecoder::new(bytes).take(stream_limit);
    let mut tar = tar::Archive::new(gz);
    let mut top: Option<String> = None;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for entry in tar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let unsafe_entry = |reason: &str| Error::UnsafeArchive {
            archive: archive.to_string(),
            entry: raw_path.clone(),
            reason: reason.to_string(),
        };
        let kind = entry.header().entry_type();
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Directory | tar::EntryType::XGlobalHeader => continue,
            tar::EntryType::Symlink | tar::EntryType::Link => {
                return Err(unsafe_entry("is a link"));
            }
            tar::EntryType::Char | tar::EntryType::Block | tar::EntryType::Fifo => {
                return Err(unsafe_entry("is a device or pipe"));
            }
            _ => return Err(unsafe_entry("is not a regular file")),
        }
        let relative = safe_relative_path(&raw_path).map_err(&unsafe_entry)?;
        let (first, rest) = match relative.split_once('/') {
            Some((first, rest)) if !rest.is_empty() => (first.to_string(), rest.to_string()),
            _ => return Err(unsafe_entry("is outside the chart's top-level directory")),
        };
        match &top {
            None => top = Some(first),
            Some(existing) if *existing != first => {
                return Err(unsafe_entry(&format!(
                    "is outside the chart's top-level directory `{existing}`"
                )));
            }
            Some(_) => {}
        }
        let declared = entry.header().size().map_err(bad)?;
        if total.saturating_add(declared) > limit {
            return Err(too_large());
        }
        // Read at most what is left of the budget, whatever the header claims.
        let mut data = Vec::with_capacity(declared.min(1024 * 1024) as usize);
        (&mut entry)
            .take(limit - total + 1)
            .read_to_end(&mut data)
            .map_err(bad)?;
        total += data.len() as u64;
        if total > limit {
            return Err(too_large());
        }
        files.push(ChartFile { name: rest, data });
    }
    match top {
        Some(top) => Ok((top, files)),
        None => Err(Error::EmptyArchive {
            archive: archive.to_string(),
        }),
    }
}

/// Accepts `a/b/c` (and a leading `./`); refuses absolute paths, `..`, and drive or backslash
/// tricks that would escape the destination when unpacked on some system.
fn safe_relative_path(path: &str) -> Result<String, &'static str> {
    if path.starts_with('/') || path.starts_with('\\') {
        return Err("has an absolute path");
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("has a path with a backslash or NUL");
    }
    if path.len() >= 2 && path.as_bytes()[1] == b':' {
        return Err("has a drive-letter path");
    }
    let mut parts = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => continue,
            ".." => return Err("has a `..` path component"),
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Err("has an empty path");
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            safe_relative_path("./web/Chart.yaml").unwrap(),
            "web/Chart.yaml"
        );
        assert!(safe_relative_path("/etc/passwd").is_err());
        assert!(safe_relative_path("web/../../x").is_err());
        assert!(safe_relative_path("C:/x").is_err());
        assert!(safe_relative_path("web\\..\\x").is_err());
    }
}
