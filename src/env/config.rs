//! The project configuration file, `charts.yaml`, that a team keeps in its repository next to
//! its charts. For environments it holds the defaults of `charts env` and `--env`:
//!
//! ```yaml
//! env:
//!   prefix: shop-              # namespace prefix
//!   ttl: 3d                    # expiry after each `env up` or deploy; 0 = never
//!   profiles: deploy/profiles.yaml   # the profiles file, relative to this file
//!   profile: preview           # the profile an environment gets when none is named
//!   pool: ci                   # the pool `env claim` takes from
//! notify:                      # where install, upgrade, ... post their event (`--notify`)
//! - slack+https://hooks.slack.com/services/T000/B000/XXXX
//! ```
//!
//! It is found as `$CHARTS_CONFIG` when that is set, else as `charts.yaml` in the current
//! directory or the nearest parent that has one. Flags win over `CHARTS_*` environment variables
//! (`CHARTS_ENV_PREFIX`, `CHARTS_ENV_TTL`, `CHARTS_PROFILES`, `CHARTS_ENV_PROFILE`, read by
//! clap), which win over this file.

use std::path::{Path, PathBuf};

use super::ttl::Ttl;

/// The file's name, looked for in the current directory and its parents.
pub const FILE_NAME: &str = "charts.yaml";
/// Environment variable naming the file instead.
pub const CONFIG_VARIABLE: &str = "CHARTS_CONFIG";
/// The profiles file looked for next to the configuration (or in the current directory) when
/// neither a flag, `CHARTS_PROFILES` nor the configuration names one.
pub const DEFAULT_PROFILES_FILE: &str = "charts-profiles.yaml";
/// The expiry of an environment when neither a flag, `CHARTS_ENV_TTL` nor the file sets one:
/// long enough for a working week, short enough that forgotten branches go.
pub const DEFAULT_TTL: Ttl = Ttl::Seconds(7 * 86_400);

/// What the file says, unchecked beyond its shape.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub env: EnvSection,
    /// URLs every command that changes a release or an environment posts its event to, unless
    /// `--notify` or `CHARTS_NOTIFY` names others (see `crate::notify`).
    #[serde(default)]
    pub notify: Vec<String>,
}

/// The `env:` section.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSection {
    pub prefix: Option<String>,
    pub ttl: Option<TtlText>,
    pub profiles: Option<PathBuf>,
    pub profile: Option<String>,
    pub pool: Option<String>,
}

/// A TTL as written in the file: `3d`, or a bare `0`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum TtlText {
    Number(u64),
    Text(String),
}

impl TtlText {
    fn text(&self) -> String {
        match self {
            TtlText::Number(number) => number.to_string(),
            TtlText::Text(text) => text.clone(),
        }
    }
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration `{}`{}: {message}", path.display(), line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
}

/// The loaded file and where it was (`None`: no file, every default).
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
}

/// Flags and environment variables, which win over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub prefix: Option<String>,
    pub ttl: Option<Ttl>,
    pub profiles: Option<PathBuf>,
    pub profile: Option<String>,
    pub pool: Option<String>,
}

/// The settings of `charts env` after flags, variables, file and defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSettings {
    pub prefix: String,
    pub ttl: Ttl,
    /// The profiles file, if one was named or the default one exists.
    pub profiles: Option<PathBuf>,
    /// Whether `profiles` was named (by a flag, variable or the file) rather than found at the
    /// default path: a named file that is missing is an error.
    pub profiles_named: bool,
    pub profile: Option<String>,
    pub pool: Option<String>,
    /// The configuration file, if one was found.
    pub config: Option<PathBuf>,
}

