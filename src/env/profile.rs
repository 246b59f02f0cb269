//! Profiles: what every environment of a kind gets, declared in a file that lives in the team's
//! repository (`--profiles FILE`, `CHARTS_PROFILES`, `env.profiles` of charts.yaml, else
//! `charts-profiles.yaml` next to it):
//!
//! ```yaml
//! profiles:
//!   preview:
//!     chart: profiles/preview      # a chart directory (relative to this file), installed into
//!                                  # the environment as the reserved release `charts-profile`:
//!                                  # quota, limits, network policies, role bindings...
//!     labels:                      # labels on the namespace itself
//!       pod-security.kubernetes.io/enforce: baseline
//!     secrets:                     # copied from another namespace, kept in sync, never printed
//!       - from: ci/registry-pull   # NAMESPACE/NAME
//!         name: registry-pull      # optional: the copy's name (default: the same)
//! ```
//!
//! The chart sees the environment as `Env.Name`, `Env.Branch`, `Env.Namespace`, `Env.Commit`,
//! like any chart deployed with `--env`. Every field is optional.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The profiles file.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilesFile {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// A chart directory or `.tgz`, relative to the profiles file.
    pub chart: Option<PathBuf>,
    /// Labels on the namespace.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Secrets copied in from other namespaces.
    #[serde(default)]
    pub secrets: Vec<SecretCopy>,
}

/// A Secret copied into every environment of the profile.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretCopy {
    /// `NAMESPACE/NAME` of the source.
    pub from: String,
    /// The copy's name (default: the source's).
    pub name: Option<String>,
}

impl SecretCopy {
    /// The source's namespace and name.
    pub fn source(&self) -> Option<(&str, &str)> {
        self.from
            .split_once('/')
            .filter(|(namespace, name)| !namespace.is_empty() && !name.is_empty())
    }

    /// The copy's name.
    pub fn target(&self) -> &str {
        self.name
            .as_deref()
            .or(self.source().map(|(_, name)| name))
            .unwrap_or_default()
    }
}

/// A profile chosen for an environment, with where its chart is.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedProfile {
    pub name: String,
    pub profile: Profile,
    /// The chart, resolved against the profiles file's directory.
    pub chart: Option<PathBuf>,
}

/// A profiles file or profile that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profiles file `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid profiles file `{}`{}: {message}", path.display(), line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("no profile `{name}` in `{}`; it has: {}", path.display(), if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    Unknown {
        name: String,
        path: PathBuf,
        known: Vec<String>,
    },
    #[error("profile `{name}` was asked for, but there is no profiles file")]
    NoFile { name: String },
}

impl ProfileError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ProfileError::NoFile { .. } => Some(format!(
                "name one with `--profiles FILE`, `CHARTS_PROFILES` or `env.profiles` in charts.yaml, or create `{}`",
                super::config::DEFAULT_PROFILES_FILE
            )),
            _ => None,
        }
    }
}

impl ProfilesFile {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<ProfilesFile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        ProfilesFile::parse(&text, path)
    }

    /// Parses and checks the text of the file at `path`.
    pub fn parse(text: &str, path: &Path) -> Result<ProfilesFile, ProfileError> {
        let invalid = |line, message| ProfileError::Invalid {
            path: path.to_path_buf(),
            line,
            message,
        };
        let file: ProfilesFile = if text.trim().is_empty() {
            ProfilesFile::default()
        } else {
            crate::yaml::from_slice(text.as_bytes())
                .map_err(|e| invalid(e.location().map(|l| l.line()), crate::yaml::describe(&e)))?
        };
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
        for (name, profile) in &file.profiles {
            for copy in &profile.secrets {
                if copy.source().is_none() {
                    return Err(invalid(
                        line_of(&copy.from),
                        format!(
                            "profiles.{name}.secrets: `from: {}` must be NAMESPACE/NAME",
                            crate::error::quoted(&copy.from)
                        ),
                    ));
                }
                if !crate::names::is_subdomain_shaped(copy.target()) {
                    return Err(invalid(
                        line_of(copy.target()),
                        format!(
                            "profiles.{name}.secrets: `{}` is not a valid Secret name",
                            crate::error::quoted(copy.target())
                        ),
                    ));
                }
            }
        }
        Ok(file)
    }
}

/// The profile an environment gets: `wanted` (a flag or the configuration), else `default` when
/// the file has one, else none. `path` is the profiles file, if any; `named` says whether a
/// missing file is an error.
pub fn resolve(
    path: Option<&Path>,
    wanted: Option<&str>,
) -> Result<Option<ResolvedProfile>, ProfileError> {
    let Some(path) = path else {
        return match wanted {
            Some(name) => Err(ProfileError::NoFile {
                name: name.to_string(),
            }),
            None => Ok(None),
        };
    };
    let file = ProfilesFile::load(path)?;
    let name = match wanted {
        Some(name) => name,
        None if file.profiles.contains_key("default") => "default",
        None => return Ok(None),
    };
    let Some(profile) = file.profiles.get(name) else {
        return Err(ProfileError::Unknown {
            name: crate::error::quoted(name).into_owned(),
            path: path.to_path_buf(),
            known: file.profiles.keys().cloned().collect(),
        });
    };
    let directory = path.parent().unwrap_or(Path::new("."));
    Ok(Some(ResolvedProfile {
        name: name.to_string(),
        chart: profile.chart.as_ref().map(|chart| directory.join(chart)),
        profile: profile.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_and_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.yaml");
        std::fs::write(
            &path,
            "profiles:\n  preview:\n    chart: profiles/preview\n    labels: {team: shop}\n    secrets:\n    - from: ci/pull\n    - from: ci/other\n      name: copy\n  default: {}\n",
        )
        .unwrap();
        let preview = resolve(Some(&path), Some("preview")).unwrap().unwrap();
        assert_eq!(preview.chart, Some(dir.path().join("profiles/preview")));
        assert_eq!(preview.profile.secrets[0].target(), "pull");
        assert_eq!(preview.profile.secrets[1].target(), "copy");
        assert_eq!(resolve(Some(&path), None).unwrap().unwrap().name, "default");
        let error = resolve(Some(&path), Some("big")).unwrap_err().to_string();
        assert!(
            error.contains("no profile `big`") && error.contains("default, preview"),
            "{error}"
        );
        assert!(resolve(None, None).unwrap().is_none());
        assert!(resolve(None, Some("x")).is_err());
    }

    #[test]
    fn bad_profiles_name_the_line() {
        let path = Path::new("p.yaml");
        let error = ProfilesFile::parse("profiles:\n  a:\n    secrets:\n    - from: nope\n", path)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("(line 4)") && error.contains("NAMESPACE/NAME"),
            "{error}"
        );
        let error = ProfilesFile::parse("profiles:\n  a:\n    quota: 1\n", path)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown field `quota`") && error.contains("line 3"),
            "{error}"
        );
    }
}
