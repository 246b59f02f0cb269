//! What every operation on a release shares: its lock, stopping cleanly when the process is asked
//! to stop, the inventory of what the release may have in the cluster, and the one step that
//! takes a pending revision into the cluster: pre hooks → apply → prune → wait → post hooks →
//! record. Deploy and rollback differ only in where the revision comes from (a render, a stored
//! revision); everything after that is [`Operation::apply_revision`].

use std::collections::HashSet;
use std::time::Duration;

use crate::cluster::Cluster;
use crate::cluster::apply::{Applier, ApplyOptions, DeleteReport, ObjectKey, Progress};
use crate::error::{Error, Result};
use crate::hooks::Event;
use crate::release::store::Store;
use crate::release::{Release, ReleaseSummary, Status, history, lock};
use crate::render::{self, Object};

mod interrupt;
mod replace;

use interrupt::settle_interrupted;
pub(in crate::action) use interrupt::with_lock;

/// How long an operation's lock lives without renewal: a crashed operation frees the release
/// after this long.
pub const LOCK_TTL: Duration = Duration::from_secs(60);
/// How long to wait for CRDs from `crds/` to become Established.
pub const CRD_TIMEOUT: Duration = Duration::from_secs(60);

/// Now, as release records write times.
pub(super) fn now() -> String {
    crate::support::clock::now_rfc3339()
}

/// The rendered objects as a stored manifest: Helm's `---` + `# Source:` documents.
pub fn manifest_text(objects: &[Object]) -> Result<String> {
    render::manifest::write_documents(objects)
        .map_err(|e| Error::message(format!("cannot write YAML: {e}")))
}

/// The objects of a stored manifest, in the order they were stored (install order).
pub fn manifest_objects(release: &Release) -> Result<Vec<Object>> {
    let source = format!("release `{}` revision {}", release.name, release.revision);
    Ok(render::manifest::parse_documents(
        &source,
        &release.manifest,
    )?)
}

/// Summaries of one release's revisions, oldest first; none for a release that does not exist.
pub(super) async fn history_of(
    store: &impl Store,
    namespace: &str,
    name: &str,
) -> Result<Vec<ReleaseSummary>> {
    match store.history(namespace, name).await {
        Err(crate::release::store::Error::ReleaseNotFound { .. }) => Ok(Vec::new()),
        other => Ok(other?),
    }
}

/// One line for a release description.
pub(super) fn error_summary(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    text.lines().next().unwrap_or_default().to_string()
}

/// How an operation holds the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Locking {
    /// A dry run changes nothing and takes no lock.
    None,
    /// Install or upgrade: a missing namespace can be created with `--create-namespace`.
    Deploy,
    /// Rollback or uninstall of a release that must exist already.
    Change,
}

/// A locked operation on one release: where it runs and the lock it holds (none for a dry run).
pub(super) struct Operation<'a, S> {
    pub cluster: &'a Cluster,
    pub store: &'a S,
    pub namespace: &'a str,
    pub name: &'a str,
    guard: Option<&'a lock::LockGuard>,
    /// The record to store if the process is asked to stop now (see [`Operation::on_interrupt`]).
    interrupted: &'a std::sync::Mutex<Option<Release>>,
}

/// How objects go to the cluster: the flags deploy and rollback share.
#[derive(Debug, Clone, Default)]
pub(super) struct ApplySettings {
    /// `dryRun=All` on every request: the API server validates, nothing is stored or recorded.
    pub dry_run: bool,
    pub force_conflicts: bool,
    pub take_ownership: bool,
    /// Wait until every object is ready, at most this long.
    pub wait: Option<Duration>,
    /// Revisions to keep (0 = all).
    pub history_max: usize,
    pub progress: Option<Progress>,
    /// How long each hook may take; `None`: [`super::hooks::DEFAULT_TIMEOUT`]. Also how long a
    /// replaced object may take to go.
    pub timeout: Option<Duration>,
    /// `--force-replace`: delete and recreate objects whose change hits a field that cannot
    /// change (otherwise only those annotated `charts.dev/replace-on-change: "true"`).
    pub force_replace: bool,
}