impl Config {
    /// Finds and reads the file: `$CHARTS_CONFIG`, else `charts.yaml` in `start` or its nearest
    /// parent that has one, else no file.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        if let Some(path) = std::env::var_os(CONFIG_VARIABLE).filter(|p| !p.is_empty()) {
            return Config::load(Path::new(&path));
        }
        for directory in start.ancestors() {
            let candidate = directory.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
        }
        Ok(Config::default())
    }

    /// Reads the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses the text of the file at `path` (for messages and relative paths).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |line, message| ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            message,
        };
        let file: ConfigFile = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            crate::yaml::from_slice(text.as_bytes())
                .map_err(|e| invalid(e.location().map(|l| l.line()), crate::yaml::describe(&e)))?
        };
        let line_of = |key: &str| {
            text.lines()
                .position(|l| l.trim_start().starts_with(&format!("{key}:")))
                .map(|i| i + 1)
        };
        if let Some(prefix) = &file.env.prefix {
            super::name::check_prefix(prefix)
                .map_err(|e| invalid(line_of("prefix"), format!("env.prefix: {e}")))?;
        }
        if let Some(ttl) = &file.env.ttl {
            ttl.text()
                .parse::<Ttl>()
                .map_err(|e| invalid(line_of("ttl"), format!("env.ttl: {e}")))?;
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            file,
        })
    }

    /// The directory relative paths in the file are read from.
    fn directory(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// The settings: `overrides` over the file over the defaults. `cwd` is where the default
    /// profiles file is looked for when there is no configuration file.
    pub fn resolve(&self, overrides: Overrides, cwd: &Path) -> EnvSettings {
        let section = &self.file.env;
        let from_file = section
            .profiles
            .as_ref()
            .map(|path| match self.directory() {
                Some(directory) => directory.join(path),
                None => path.clone(),
            });
        let named = overrides.profiles.or(from_file);
        let profiles_named = named.is_some();
        let profiles = named.or_else(|| {
            let default = self.directory().unwrap_or(cwd).join(DEFAULT_PROFILES_FILE);
            default.is_file().then_some(default)
        });
        EnvSettings {
            prefix: overrides
                .prefix
                .or_else(|| section.prefix.clone())
                .unwrap_or_default(),
            ttl: overrides
                .ttl
                .or_else(|| section.ttl.as_ref().and_then(|t| t.text().parse().ok()))
                .unwrap_or(DEFAULT_TTL),
            profiles,
            profiles_named,
            profile: overrides.profile.or_else(|| section.profile.clone()),
            pool: overrides.pool.or_else(|| section.pool.clone()),
            config: self.path.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/repo/charts.yaml"))
    }

    #[test]
    fn the_file_gives_defaults_and_overrides_win() {
        let config = parse(
            "env:\n  prefix: shop-\n  ttl: 3d\n  profiles: deploy/profiles.yaml\n  profile: preview\n  pool: ci\n",
        )
        .unwrap();
        let settings = config.resolve(Overrides::default(), Path::new("/elsewhere"));
        assert_eq!(settings.prefix, "shop-");
        assert_eq!(settings.ttl, Ttl::Seconds(3 * 86_400));
        assert_eq!(
            settings.profiles,
            Some(PathBuf::from("/repo/deploy/profiles.yaml"))
        );
        assert!(settings.profiles_named);
        assert_eq!(settings.profile.as_deref(), Some("preview"));
        assert_eq!(settings.pool.as_deref(), Some("ci"));
        let settings = config.resolve(
            Overrides {
                prefix: Some("x-".into()),
                ttl: Some(Ttl::Never),
                profiles: Some("p.yaml".into()),
                profile: Some("full".into()),
                pool: Some("big".into()),
            },
            Path::new("/elsewhere"),
        );
        assert_eq!(settings.prefix, "x-");
        assert_eq!(settings.ttl, Ttl::Never);
        assert_eq!(settings.profiles, Some(PathBuf::from("p.yaml")));
        assert_eq!(settings.profile.as_deref(), Some("full"));
        assert_eq!(settings.pool.as_deref(), Some("big"));
    }

    #[test]
    fn no_file_means_defaults() {
        let settings = Config::default().resolve(Overrides::default(), Path::new("/nonexistent"));
        assert_eq!(settings.prefix, "");
        assert_eq!(settings.ttl, DEFAULT_TTL);
        assert_eq!(settings.profiles, None);
        assert!(!settings.profiles_named);
        assert_eq!(parse("").unwrap().file.env.prefix, None);
        assert_eq!(
            parse("env:\n  ttl: 0\n")
                .unwrap()
                .resolve(Overrides::default(), Path::new("/"))
                .ttl,
            Ttl::Never
        );
    }

    #[test]
    fn the_file_lists_notification_urls() {
        let config =
            parse("notify:\n- https://ci.example.com/hook\n- slack+https://hooks.slack.com/x\n")
                .unwrap();
        assert_eq!(
            config.file.notify,
            [
                "https://ci.example.com/hook",
                "slack+https://hooks.slack.com/x"
            ]
        );
        assert!(
            parse("env:\n  prefix: a-\n")
                .unwrap()
                .file
                .notify
                .is_empty()
        );
    }

    #[test]
    fn bad_files_name_the_file_line_and_key() {
        let error = parse("env:\n  prefix: Shop\n").unwrap_err().to_string();
        assert!(error.contains("`/repo/charts.yaml` (line 2)"), "{error}");
        assert!(error.contains("env.prefix"), "{error}");
        let error = parse("env:\n  ttl: soon\n").unwrap_err().to_string();
        assert!(
            error.contains("(line 2)") && error.contains("`soon`"),
            "{error}"
        );
        let error = parse("env:\n  prefx: a\n").unwrap_err().to_string();
        assert!(error.contains("unknown field `prefx`"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }
}
