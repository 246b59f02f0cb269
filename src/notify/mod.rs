//! Notifications: one JSON event posted to each configured URL when a command that changes a
//! release or an environment ends, successful or not (`--notify URL`, `CHARTS_NOTIFY`, `notify:`
//! in charts.yaml). The event model and the Slack rendering are pure; [`deliver`] is the HTTP
//! edge. Delivery never changes the outcome of the command: a failure is a warning.

pub mod deliver;
pub mod slack;
pub mod target;

use std::cell::RefCell;
use std::time::Instant;

use indexmap::IndexMap;
use serde::Serialize;

use crate::release::{Provenance, Release};

pub use target::{Format, Target};

/// The `schema` field of every event: bumped only when a field changes meaning or goes away.
pub const SCHEMA: &str = "charts.dev/notification.v1";

/// Which command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Install,
    Upgrade,
    Rollback,
    Uninstall,
    Test,
    Promote,
    EnvUp,
    EnvDown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Install => "install",
            Kind::Upgrade => "upgrade",
            Kind::Rollback => "rollback",
            Kind::Uninstall => "uninstall",
            Kind::Test => "test",
            Kind::Promote => "promote",
            Kind::EnvUp => "env-up",
            Kind::EnvDown => "env-down",
        }
    }
}

/// The chart of the revision an event is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartRef {
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub digest: String,
}

/// The environment an event is about (`env up`/`env down`, or a release deployed with `--env`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvRef {
    pub name: String,
    pub namespace: String,
    pub branch: Option<String>,
    pub commit: Option<String>,
}

/// One notification. Every field is always present (`null` when it does not apply), so
/// receivers can rely on the shape; README "Notifications" documents it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub schema: &'static str,
    pub event: Kind,
    pub succeeded: bool,
    pub release: Option<String>,
    pub namespace: Option<String>,
    pub revision: Option<u64>,
    pub chart: Option<ChartRef>,
    /// The revision's status (`deployed`, `failed`, `uninstalled`...).
    pub status: Option<String>,
    /// The revision's description, or what the command did.
    pub description: Option<String>,
    /// Why the command failed (the error and its causes, on one line).
    pub error: Option<String>,
    /// The revision's pipeline labels (`commit`, `build`...).
    pub labels: IndexMap<String, String>,
    pub provenance: Option<Provenance>,
    pub environment: Option<EnvRef>,
    pub duration_ms: u64,
    /// When the command ended (RFC 3339).
    pub timestamp: String,
    pub charts_version: &'static str,
}