impl ApplySettings {
    /// How long each hook may take.
    pub fn hook_timeout(&self) -> Duration {
        self.timeout.unwrap_or(super::hooks::DEFAULT_TIMEOUT)
    }
}

/// The hooks a revision runs: `pre` before its objects apply, `post` after they are ready.
#[derive(Debug, Clone, Copy)]
pub(super) struct HookEvents {
    pub pre: Event,
    pub post: Event,
}

/// A pending revision on its way to the cluster.
pub(super) struct Revision<'a> {
    /// The record to store as pending, then as deployed or failed.
    pub record: Release,
    /// CRDs from `crds/`, created before everything else.
    pub crds: &'a [Object],
    /// The objects, in install order.
    pub objects: &'a [Object],
    /// The description once it is deployed; `None` keeps the record's.
    pub completed: Option<String>,
    /// What the description says before the error when it fails: `Upgrade failed`.
    pub failed: String,
    /// The record's hooks to run; `None` with `--no-hooks`.
    pub hooks: Option<HookEvents>,
    /// The chart to store with the release unless stored already (see
    /// `release::chart_store`); `None` for a rollback, whose chart is stored with the revision
    /// it copies.
    pub chart: Option<crate::release::chart_store::StoredChart>,
}

/// What [`Operation::apply_revision`] did.
pub(super) struct Applied {
    /// The record as stored last (as it would have been stored, for a dry run).
    pub release: Release,
    pub applied: usize,
    pub pruned: DeleteReport,
    /// Things that went wrong after the revision was recorded deployed.
    pub warnings: Vec<String>,
}

/// The objects the release may have in the cluster: those of the deployed revision and of every
/// newer revision that failed or was interrupted part-way (they may have applied some objects).
/// `known` is a record the caller has read already; it is not fetched again.
pub(super) async fn inventory(
    store: &impl Store,
    revisions: &[ReleaseSummary],
    known: Option<&Release>,
) -> Result<Inventory> {
    let deployed = revisions
        .iter()
        .rev()
        .find(|r| r.status == Status::Deployed)
        .map(|r| r.revision)
        .unwrap_or(0);
    let mut objects: Vec<Object> = Vec::new();
    let mut deployed_objects: Vec<Object> = Vec::new();
    let mut keys = HashSet::new();
    for summary in revisions.iter().rev() {
        let partial = summary.revision > deployed
            && (summary.status == Status::Failed || summary.status.is_pending());
        if summary.revision != deployed && !partial {
            continue;
        }
        let record_objects = match known.filter(|k| k.revision == summary.revision) {
            Some(record) => manifest_objects(record)?,
            None => manifest_objects(
                &store
                    .get(&summary.namespace, &summary.name, summary.revision)
                    .await?,
            )?,
        };
        if summary.revision == deployed {
            deployed_objects = record_objects.clone();
        }
        for object in record_objects {
            if keys.insert(ObjectKey::of(&object)) {
                objects.push(object);
            }
        }
    }
    render::manifest::sort_install_order(&mut objects);
    Ok(Inventory {
        objects,
        deployed: deployed_objects,
    })
}

/// After a revision deployed: marks every other deployed revision superseded and prunes history
/// beyond `history_max`.
async fn finish_history(
    store: &impl Store,
    namespace: &str,
    name: &str,
    current: u64,
    history_max: usize,
) -> Result<()> {
    let mut revisions = history_of(store, namespace, name).await?;
    supersede_others(store, &mut revisions, current).await?;
    for revision in history::revisions_to_prune(&revisions, history_max) {
        store.delete(namespace, name, revision).await?;
    }
    Ok(())
}

