//! `adopt helm RELEASE`: take over a release Helm manages, in place, without restarting
//! anything. Each step can run again, so an interrupted adoption resumes where it stopped:
//!
//! 1. read every Helm revision (Secrets or ConfigMaps) and write our record of each, labelled
//!    `adopted-from=helm` (revisions already written are skipped);
//! 2. move the ownership marks of the latest revision's objects to us, metadata only
//!    ([`marks`]);
//! 3. delete Helm's records, oldest first (unless `--keep-helm-records`), so the newest Helm
//!    revision stays until the end and a resumed run still knows the live objects.
//!
//! With no Helm records left and adopted records of ours, there is nothing to do.

pub mod marks;
pub mod records;

use super::operation::{self, Locking, with_lock};
use crate::cluster::Cluster;
use crate::cluster::apply::Progress;
use crate::error::{Error, Result};
use crate::helm::{self, HelmRelease, RecordSummary, storage};
use crate::release::store::Store;
use crate::release::{ReleaseSummary, Status};
use marks::{MarkState, ObjectMark};
use records::{ADOPTED_LABEL, ADOPTED_VALUE};

#[derive(Debug, Clone, Default)]
pub struct AdoptSettings {
    pub release: String,
    /// Show the plan; change nothing.
    pub dry_run: bool,
    pub keep_helm_records: bool,
    pub progress: Option<Progress>,
}

/// One Helm revision and what adoption does with it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RevisionPlan {
    pub revision: u64,
    pub status: Status,
    pub chart: String,
    pub description: String,
    /// Our record is written now (`false`: an earlier run wrote it).
    pub import: bool,
}

/// One of Helm's records and what becomes of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HelmRecord {
    pub name: String,
    /// `secret` or `configmap`.
    pub storage: &'static str,
    /// Deleted (or to be deleted, in a dry run); `false`: kept (`--keep-helm-records`).
    pub delete: bool,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AdoptOutcome {
    pub release: String,
    pub namespace: String,
    pub dry_run: bool,
    /// Nothing was left to do.
    pub already_adopted: bool,
    pub revisions: Vec<RevisionPlan>,
    pub objects: Vec<ObjectMark>,
    pub helm_records: Vec<HelmRecord>,
}

impl AdoptOutcome {
    pub fn imported(&self) -> usize {
        self.revisions.iter().filter(|r| r.import).count()
    }

    pub fn moved(&self) -> usize {
        self.objects
            .iter()
            .filter(|o| o.state == MarkState::Move)
            .count()
    }

    pub fn deleted(&self) -> usize {
        self.helm_records.iter().filter(|r| r.delete).count()
    }
}

pub async fn adopt(
    cluster: &Cluster,
    store: &impl Store,
    settings: &AdoptSettings,
) -> Result<AdoptOutcome> {
    let namespace = cluster.namespace.as_str();
    let name = settings.release.as_str();
    crate::release::validate_name(name).map_err(Error::Usage)?;
    let found = storage::list(cluster, Some(namespace), Some(name)).await?;
    let ours = operation::history_of(store, namespace, name).await?;
    let mut outcome = AdoptOutcome {
        release: name.to_string(),
        namespace: namespace.to_string(),
        dry_run: settings.dry_run,
        ..AdoptOutcome::default()
    };
    if found.is_empty() {
        if ours.iter().any(is_adopted) {
            outcome.already_adopted = true;
            return Ok(outcome);
        }
        return Err(not_found(cluster, namespace, name).await?);
    }
    let locking = if settings.dry_run {
        Locking::None
    } else {
        Locking::Change
    };
    with_lock(cluster, store, namespace, name, locking, async |op| {
        adopt_locked(op.cluster, op.store, settings, &found, &ours, outcome).await
    })
    .await
}

fn is_adopted(summary: &ReleaseSummary) -> bool {
    summary.labels.get(ADOPTED_LABEL).map(String::as_str) == Some(ADOPTED_VALUE)
}

