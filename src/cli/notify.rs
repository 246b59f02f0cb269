//! `--notify URL`: the flag every command that changes a release or an environment shares, and
//! where its targets come from: the flags, else `CHARTS_NOTIFY`, else `notify:` in charts.yaml.

use crate::error::{Error, Result};
use crate::notify::{Event, Kind, Notice, Target};

/// The environment variable with notification URLs (separated by commas or spaces).
pub const NOTIFY_VARIABLE: &str = "CHARTS_NOTIFY";

#[derive(Debug, Clone, Default, clap::Args)]
pub struct NotifyArgs {
    /// Post a JSON event here when the command ends, successful or not (repeatable);
    /// `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of
    /// charts.yaml]
    #[arg(long = "notify", value_name = "URL")]
    pub urls: Vec<String>,
    /// No notification at all, whatever the variable and the file say (for dry runs, which
    /// change nothing).
    #[arg(skip)]
    pub disabled: bool,
}

/// After a failed install, upgrade or promote: the revision it recorded `failed` (if it got
/// that far), read back so that the event names it. Best effort, within a few seconds: nothing
/// is added when it cannot be read. A `--rollback-on-failure` failure names its revision itself.
pub fn add_failed_revision(notice: &Notice, global: &crate::cli::GlobalArgs, result: &Result<()>) {
    use crate::release::store::Store as _;
    let Err(error) = result else { return };
    if !notice.is_active() || matches!(error, Error::Usage(_) | Error::Recovery(_)) {
        return;
    }
    let event = notice.event();
    let (Some(name), Some(namespace)) = (event.release, event.namespace) else {
        return;
    };
    let mut settings = global.cluster_settings();
    settings.namespace = Some(namespace.clone());
    let since = notice.started_at();
    let message: String = error.to_string().chars().take(80).collect();
    let lookup = async {
        let store = crate::release::store::SecretStore::connect(&settings)
            .await
            .ok()?;
        let history = store.history(&namespace, &name).await.ok()?;
        let latest = history.last()?;
        let updated: jiff::Timestamp = latest.updated.parse().ok()?;
        // Only a revision this command recorded: failed, stamped since it started, and with
        // this failure as its reason.
        if latest.status != crate::release::Status::Failed || updated.as_second() < since {
            return None;
        }
        let record = store.get(&namespace, &name, latest.revision).await.ok()?;
        record.description.contains(&message).then_some(record)
    };
    let found = crate::support::block_on(async {
        tokio::time::timeout(crate::notify::deliver::TOTAL_TIMEOUT, lookup)
            .await
            .ok()
            .flatten()
    });
    if let Some(record) = found {
        notice.record(&record);
    }
}

impl NotifyArgs {
    /// Notifications off.
    pub fn disabled() -> NotifyArgs {
        NotifyArgs {
            urls: Vec::new(),
            disabled: true,
        }
    }

    /// These flags, or none at all when `off` (a dry run).
    pub fn unless(&self, off: bool) -> NotifyArgs {
        if off {
            NotifyArgs::disabled()
        } else {
            self.clone()
        }
    }

    /// The targets, checked: every bad URL is a usage error naming where it came from.
    pub fn targets(&self) -> Result<Vec<Target>> {
        let (urls, origin) = if self.disabled {
            return Ok(Vec::new());
        } else if !self.urls.is_empty() {
            (self.urls.clone(), "--notify".to_string())
        } else if let Some(list) = std::env::var(NOTIFY_VARIABLE)
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            (
                crate::notify::target::split_list(&list),
                NOTIFY_VARIABLE.to_string(),
            )
        } else {
            let cwd = std::env::current_dir().unwrap_or_default();
            let config = crate::env::config::Config::discover(&cwd)?;
            let origin = config
                .path
                .as_ref()
                .map(|path| format!("`notify` in `{}`", path.display()))
                .unwrap_or_default();
            (config.file.notify, origin)
        };
        urls.iter()
            .map(|url| Target::parse(url).map_err(|e| Error::Usage(format!("{e} (from {origin})"))))
            .collect()
    }

    /// The notice a command fills while it runs and posts when it ends: about `release` (if
    /// the command is about one) in `namespace`, else the namespace the command works in.
    pub fn start(
        &self,
        kind: Kind,
        global: &crate::cli::GlobalArgs,
        release: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<Notice> {
        let targets = self.targets()?;
        let namespace = match (namespace, targets.is_empty()) {
            (Some(namespace), _) => Some(namespace.to_string()),
            (None, false) => Some(global.cluster_settings().offline_namespace()),
            (None, true) => None,
        };
        Ok(Notice::new(
            targets,
            Event::new(kind, release, namespace.as_deref()),
        ))
    }
}