/// Marks every deployed revision but `keep` superseded, in the store and in `revisions`: one
/// revision of a release is deployed at a time.
pub(super) async fn supersede_others(
    store: &impl Store,
    revisions: &mut [ReleaseSummary],
    keep: u64,
) -> Result<()> {
    for summary in revisions {
        if summary.revision != keep && summary.status == Status::Deployed {
            let mut record = store
                .get(&summary.namespace, &summary.name, summary.revision)
                .await?;
            record.status = Status::Superseded;
            store.update(&record).await?;
            summary.status = Status::Superseded;
        }
    }
    Ok(())
}

impl<S: Store> Operation<'_, S> {
    /// Before each irreversible step: stop if another operation has taken the release over.
    pub fn still_locked(&self) -> Result<()> {
        Ok(self.guard.map_or(Ok(()), lock::LockGuard::check)?)
    }

    /// Registers the record to store if the process is asked to stop from now on (its
    /// description gets `(interrupted by SIGINT)` added); `None` goes back to the default, a
    /// pending revision marked failed.
    pub fn on_interrupt(&self, record: Option<Release>) {
        if let Ok(mut slot) = self.interrupted.lock() {
            *slot = record;
        }
    }

    /// The release's revisions, oldest first; none when it does not exist.
    pub async fn history(&self) -> Result<Vec<ReleaseSummary>> {
        history_of(self.store, self.namespace, self.name).await
    }

    /// One stored revision.
    pub async fn record(&self, revision: u64) -> Result<Release> {
        Ok(self.store.get(self.namespace, self.name, revision).await?)
    }

    /// A revision left `pending-*` by an operation that died is marked failed (see
    /// [`settle_interrupted`]).
    pub async fn settle_interrupted(&self, summary: &ReleaseSummary) -> Result<()> {
        settle_interrupted(self.store, summary).await
    }

    /// An applier for this release (two discovery requests).
    pub async fn applier(&self, settings: &ApplySettings) -> Result<Applier> {
        Ok(Applier::new(
            self.cluster,
            ApplyOptions {
                dry_run: settings.dry_run,
                force_conflicts: settings.force_conflicts,
                take_ownership: settings.take_ownership,
                progress: settings.progress.clone(),
                ..ApplyOptions::new(self.name, self.namespace)
            },
        )
        .await?)
    }

    /// Runs hooks for this release with the operation's timeout and progress.
    pub fn hook_runner<'r>(&'r self, settings: &'r ApplySettings) -> super::hooks::Runner<'r> {
        super::hooks::Runner {
            cluster: self.cluster,
            namespace: self.namespace,
            timeout: settings.hook_timeout(),
            progress: settings.progress.as_ref(),
        }
    }

    /// What the release may have in the cluster (see [`inventory`]).
    pub async fn inventory(
        &self,
        revisions: &[ReleaseSummary],
        known: Option<&Release>,
    ) -> Result<Inventory> {
        inventory(self.store, revisions, known).await
    }

    /// Takes a pending revision into the cluster, the one step deploy and rollback share:
    /// records it pending, creates the CRDs, applies the objects, deletes what the release had
    /// and the revision does not, waits until everything is ready, and records it deployed (the
    /// other deployed revision superseded, history pruned) or failed with the reason. A dry run
    /// only has the API server validate the CRDs and objects, and records nothing.
    ///
    /// `revisions` is the release's history before this revision; `known` a record of it read
    /// already (see [`Operation::inventory`]).
    pub async fn apply_revision(
        &self,
        settings: &ApplySettings,
        revisions: &[ReleaseSummary],
        known: Option<&Release>,
        revision: Revision<'_>,
    ) -> Result<Applied> {
        let mut applier = self.applier(settings).await?;
        let inventory = self.inventory(revisions, known).await?;
        let previous = inventory.deployed_keys(&applier);
        let Revision {
            mut record,
            crds,
            objects,
            completed,
            failed,
            hooks,
            chart,
        } = revision;
        if settings.dry_run {
            applier.install_crds(crds, CRD_TIMEOUT).await?;
            let applied = applier.apply(objects, &previous, CRD_TIMEOUT).await?;
            return Ok(Applied {
                release: record,
                applied: applied.len(),
                pruned: DeleteReport::default(),
                warnings: Vec::new(),
            });
        }
        // Before anything changes: objects whose change needs them replaced, refused unless
        // allowed.
        let replacements = replace::find(&applier, objects, &inventory.deployed).await;
        replace::allowed(&replacements, settings.force_replace, self.name)?;
        let replacing: Vec<String> = replacements.iter().map(replace::describe).collect();
        self.still_locked()?;
        self.store.create(&record).await?;
        let runner = self.hook_runner(settings);
        let outcome: Result<(usize, DeleteReport)> = async {
            // After the record: a concurrent deletion of the chart's last other reference then
            // sees this one (see `release::store::SecretStore`).
            if let Some(chart) = &chart {
                self.store.put_chart(self.namespace, chart).await?;
            }
            applier.install_crds(crds, CRD_TIMEOUT).await?;
            if let Some(events) = hooks {
                runner
                    .run_event(&mut applier, &mut record.hooks, events.pre)
                    .await?;
                self.still_locked()?;
            }
            if !replacements.is_empty() {
                self.replace(&applier, &mut record, &replacements, settings)
                    .await?;
            }
            let applied = applier.apply(objects, &previous, CRD_TIMEOUT).await?;
            self.still_locked()?;
            let leftovers = inventory.leftovers(&applier, &applied);
            let pruned = applier.delete(&leftovers, None).await?;
            if let Some(timeout) = settings.wait {
                let refs: Vec<&Object> = objects.iter().collect();
                applier.wait_ready(&refs, timeout).await?;
            }
            self.still_locked()?;
            // Helm's order: post hooks see the objects applied, and ready with `--wait`.
            if let Some(events) = hooks {
                runner
                    .run_event(&mut applier, &mut record.hooks, events.post)
                    .await?;
                self.still_locked()?;
            }
            Ok((applied.len(), pruned))
        }
        .await;
        record.last_deployed = now();
        let (applied, pruned) = match outcome {
            Ok(done) => done,
            Err(error) => {
                record.status = Status::Failed;
                record.description = format!("{failed}: {}", error_summary(&error));
                if !replacing.is_empty() {
                    // The objects may be gone: say so; the next upgrade creates them.
                    record
                        .description
                        .push_str(&format!(" (deleted to replace: {})", replacing.join(", ")));
                }
                // If even this fails, the revision stays pending and the next operation marks it
                // failed; the user needs the original error more.
                let _ = self.store.update(&record).await;
                return Err(error);
            }
        };
        record.status = Status::Deployed;
        if let Some(description) = completed {
            record.description = description;
        }
        self.store.update(&record).await?;
        // The revision is deployed: bookkeeping of older ones is worth a warning, not a
        // failure.
        let warnings = finish_history(
            self.store,
            self.namespace,
            self.name,
            record.revision,
            settings.history_max,
        )
        .await
        .err()
        .map(|e| {
            format!(
                "revision {} is deployed, but tidying the history failed: {e}",
                record.revision
            )
        })
        .into_iter()
        .collect();
        Ok(Applied {
            release: record,
            applied,
            pruned,
            warnings,
        })
    }
}