impl Event {
    /// An event about `release` (if the command is about one) in `namespace`, before anything
    /// is known of its outcome.
    pub fn new(kind: Kind, release: Option<&str>, namespace: Option<&str>) -> Event {
        Event {
            schema: SCHEMA,
            event: kind,
            succeeded: false,
            release: release.map(str::to_string),
            namespace: namespace.map(str::to_string),
            revision: None,
            chart: None,
            status: None,
            description: None,
            error: None,
            labels: IndexMap::new(),
            provenance: None,
            environment: None,
            duration_ms: 0,
            timestamp: String::new(),
            charts_version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// Fills in what the revision `record` says: the release, its revision, chart, status,
    /// description, labels, provenance and environment.
    pub fn with_record(&mut self, record: &Release) {
        self.release = Some(record.name.clone());
        self.namespace = Some(record.namespace.clone());
        self.revision = Some(record.revision);
        self.chart = Some(ChartRef {
            name: record.chart.name.clone(),
            version: record.chart.version.clone(),
            app_version: record.chart.app_version.clone(),
            digest: record.chart.digest.clone(),
        });
        self.status = Some(record.status.as_str().to_string());
        if !record.description.is_empty() {
            self.description = Some(record.description.clone());
        }
        self.labels = record.labels.clone();
        self.provenance = record.provenance.clone();
        if let Some(env) = &record.env {
            self.environment = Some(EnvRef {
                name: env.name.clone(),
                namespace: record.namespace.clone(),
                branch: env.branch.clone(),
                commit: env.commit.clone(),
            });
        }
    }

    /// A short line for people: `install of web (web 1.2.0) in shop: revision 3 deployed`.
    pub fn headline(&self) -> String {
        let mut line = self.event.as_str().to_string();
        let verb = if self.succeeded {
            "succeeded"
        } else {
            "failed"
        };
        match (&self.release, &self.environment) {
            (Some(release), _) => line.push_str(&format!(" of `{release}`")),
            (None, Some(env)) => line.push_str(&format!(" of environment `{}`", env.name)),
            (None, None) => {}
        }
        if let Some(namespace) = &self.namespace {
            line.push_str(&format!(" in `{namespace}`"));
        }
        line.push_str(&format!(" {verb}"));
        if let Some(revision) = self.revision {
            line.push_str(&format!(": revision {revision}"));
            if let Some(status) = &self.status {
                line.push_str(&format!(" {status}"));
            }
        }
        line
    }
}

/// The error and its causes on one line, as a failure event carries it.
pub fn reason(error: &crate::error::Error) -> String {
    crate::repo::http::chain(error)
}

/// An event being gathered while a command runs, posted when it ends. Without targets every
/// call is a no-op, so commands build one unconditionally.
#[derive(Debug)]
pub struct Notice {
    targets: Vec<Target>,
    event: RefCell<Event>,
    started: Instant,
    /// When the command started, on the clock records are stamped with (to the second).
    started_at: i64,
}

impl Notice {
    pub fn new(targets: Vec<Target>, event: Event) -> Notice {
        Notice {
            targets,
            event: RefCell::new(event),
            started: Instant::now(),
            started_at: crate::support::clock::now().as_second(),
        }
    }

    /// Whether anything will be posted.
    pub fn is_active(&self) -> bool {
        !self.targets.is_empty()
    }

    /// The event as gathered so far.
    pub fn event(&self) -> Event {
        self.event.borrow().clone()
    }

    /// When the command started (seconds since the epoch, on the records' clock).
    pub fn started_at(&self) -> i64 {
        self.started_at
    }

    /// Changes the event (e.g. to add what the command found out).
    pub fn update(&self, change: impl FnOnce(&mut Event)) {
        if self.is_active() {
            change(&mut self.event.borrow_mut());
        }
    }

    /// Fills the event from the revision the command produced or acted on.
    pub fn record(&self, record: &Release) {
        self.update(|event| event.with_record(record));
    }

    /// The finished event for `result`.
    fn finish_event(&self, result: Result<(), &crate::error::Error>) -> Event {
        let mut event = self.event.borrow().clone();
        event.succeeded = result.is_ok();
        if let Err(error) = result {
            event.error = Some(reason(error));
            if let crate::error::Error::Recovery(recovery) = error {
                event.revision = Some(recovery.failed_revision);
                event.status = Some(crate::release::Status::Failed.as_str().to_string());
                event.error = Some(reason(&recovery.error));
            } else if event.status.is_none() && event.revision.is_some() {
                event.status = Some(crate::release::Status::Failed.as_str().to_string());
            }
        }
        event.duration_ms = self.started.elapsed().as_millis() as u64;
        event.timestamp = crate::support::clock::now_rfc3339();
        event
    }

    /// Posts the event for `result` (from async code), warns on stderr for each target it
    /// could not reach, and passes `result` through unchanged.
    pub async fn finish_async<T>(
        &self,
        result: crate::error::Result<T>,
    ) -> crate::error::Result<T> {
        if !self.is_active() {
            return result;
        }
        // A usage error means nothing was attempted: there is nothing to tell.
        if let Err(crate::error::Error::Usage(_)) = &result {
            return result;
        }
        let event = self.finish_event(result.as_ref().map(|_| ()));
        for warning in deliver::deliver_all(&self.targets, &event).await {
            crate::cli::output::note(&format!("warning: {warning}"));
        }
        result
    }

    /// [`Notice::finish_async`] for synchronous callers.
    pub fn finish<T>(&self, result: crate::error::Result<T>) -> crate::error::Result<T> {
        if !self.is_active() {
            return result;
        }
        crate::support::block_on(self.finish_async(result))
    }
}