async fn adopt_locked(
    cluster: &Cluster,
    store: &impl Store,
    settings: &AdoptSettings,
    found: &[RecordSummary],
    ours: &[ReleaseSummary],
    mut outcome: AdoptOutcome,
) -> Result<AdoptOutcome> {
    let namespace = cluster.namespace.as_str();
    let name = settings.release.as_str();
    let report = |message: &str| Progress::report(settings.progress.as_ref(), message);

    // 1. Helm's revisions (a revision stored by both drivers is read once, from its Secret).
    report(&format!(
        "reading {}",
        crate::cli::output::count(found.len(), "Helm record")
    ));
    let mut revisions: Vec<HelmRelease> = Vec::new();
    for record in found {
        if revisions
            .last()
            .is_some_and(|r| r.version == record.revision)
        {
            continue;
        }
        revisions.push(storage::get(cluster, record).await?);
    }
    let latest = revisions.last().expect("found is not empty");
    let latest_status = records::status(&latest.info.status);
    if latest_status.is_pending() {
        return Err(Error::with_hint(
            format!(
                "Helm release `{name}` is {latest_status} (revision {}): a Helm operation is running or was interrupted",
                latest.version
            ),
            format!(
                "wait for it to finish, or end it with `helm rollback {name} -n {namespace}`, then adopt"
            ),
        ));
    }
    for helm in &revisions {
        let existing = ours.iter().find(|r| r.revision == helm.version);
        if let Some(existing) = existing
            && !is_adopted(existing)
        {
            return Err(Error::with_hint(
                format!(
                    "release `{name}` in namespace `{namespace}` already has a charts revision {} that was not adopted from Helm",
                    existing.revision
                ),
                "a release cannot be both Helm's and ours: uninstall one of them, or adopt under Helm's records into an empty release",
            ));
        }
        outcome.revisions.push(RevisionPlan {
            revision: helm.version,
            status: records::status(&helm.info.status),
            chart: format!(
                "{}-{}",
                helm.chart_field("name"),
                helm.chart_field("version")
            ),
            description: helm.info.description.clone(),
            import: existing.is_none(),
        });
    }

    // 2. The objects of the latest revision, where they stand.
    let source = format!("Helm release `{name}` revision {}", latest.version);
    let objects = crate::render::manifest::parse_documents(&source, &latest.manifest)?;
    let discovery = crate::cluster::discovery::discover(cluster).await?;
    let located = marks::locate(cluster, &discovery, &objects, name, namespace).await?;
    outcome.objects = located.iter().map(|l| l.mark.clone()).collect();
    outcome.helm_records = found
        .iter()
        .map(|r| HelmRecord {
            name: helm::record_name(&r.name, r.revision),
            storage: r.storage,
            delete: !settings.keep_helm_records,
        })
        .collect();
    outcome.already_adopted =
        outcome.imported() == 0 && outcome.moved() == 0 && outcome.deleted() == 0;
    if settings.dry_run || outcome.already_adopted {
        return Ok(outcome);
    }

    for (helm, plan) in revisions.iter().zip(&outcome.revisions) {
        if plan.import {
            report(&format!("importing revision {}", helm.version));
            let record = records::to_record(helm, namespace);
            match store.create(&record).await {
                Ok(()) | Err(crate::release::store::Error::AlreadyExists { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
    report(&format!(
        "moving the ownership marks of {}",
        crate::cli::output::count(outcome.moved(), "object")
    ));
    for object in &located {
        marks::move_marks(cluster, object, name, namespace).await?;
    }
    if !settings.keep_helm_records {
        report("deleting Helm's records");
        for record in found {
            storage::delete(cluster, record).await?;
        }
    }
    Ok(outcome)
}

/// The error for a name Helm has no release under: which Helm releases there are here.
async fn not_found(cluster: &Cluster, namespace: &str, name: &str) -> Result<Error> {
    let all = storage::list(cluster, Some(namespace), None).await?;
    let names: Vec<String> = storage::latest_of_each(&all)
        .iter()
        .map(|r| format!("`{}`", r.name))
        .collect();
    let message = format!("no Helm release `{name}` in namespace `{namespace}`");
    Ok(if names.is_empty() {
        Error::with_hint(
            message,
            "there is no Helm release in this namespace; `charts list --helm -A` shows every namespace",
        )
    } else {
        Error::with_hint(
            message,
            format!(
                "Helm releases in namespace `{namespace}`: {}",
                names.join(", ")
            ),
        )
    })
}