impl<S: Store> Operation<'_, S> {
    /// Deletes the objects to replace and waits until they are gone; the apply that follows
    /// creates them again. The pending record says so first: if the operation stops in between,
    /// it is marked failed with that description, and running the operation again creates the
    /// objects (they no longer exist, so nothing needs replacing).
    async fn replace(
        &self,
        applier: &Applier,
        record: &mut Release,
        replacements: &[replace::Replacement<'_>],
        settings: &ApplySettings,
    ) -> Result<()> {
        let described: Vec<String> = replacements.iter().map(replace::describe).collect();
        crate::cluster::apply::Progress::report(
            settings.progress.as_ref(),
            &format!("replacing {}", described.join(", ")),
        );
        let description = std::mem::replace(
            &mut record.description,
            format!("Replacing (delete, then create) {}", described.join(", ")),
        );
        self.store.update(record).await?;
        self.still_locked()?;
        let objects: Vec<&Object> = replacements.iter().map(|r| r.object).collect();
        applier
            .delete_for_replace(&objects, settings.hook_timeout())
            .await?;
        record.description = description;
        self.store.update(record).await?;
        Ok(())
    }
}

/// What a release may have in the cluster.
pub(super) struct Inventory {
    /// Objects of the deployed revision and of newer failed or interrupted ones: what pruning
    /// considers (it only ever deletes objects still marked as this release's).
    pub objects: Vec<Object>,
    /// Objects of the deployed revision: the release's own even if their marks were lost.
    pub(super) deployed: Vec<Object>,
}

impl Inventory {
    pub(super) fn deployed_keys(&self, applier: &Applier) -> HashSet<ObjectKey> {
        self.deployed.iter().map(|o| applier.key_of(o)).collect()
    }

    /// Objects not among `kept` (the keys just applied), to delete.
    pub(super) fn leftovers(self, applier: &Applier, kept: &[ObjectKey]) -> Vec<Object> {
        let kept: HashSet<&ObjectKey> = kept.iter().collect();
        self.objects
            .into_iter()
            .filter(|o| !kept.contains(&applier.key_of(o)))
            .collect()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use indexmap::IndexMap;

    use super::interrupt::interrupted_hint;
    use super::*;
    use crate::release::ChartInfo;
    use crate::release::store::MemoryStore;
    use crate::support::block_on;

    /// Revision `revision` of release `web` in `dev`, whose manifest holds these `Kind/name`
    /// objects (all in `v1`). For the tests of the release use cases.
    pub(in crate::action) fn record(revision: u64, status: Status, objects: &[&str]) -> Release {
        let manifest = objects
            .iter()
            .map(|object| {
                let (kind, name) = object.split_once('/').expect("Kind/name");
                format!("---\napiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n")
            })
            .collect();
        Release {
            name: "web".into(),
            namespace: "dev".into(),
            revision,
            status,
            chart: ChartInfo::default(),
            config: serde_json::Value::Null,
            computed_values: serde_json::Value::Null,
            manifest,
            notes: String::new(),
            description: String::new(),
            first_deployed: "2026-01-01T00:00:00Z".into(),
            last_deployed: "2026-01-01T00:00:00Z".into(),
            deleted: None,
            labels: IndexMap::new(),
            created_namespace: false,
            hooks: Vec::new(),
            env: None,
            provenance: None,
        }
    }

    /// An in-memory store holding `records`.
    pub(in crate::action) fn seeded(records: &[Release]) -> MemoryStore {
        let store = MemoryStore::new();
        block_on(async {
            for record in records {
                store.create(record).await.unwrap();
            }
        });
        store
    }

    fn names(objects: &[Object]) -> Vec<&str> {
        objects.iter().map(Object::name).collect()
    }

    fn statuses(store: &MemoryStore) -> Vec<(u64, Status)> {
        block_on(history_of(store, "dev", "web"))
            .unwrap()
            .iter()
            .map(|r| (r.revision, r.status))
            .collect()
    }

    #[test]
    fn the_inventory_is_the_deployed_revision_and_newer_failed_or_interrupted_ones() {
        let store = seeded(&[
            record(1, Status::Superseded, &["ConfigMap/old"]),
            record(2, Status::Deployed, &["ConfigMap/a", "ConfigMap/b"]),
            record(3, Status::Failed, &["ConfigMap/b", "ConfigMap/c"]),
            record(4, Status::PendingUpgrade, &["ConfigMap/d"]),
        ]);
        let revisions = block_on(history_of(&store, "dev", "web")).unwrap();
        let found = block_on(inventory(&store, &revisions, None)).unwrap();
        let mut all = names(&found.objects);
        all.sort_unstable();
        assert_eq!(
            all,
            ["a", "b", "c", "d"],
            "each object once; superseded ones left out"
        );
        assert_eq!(names(&found.deployed), ["a", "b"]);
        // A record the caller has read already is used as it is, not fetched again.
        let known = record(2, Status::Deployed, &["ConfigMap/known"]);
        let found = block_on(inventory(&store, &revisions, Some(&known))).unwrap();
        assert_eq!(names(&found.deployed), ["known"]);
    }

    #[test]
    fn a_release_with_nothing_deployed_has_the_failed_revisions_in_its_inventory() {
        let store = seeded(&[
            record(1, Status::Failed, &["ConfigMap/a"]),
            record(2, Status::Failed, &["ConfigMap/b"]),
        ]);
        let revisions = block_on(history_of(&store, "dev", "web")).unwrap();
        let found = block_on(inventory(&store, &revisions, None)).unwrap();
        assert_eq!(names(&found.objects), ["b", "a"]);
        assert!(found.deployed.is_empty());
    }

    #[test]
    fn a_deployed_revision_supersedes_the_others_and_history_is_pruned_to_its_maximum() {
        let store = seeded(&[
            record(1, Status::Superseded, &[]),
            record(2, Status::Deployed, &[]),
            record(3, Status::Failed, &[]),
            record(4, Status::Deployed, &[]),
        ]);
        block_on(finish_history(&store, "dev", "web", 4, 3)).unwrap();
        assert_eq!(
            statuses(&store),
            [
                (2, Status::Superseded),
                (3, Status::Failed),
                (4, Status::Deployed)
            ]
        );
        block_on(finish_history(&store, "dev", "web", 4, 0)).unwrap();
        assert_eq!(statuses(&store).len(), 3, "0 keeps every revision");
    }

    #[test]
    fn a_revision_left_pending_is_marked_failed_and_says_why() {
        let mut upgrade = record(2, Status::PendingUpgrade, &[]);
        upgrade.description = "nightly".into();
        let store = seeded(&[record(1, Status::PendingInstall, &[]), upgrade]);
        for summary in block_on(history_of(&store, "dev", "web")).unwrap() {
            block_on(settle_interrupted(&store, &summary)).unwrap();
        }
        assert_eq!(statuses(&store), [(1, Status::Failed), (2, Status::Failed)]);
        let description = |revision| {
            block_on(store.get("dev", "web", revision))
                .unwrap()
                .description
        };
        assert_eq!(
            description(1),
            "Interrupted: the operation stopped before it finished"
        );
        assert_eq!(
            description(2),
            "nightly (interrupted: the operation stopped before it finished)"
        );
        // A revision that finished is not touched.
        let store = seeded(&[record(1, Status::Deployed, &[])]);
        let summary = block_on(history_of(&store, "dev", "web"))
            .unwrap()
            .remove(0);
        block_on(settle_interrupted(&store, &summary)).unwrap();
        assert_eq!(statuses(&store), [(1, Status::Deployed)]);
    }

    /// Regression: the hint after an interrupt said "run the upgrade again" whatever was
    /// interrupted.
    #[test]
    fn the_interrupt_hint_names_the_operation_that_was_interrupted() {
        let hint = |status| interrupted_hint("web", status);
        assert!(hint(Some(Status::PendingInstall)).starts_with("run the install again"));
        assert!(hint(Some(Status::PendingUpgrade)).starts_with("run the upgrade again"));
        assert!(hint(Some(Status::PendingRollback)).starts_with("run `charts rollback web` again"));
        assert!(hint(Some(Status::Deployed)).starts_with("run `charts uninstall web` again"));
        assert!(!hint(None).contains("upgrade"));
    }

    #[test]
    fn a_release_that_does_not_exist_has_no_history() {
        assert!(
            block_on(history_of(&MemoryStore::new(), "dev", "web"))
                .unwrap()
                .is_empty()
        );
    }
}
