//! The release use cases: install, upgrade, rollback, uninstall and status. Each one takes the
//! release's lock, reads its history from the store, applies or deletes objects through the
//! `Applier`, and records a revision, so that a failure leaves a `failed` revision that says what
//! went wrong and that the next upgrade or rollback recovers from.

use std::collections::HashSet;
use std::time::Duration;

use indexmap::IndexMap;
use serde_json::Value;

use crate::chart::Chart;
use crate::cluster::Cluster;
use crate::cluster::apply::{
    Applier, ApplyOptions, DeleteReport, ObjectKey, ObjectStatus, Progress,
};
use crate::error::{Error, Result};
use crate::release::store::{ListQuery, Store};
use crate::release::{ChartInfo, Release, ReleaseSummary, Status, history, lock};
use crate::render::{self, Object, RenderOptions, Rendered};
use crate::values::{self, SourceReader, UserValueOptions};

/// How long an operation's lock lives without renewal: a crashed operation frees the release
/// after this long.
pub const LOCK_TTL: Duration = Duration::from_secs(60);
/// How long to wait for CRDs from `crds/` to become Established.
pub const CRD_TIMEOUT: Duration = Duration::from_secs(60);

/// `--dry-run[=client|server]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRun {
    #[default]
    None,
    /// Render only; the cluster is not asked to write anything.
    Client,
    /// Every object is sent with `dryRun=All`: the API server validates, nothing is stored.
    Server,
}

/// What install and upgrade share.
#[derive(Debug, Clone, Default)]
pub struct DeploySettings {
    pub release: String,
    pub chart: std::path::PathBuf,
    pub values: UserValueOptions,
    pub description: Option<String>,
    pub labels: IndexMap<String, String>,
    pub create_namespace: bool,
    pub dry_run: DryRun,
    pub take_ownership: bool,
    pub force_conflicts: bool,
    pub skip_crds: bool,
    /// Deploy although the chart has hooks, which this version does not run.
    pub no_hooks: bool,
    pub skip_schema_validation: bool,
    /// Wait until every object is ready, at most this long.
    pub wait: Option<Duration>,
    /// Revisions to keep (0 = all).
    pub history_max: usize,
    /// Upgrade: lay the previous revision's user values under this command's.
    pub reuse_values: bool,
    /// Upgrade: install when the release does not exist.
    pub install: bool,
    pub kube_version: Option<String>,
    pub progress: Option<Progress>,
}

/// What install or upgrade did.
#[derive(Debug)]
pub struct DeployOutcome {
    pub release: Release,
    /// Which values were used, in words.
    pub values_used: String,
    pub applied: usize,
    pub pruned: DeleteReport,
    /// `--dry-run`: nothing was recorded.
    pub dry_run: DryRun,
    /// The namespace was created by this operation.
    pub created_namespace: bool,
    /// Hooks the chart has, which this version does not run: `<source> (<events>)`.
    pub skipped_hooks: Vec<String>,
    /// Things that went wrong after the revision was recorded deployed.
    pub warnings: Vec<String>,
}

fn now() -> String {
    crate::support::clock::now_rfc3339()
}

/// The rendered objects as a stored manifest: Helm's `---` + `# Source:` documents.
pub fn manifest_text(objects: &[Object]) -> Result<String> {
    let mut text = String::new();
    for object in objects {
        text.push_str("---\n# Source: ");
        text.push_str(&object.source);
        text.push('\n');
        crate::yaml::push_document(&mut text, &object.value)
            .map_err(|e| Error::message(format!("cannot write YAML: {e}")))?;
    }
    Ok(text)
}

/// The objects of a stored manifest, in the order they were stored (install order).
pub fn manifest_objects(release: &Release) -> Result<Vec<Object>> {
    let source = format!("release `{}` revision {}", release.name, release.revision);
    Ok(render::manifest::parse_documents(
        &source,
        &release.manifest,
    )?)
}

fn chart_digest(chart: &Chart, path: &std::path::Path) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    match std::fs::read(path) {
        Ok(bytes) if path.is_file() => hasher.update(&bytes),
        _ => {
            hasher.update(&chart.chart_yaml);
            for file in &chart.files {
                hasher.update(file.name.as_bytes());
                hasher.update([0]);
                hasher.update(&file.data);
            }
        }
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

/// Summaries of one release's revisions, oldest first.
async fn history_of(
    store: &impl Store,
    namespace: &str,
    name: &str,
) -> Result<Vec<ReleaseSummary>> {
    match store.history(namespace, name).await {
        Err(crate::release::store::Error::ReleaseNotFound { .. }) => Ok(Vec::new()),
        other => Ok(other?),
    }
}

/// The objects the release may have in the cluster: those of the deployed revision and of every
/// newer revision that failed or was interrupted part-way (they may have applied some objects).
/// `known` is a record the caller has read already; it is not fetched again.
async fn inventory(
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
    crate::render::manifest::sort_install_order(&mut objects);
    Ok(Inventory {
        objects,
        deployed: deployed_objects,
    })
}

/// What a release may have in the cluster.
struct Inventory {
    /// Objects of the deployed revision and of newer failed or interrupted ones: what pruning
    /// considers (it only ever deletes objects still marked as this release's).
    objects: Vec<Object>,
    /// Objects of the deployed revision: the release's own even if their marks were lost.
    deployed: Vec<Object>,
}

impl Inventory {
    fn deployed_keys(&self, applier: &Applier) -> HashSet<ObjectKey> {
        self.deployed.iter().map(|o| applier.key_of(o)).collect()
    }

    /// Objects not among `kept` (the keys just applied), to delete.
    fn leftovers(self, applier: &Applier, kept: &[ObjectKey]) -> Vec<Object> {
        let kept: HashSet<&ObjectKey> = kept.iter().collect();
        self.objects
            .into_iter()
            .filter(|o| !kept.contains(&applier.key_of(o)))
            .collect()
    }
}

/// A revision left `pending-*` by an operation that died: the lock was free, so nobody is
/// working on it. Marks it failed so that history tells the truth.
async fn settle_interrupted(store: &impl Store, summary: &ReleaseSummary) -> Result<()> {
    if !summary.status.is_pending() {
        return Ok(());
    }
    mark_interrupted(
        store,
        summary,
        "interrupted: the operation stopped before it finished",
    )
    .await
}

/// Marks a revision that an operation left part-way as failed, saying why.
async fn mark_interrupted(store: &impl Store, summary: &ReleaseSummary, why: &str) -> Result<()> {
    let mut record = store
        .get(&summary.namespace, &summary.name, summary.revision)
        .await?;
    record.status = Status::Failed;
    record.description = if record.description.is_empty() {
        let mut why = why.to_string();
        if let Some(first) = why.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        why
    } else {
        format!("{} ({why})", record.description)
    };
    store.update(&record).await?;
    Ok(())
}

/// Takes the release's lock; a namespace that does not exist is said plainly (the Lease lives
/// there, so this is the first request that notices).
async fn take_lock(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    deploying: bool,
) -> Result<lock::LockGuard> {
    match lock::acquire(cluster, namespace, name, &lock::default_holder(), LOCK_TTL).await {
        Ok(guard) => Ok(guard),
        Err(lock::Error::Cluster(error))
            if matches!(
                error.kind(),
                crate::cluster::ErrorKind::Api { code: 404, reason, .. } if reason == "NotFound"
            ) =>
        {
            let hint = if deploying {
                "pass `--create-namespace` to create it, or check `-n` and `--kube-context`"
                    .to_string()
            } else {
                format!("release `{name}` cannot be there; `charts list -A` shows every namespace")
            };
            Err(Error::with_hint(
                format!(
                    "namespace `{namespace}` does not exist on `{}`",
                    cluster.server
                ),
                hint,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// Releases the lock after an operation. The operation's own error comes first; a lease that
/// could not be deleted expires anyway.
async fn unlock<T>(guard: Option<lock::LockGuard>, result: Result<T>) -> Result<T> {
    let released = match guard {
        Some(guard) => guard.release().await,
        None => Ok(()),
    };
    let value = result?;
    released?;
    Ok(value)
}

/// Runs `operation` holding the release's lock (none for a dry run, which changes nothing):
/// takes the lock, runs the operation until it ends or the process is asked to stop (see
/// [`until_stopped`]), and releases the lock either way.
async fn with_lock<T>(
    cluster: &Cluster,
    store: &impl Store,
    namespace: &str,
    name: &str,
    dry_run: bool,
    deploying: bool,
    operation: impl AsyncFnOnce(Option<&lock::LockGuard>) -> Result<T>,
) -> Result<T> {
    let guard = if dry_run {
        None
    } else {
        Some(take_lock(cluster, namespace, name, deploying).await?)
    };
    let result = until_stopped(
        store,
        namespace,
        name,
        guard.is_some(),
        operation(guard.as_ref()),
    )
    .await;
    unlock(guard, result).await
}

/// Resolves when the process is asked to stop: Ctrl-C, or SIGTERM (a cancelled CI job).
async fn stop_requested() -> &'static str {
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = async {
            match terminate.as_mut() {
                Some(signal) => { signal.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => "SIGTERM",
    }
}

/// Runs a locked operation; if the process is asked to stop first, the operation is dropped
/// (requests in flight are abandoned; server-side apply makes re-sending them harmless), the
/// revision it left pending is marked failed, and the caller releases the lock, so the next
/// command can go on at once instead of waiting for the lease to expire.
async fn until_stopped<T>(
    store: &impl Store,
    namespace: &str,
    name: &str,
    locked: bool,
    operation: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let signal = tokio::select! {
        result = operation => return result,
        signal = stop_requested() => signal,
    };
    let mut recorded = String::new();
    // Without the lock (a dry run), a pending revision belongs to someone else's operation.
    if locked
        && let Ok(revisions) = history_of(store, namespace, name).await
        && let Some(latest) = revisions
            .last()
            .filter(|r| r.status.is_pending() || r.status == Status::Uninstalling)
        && mark_interrupted(store, latest, &format!("interrupted by {signal}"))
            .await
            .is_ok()
    {
        recorded = format!("; revision {} is marked failed", latest.revision);
    }
    Err(Error::with_hint(
        format!(
            "interrupted by {signal}: release `{name}` in namespace `{namespace}` was left part-way{recorded}"
        ),
        format!(
            "run the upgrade again, or `charts rollback {name}` to go back to the last good revision"
        ),
    ))
}

/// Marks every other deployed revision superseded and prunes history beyond `history_max`.
async fn finish_history(
    store: &impl Store,
    namespace: &str,
    name: &str,
    current: u64,
    history_max: usize,
) -> Result<()> {
    let mut revisions = history_of(store, namespace, name).await?;
    for summary in &mut revisions {
        if summary.revision != current && summary.status == Status::Deployed {
            let mut record = store.get(namespace, name, summary.revision).await?;
            record.status = Status::Superseded;
            store.update(&record).await?;
            summary.status = Status::Superseded;
        }
    }
    for revision in history::revisions_to_prune(&revisions, history_max) {
        store.delete(namespace, name, revision).await?;
    }
    Ok(())
}

fn render_for(
    settings: &DeploySettings,
    chart: &Chart,
    user_values: Value,
    namespace: &str,
    revision: u64,
    is_upgrade: bool,
) -> Result<Rendered> {
    Ok(render::render(
        chart,
        user_values,
        &RenderOptions {
            release_name: settings.release.clone(),
            namespace: namespace.to_string(),
            revision,
            is_upgrade,
            kube_version: settings
                .kube_version
                .clone()
                .unwrap_or_else(|| render::DEFAULT_KUBE_VERSION.to_string()),
            api_versions: Vec::new(),
            skip_schema_validation: settings.skip_schema_validation,
            verbatim: false,
        },
    )?)
}

/// The non-test hooks a render produced (tests run with `charts test`, not here).
fn hook_names(rendered: &Rendered) -> Vec<String> {
    rendered
        .hooks
        .iter()
        .filter(|hook| {
            hook.hook_events()
                .iter()
                .any(|e| e != "test" && e != "test-success")
        })
        .map(|hook| format!("{} ({})", hook.display_name(), hook.hook_events().join(",")))
        .collect()
}

fn describe_values(options: &UserValueOptions, reused: Option<u64>) -> String {
    let mut parts = vec!["the chart's defaults".to_string()];
    if let Some(revision) = reused {
        parts.push(format!(
            "the user values of revision {revision} (--reuse-values)"
        ));
    }
    for file in &options.values_files {
        parts.push(format!("-f {file}"));
    }
    for (flag, list) in [
        ("--set-json", &options.set_json),
        ("--set", &options.set),
        ("--set-string", &options.set_string),
        ("--set-file", &options.set_file),
        ("--set-literal", &options.set_literal),
    ] {
        for item in list {
            parts.push(format!("{flag} {item}"));
        }
    }
    parts.join(", ")
}

/// Renders without touching the cluster (`--dry-run=client`), for install and upgrade.
pub fn render_offline(
    settings: &DeploySettings,
    namespace: &str,
    reader: &dyn SourceReader,
) -> Result<DeployOutcome> {
    crate::release::validate_name(&settings.release).map_err(Error::Usage)?;
    let chart = crate::chart::load(&settings.chart)?;
    let user_values = values::compose_user_values(&settings.values, reader)?;
    let rendered = render_for(settings, &chart, user_values.clone(), namespace, 1, false)?;
    let release = new_record(
        settings,
        &chart,
        &rendered,
        user_values,
        namespace,
        1,
        Status::PendingInstall,
    )?;
    Ok(DeployOutcome {
        release,
        values_used: describe_values(&settings.values, None),
        applied: 0,
        pruned: DeleteReport::default(),
        dry_run: DryRun::Client,
        created_namespace: false,
        skipped_hooks: hook_names(&rendered),
        warnings: Vec::new(),
    })
}

fn new_record(
    settings: &DeploySettings,
    chart: &Chart,
    rendered: &Rendered,
    config: Value,
    namespace: &str,
    revision: u64,
    status: Status,
) -> Result<Release> {
    let now = now();
    Ok(Release {
        name: settings.release.clone(),
        namespace: namespace.to_string(),
        revision,
        status,
        chart: ChartInfo {
            name: chart.metadata.name.clone(),
            version: chart.metadata.version.clone(),
            app_version: chart.metadata.app_version.clone().unwrap_or_default(),
            digest: chart_digest(chart, &settings.chart),
        },
        config,
        computed_values: rendered.values.clone(),
        manifest: manifest_text(&rendered.objects)?,
        notes: rendered.notes.clone().unwrap_or_default(),
        description: settings.description.clone().unwrap_or_default(),
        first_deployed: now.clone(),
        last_deployed: now,
        deleted: None,
        labels: settings.labels.clone(),
        created_namespace: false,
    })
}

/// `install`, and `upgrade` (with `--install` when the release is new).
pub async fn deploy(
    cluster: &Cluster,
    store: &impl Store,
    settings: &DeploySettings,
    upgrade: bool,
    reader: &dyn SourceReader,
) -> Result<DeployOutcome> {
    crate::release::validate_name(&settings.release).map_err(Error::Usage)?;
    let namespace = cluster.namespace.clone();
    let name = settings.release.as_str();
    // The lock lives in the namespace, so the namespace comes first.
    let created_namespace = settings.create_namespace
        && settings.dry_run == DryRun::None
        && crate::cluster::namespace::ensure(cluster, &namespace, name).await?;
    with_lock(
        cluster,
        store,
        &namespace,
        name,
        settings.dry_run != DryRun::None,
        true,
        async |guard| {
            deploy_locked(
                cluster,
                store,
                settings,
                upgrade,
                reader,
                Operation {
                    namespace: &namespace,
                    created_namespace,
                    guard,
                },
            )
            .await
        },
    )
    .await
}

/// Where a locked deploy runs.
struct Operation<'a> {
    namespace: &'a str,
    created_namespace: bool,
    guard: Option<&'a lock::LockGuard>,
}

async fn deploy_locked(
    cluster: &Cluster,
    store: &impl Store,
    settings: &DeploySettings,
    upgrade: bool,
    reader: &dyn SourceReader,
    operation: Operation<'_>,
) -> Result<DeployOutcome> {
    let Operation {
        namespace,
        created_namespace,
        guard,
    } = operation;
    // Before each irreversible step: stop if another operation has taken the release over.
    let still_locked = || guard.map_or(Ok(()), lock::LockGuard::check);
    let name = settings.release.as_str();
    let revisions = history_of(store, namespace, name).await?;
    let latest = revisions.last().cloned();
    let is_upgrade = match (&latest, upgrade) {
        (None, true) if !settings.install => {
            return Err(Error::with_hint(
                format!(
                    "release `{name}` not found in namespace `{namespace}`, so there is nothing to upgrade"
                ),
                format!(
                    "install it with `charts install {name} CHART`, or pass `--install` to upgrade"
                ),
            ));
        }
        (None, _) => false,
        (Some(latest), false) => {
            let deployed = revisions
                .iter()
                .rev()
                .find(|r| r.status == Status::Deployed);
            if let Some(deployed) = deployed {
                let state = if deployed.revision == latest.revision {
                    format!("revision {}, deployed", latest.revision)
                } else {
                    format!(
                        "revision {} is deployed; the latest, {}, is {}",
                        deployed.revision, latest.revision, latest.status
                    )
                };
                return Err(Error::with_hint(
                    format!("release `{name}` already exists in namespace `{namespace}` ({state})"),
                    format!("upgrade it with `charts upgrade {name} CHART`, or pick another name"),
                ));
            }
            if !(latest.status == Status::Uninstalled
                || latest.status == Status::Failed
                || latest.status.is_pending())
            {
                return Err(Error::with_hint(
                    format!(
                        "release `{name}` already exists in namespace `{namespace}` (revision {}, {})",
                        latest.revision, latest.status
                    ),
                    format!("upgrade it with `charts upgrade {name} CHART`, or pick another name"),
                ));
            }
            // A new install over an uninstalled or failed release continues its numbering.
            false
        }
        (Some(latest), true) => latest.status != Status::Uninstalled,
    };
    if let Some(latest) = latest.as_ref().filter(|_| settings.dry_run == DryRun::None) {
        settle_interrupted(store, latest).await?;
    }
    let revision = latest.as_ref().map(|l| l.revision + 1).unwrap_or(1);

    // The revision whose user values `--reuse-values` means: the deployed one, else the latest.
    let base = revisions
        .iter()
        .rev()
        .find(|r| r.status == Status::Deployed)
        .or(latest.as_ref())
        .cloned();
    let base_record = match (&base, is_upgrade) {
        (Some(base), true) => Some(store.get(namespace, name, base.revision).await?),
        _ => None,
    };

    let chart = crate::chart::load(&settings.chart)?;
    let mut user_values = values::compose_user_values(&settings.values, reader)?;
    let mut reused = None;
    if let Some(base) = base_record.as_ref().filter(|_| settings.reuse_values) {
        let mut previous = base.config.clone();
        values::merge(&mut previous, user_values);
        user_values = previous;
        reused = Some(base.revision);
    }
    let rendered = render_for(
        settings,
        &chart,
        user_values.clone(),
        namespace,
        revision,
        is_upgrade,
    )?;
    let status = if is_upgrade {
        Status::PendingUpgrade
    } else {
        Status::PendingInstall
    };
    let mut record = new_record(
        settings,
        &chart,
        &rendered,
        user_values,
        namespace,
        revision,
        status,
    )?;
    if let Some(base) = &base_record {
        let mut labels = base.labels.clone();
        labels.extend(settings.labels.clone());
        record.labels = labels;
        record.first_deployed = base.first_deployed.clone();
        record.created_namespace = base.created_namespace;
    }
    let values_used = describe_values(&settings.values, reused);
    let skipped_hooks = hook_names(&rendered);
    if !skipped_hooks.is_empty() && !settings.no_hooks && settings.dry_run != DryRun::Client {
        // A chart ported from Helm may rely on a pre-upgrade migration Job: deploying without it
        // must be a decision, not a surprise.
        return Err(Error::with_hint(
            format!(
                "chart `{}` has hooks, which this version of charts does not run: {}",
                chart.metadata.name,
                skipped_hooks.join(", ")
            ),
            "pass `--no-hooks` to deploy without them, or run their work another way first",
        ));
    }
    if settings.dry_run == DryRun::Client {
        // Read the history, render as the real command would, change nothing.
        return Ok(DeployOutcome {
            release: record,
            values_used,
            applied: 0,
            pruned: DeleteReport::default(),
            dry_run: DryRun::Client,
            created_namespace: false,
            skipped_hooks,
            warnings: Vec::new(),
        });
    }

    let mut applier = Applier::new(
        cluster,
        ApplyOptions {
            dry_run: settings.dry_run == DryRun::Server,
            force_conflicts: settings.force_conflicts,
            take_ownership: settings.take_ownership,
            progress: settings.progress.clone(),
            ..ApplyOptions::new(name, namespace)
        },
    )
    .await?;
    let inventory = inventory(store, &revisions, base_record.as_ref()).await?;
    let previous = inventory.deployed_keys(&applier);

    if settings.dry_run == DryRun::Server {
        if !settings.skip_crds {
            applier.install_crds(&rendered.crds, CRD_TIMEOUT).await?;
        }
        let applied = applier
            .apply(&rendered.objects, &previous, CRD_TIMEOUT)
            .await?;
        return Ok(DeployOutcome {
            applied: applied.len(),
            release: record,
            values_used,
            pruned: DeleteReport::default(),
            dry_run: DryRun::Server,
            created_namespace: false,
            skipped_hooks,
            warnings: Vec::new(),
        });
    }

    record.created_namespace |= created_namespace;
    still_locked()?;
    store.create(&record).await?;

    let verb = if is_upgrade { "Upgrade" } else { "Install" };
    let outcome: Result<(usize, DeleteReport)> = async {
        if !settings.skip_crds {
            applier.install_crds(&rendered.crds, CRD_TIMEOUT).await?;
        }
        let applied = applier
            .apply(&rendered.objects, &previous, CRD_TIMEOUT)
            .await?;
        still_locked()?;
        let leftovers = inventory.leftovers(&applier, &applied);
        let pruned = applier.delete(&leftovers, None).await?;
        if let Some(timeout) = settings.wait {
            let refs: Vec<&Object> = rendered.objects.iter().collect();
            applier.wait_ready(&refs, timeout).await?;
        }
        still_locked()?;
        Ok((applied.len(), pruned))
    }
    .await;

    match outcome {
        Ok((applied, pruned)) => {
            record.status = Status::Deployed;
            if settings.description.is_none() {
                record.description = format!("{verb} complete");
            }
            record.last_deployed = now();
            store.update(&record).await?;
            // The revision is deployed: bookkeeping of older ones is worth a warning, not a
            // failure.
            let warnings = finish_history(store, namespace, name, revision, settings.history_max)
                .await
                .err()
                .map(|e| {
                    format!("revision {revision} is deployed, but tidying the history failed: {e}")
                })
                .into_iter()
                .collect();
            Ok(DeployOutcome {
                release: record,
                values_used,
                applied,
                pruned,
                dry_run: DryRun::None,
                created_namespace,
                skipped_hooks,
                warnings,
            })
        }
        Err(error) => {
            record.status = Status::Failed;
            record.description = format!("{verb} failed: {}", error_summary(&error));
            record.last_deployed = now();
            // If even this fails, the revision stays pending and the next operation marks it
            // failed; the user needs the original error more.
            let _ = store.update(&record).await;
            Err(error)
        }
    }
}

/// One line for a release description.
fn error_summary(error: &Error) -> String {
    let text = error.to_string();
    text.lines().next().unwrap_or_default().to_string()
}

/// `rollback NAME [REVISION]`.
#[derive(Debug, Clone, Default)]
pub struct RollbackSettings {
    pub release: String,
    /// `None`: the newest good revision before the current one.
    pub revision: Option<u64>,
    pub description: Option<String>,
    pub wait: Option<Duration>,
    pub history_max: usize,
    pub force_conflicts: bool,
    pub take_ownership: bool,
    pub dry_run: bool,
    pub progress: Option<Progress>,
}

#[derive(Debug)]
pub struct RollbackOutcome {
    pub release: Release,
    pub target: u64,
    pub applied: usize,
    pub pruned: DeleteReport,
    /// Things that went wrong after the revision was recorded deployed.
    pub warnings: Vec<String>,
}

/// Re-applies a stored revision's manifest (no chart, no repository, no render) as a new
/// revision, and removes what that revision did not have.
pub async fn rollback(
    cluster: &Cluster,
    store: &impl Store,
    settings: &RollbackSettings,
) -> Result<RollbackOutcome> {
    let namespace = cluster.namespace.clone();
    let name = settings.release.as_str();
    with_lock(
        cluster,
        store,
        &namespace,
        name,
        settings.dry_run,
        false,
        async |guard| rollback_locked(cluster, store, settings, &namespace, guard).await,
    )
    .await
}

async fn rollback_locked(
    cluster: &Cluster,
    store: &impl Store,
    settings: &RollbackSettings,
    namespace: &str,
    guard: Option<&lock::LockGuard>,
) -> Result<RollbackOutcome> {
    let still_locked = || guard.map_or(Ok(()), lock::LockGuard::check);
    let name = settings.release.as_str();
    let revisions = store.history(namespace, name).await?;
    let latest = revisions.last().cloned().expect("history is never empty");
    let target = match settings.revision {
        Some(revision) => revision,
        None => history::rollback_target(&revisions).ok_or_else(|| {
            Error::with_hint(
                format!("release `{name}` has no earlier good revision to roll back to"),
                format!("`charts history {name}` lists its revisions; pass one explicitly"),
            )
        })?,
    };
    let target_record = store.get(namespace, name, target).await?;
    if !settings.dry_run {
        settle_interrupted(store, &latest).await?;
    }
    let revision = latest.revision + 1;
    let objects = manifest_objects(&target_record)?;
    let mut record = target_record.clone();
    record.revision = revision;
    record.status = Status::PendingRollback;
    record.description = settings
        .description
        .clone()
        .unwrap_or_else(|| format!("Rollback to {target}"));
    record.last_deployed = now();
    record.deleted = None;

    let mut applier = Applier::new(
        cluster,
        ApplyOptions {
            dry_run: settings.dry_run,
            force_conflicts: settings.force_conflicts,
            take_ownership: settings.take_ownership,
            progress: settings.progress.clone(),
            ..ApplyOptions::new(name, namespace)
        },
    )
    .await?;
    let inventory = inventory(store, &revisions, Some(&target_record)).await?;
    let previous = inventory.deployed_keys(&applier);
    if settings.dry_run {
        let applied = applier.apply(&objects, &previous, CRD_TIMEOUT).await?;
        return Ok(RollbackOutcome {
            release: record,
            target,
            applied: applied.len(),
            pruned: DeleteReport::default(),
            warnings: Vec::new(),
        });
    }
    still_locked()?;
    store.create(&record).await?;
    let outcome: Result<(usize, DeleteReport)> = async {
        let applied = applier.apply(&objects, &previous, CRD_TIMEOUT).await?;
        still_locked()?;
        let leftovers = inventory.leftovers(&applier, &applied);
        let pruned = applier.delete(&leftovers, None).await?;
        if let Some(timeout) = settings.wait {
            let refs: Vec<&Object> = objects.iter().collect();
            applier.wait_ready(&refs, timeout).await?;
        }
        still_locked()?;
        Ok((applied.len(), pruned))
    }
    .await;
    match outcome {
        Ok((applied, pruned)) => {
            record.status = Status::Deployed;
            store.update(&record).await?;
            let warnings = finish_history(store, namespace, name, revision, settings.history_max)
                .await
                .err()
                .map(|e| {
                    format!("revision {revision} is deployed, but tidying the history failed: {e}")
                })
                .into_iter()
                .collect();
            Ok(RollbackOutcome {
                release: record,
                target,
                applied,
                pruned,
                warnings,
            })
        }
        Err(error) => {
            record.status = Status::Failed;
            record.description = format!("Rollback to {target} failed: {}", error_summary(&error));
            let _ = store.update(&record).await;
            Err(error)
        }
    }
}

/// `uninstall NAME`.
#[derive(Debug, Clone, Default)]
pub struct UninstallSettings {
    pub release: String,
    pub keep_history: bool,
    pub dry_run: bool,
    pub ignore_not_found: bool,
    pub wait: Option<Duration>,
    pub delete_namespace: bool,
    pub description: Option<String>,
    pub progress: Option<Progress>,
}

#[derive(Debug, Default)]
pub struct UninstallOutcome {
    pub found: bool,
    pub deleted: DeleteReport,
    /// The namespace was deleted too, or why not.
    pub namespace_deleted: bool,
    pub namespace_note: Option<String>,
}

pub async fn uninstall(
    cluster: &Cluster,
    store: &impl Store,
    settings: &UninstallSettings,
) -> Result<UninstallOutcome> {
    let namespace = cluster.namespace.clone();
    let name = settings.release.as_str();
    let mut outcome = with_lock(
        cluster,
        store,
        &namespace,
        name,
        settings.dry_run,
        false,
        async |guard| uninstall_locked(cluster, store, settings, &namespace, guard).await,
    )
    .await?;
    if settings.delete_namespace && outcome.found && !settings.dry_run {
        delete_namespace_if_ours(cluster, store, &namespace, name, &mut outcome).await?;
    }
    Ok(outcome)
}

async fn uninstall_locked(
    cluster: &Cluster,
    store: &impl Store,
    settings: &UninstallSettings,
    namespace: &str,
    guard: Option<&lock::LockGuard>,
) -> Result<UninstallOutcome> {
    let still_locked = || guard.map_or(Ok(()), lock::LockGuard::check);
    let name = settings.release.as_str();
    let revisions = history_of(store, namespace, name).await?;
    let Some(latest) = revisions.last().cloned() else {
        if settings.ignore_not_found {
            return Ok(UninstallOutcome::default());
        }
        return Err(crate::release::store::Error::ReleaseNotFound {
            name: name.to_string(),
            namespace: namespace.to_string(),
        }
        .into());
    };
    if latest.status == Status::Uninstalled && settings.keep_history {
        if settings.ignore_not_found {
            return Ok(UninstallOutcome::default());
        }
        return Err(Error::with_hint(
            format!("release `{name}` in namespace `{namespace}` is already uninstalled"),
            "its history is kept; `charts uninstall` without `--keep-history` removes it",
        ));
    }
    let mut record = store.get(namespace, name, latest.revision).await?;
    let mut objects = inventory(store, &revisions, Some(&record)).await?.objects;
    if latest.status != Status::Uninstalled {
        let known: HashSet<ObjectKey> = objects.iter().map(ObjectKey::of).collect();
        for object in manifest_objects(&record)? {
            if !known.contains(&ObjectKey::of(&object)) {
                objects.push(object);
            }
        }
        crate::render::manifest::sort_install_order(&mut objects);
    }
    let applier = Applier::new(
        cluster,
        ApplyOptions {
            dry_run: settings.dry_run,
            progress: settings.progress.clone(),
            ..ApplyOptions::new(name, namespace)
        },
    )
    .await?;
    if settings.dry_run {
        let deleted = applier.delete(&objects, None).await?;
        return Ok(UninstallOutcome {
            found: true,
            deleted,
            ..Default::default()
        });
    }
    let previous_status = record.status;
    let previous_description = record.description.clone();
    still_locked()?;
    if latest.status != Status::Uninstalled {
        record.status = Status::Uninstalling;
        store.update(&record).await?;
    }
    let deleted = match applier.delete(&objects, settings.wait).await {
        Ok(report) => report,
        Err(error) => {
            // Put the status back (a deployed revision stays what rollback means by "the last
            // good one") and keep the reason in the description.
            record.status = previous_status;
            record.description = format!(
                "{previous_description} (uninstall failed: {})",
                error.to_string().lines().next().unwrap_or_default()
            );
            let _ = store.update(&record).await;
            return Err(error.into());
        }
    };
    still_locked()?;
    if settings.keep_history {
        record.status = Status::Uninstalled;
        record.deleted = Some(now());
        record.description = settings
            .description
            .clone()
            .unwrap_or_else(|| "Uninstallation complete".to_string());
        store.update(&record).await?;
        for summary in &revisions {
            if summary.revision != record.revision && summary.status == Status::Deployed {
                let mut old = store.get(namespace, name, summary.revision).await?;
                old.status = Status::Superseded;
                store.update(&old).await?;
            }
        }
    } else {
        for summary in &revisions {
            store.delete(namespace, name, summary.revision).await?;
        }
    }
    Ok(UninstallOutcome {
        found: true,
        deleted,
        namespace_deleted: false,
        namespace_note: None,
    })
}

/// `--delete-namespace`: deletes the namespace only if this release created it and nothing
/// else lives there any more (no other release, no object beyond what Kubernetes puts in every
/// namespace).
async fn delete_namespace_if_ours(
    cluster: &Cluster,
    store: &impl Store,
    namespace: &str,
    name: &str,
    outcome: &mut UninstallOutcome,
) -> Result<()> {
    use k8s_openapi::api::core::v1::Namespace;
    let api: kube::Api<Namespace> = kube::Api::all(cluster.client.clone());
    let Some(live) = crate::cluster::retry::retry(|| api.get_metadata_opt(namespace))
        .await
        .map_err(|e| {
            crate::cluster::Error::from_kube(e, cluster, "get", "namespaces", namespace)
        })?
    else {
        outcome.namespace_note = Some(format!("namespace `{namespace}` is already gone"));
        return Ok(());
    };
    let marker = live
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(crate::cluster::namespace::CREATED_FOR_ANNOTATION))
        .cloned();
    if marker.as_deref() != Some(&format!("{namespace}/{name}")) {
        outcome.namespace_note = Some(format!(
            "kept namespace `{namespace}`: release `{name}` did not create it"
        ));
        return Ok(());
    }
    let others = store
        .list(&ListQuery {
            namespace: Some(namespace.to_string()),
            ..ListQuery::default()
        })
        .await?;
    if let Some(other) = others.iter().find(|r| r.name != name) {
        outcome.namespace_note = Some(format!(
            "kept namespace `{namespace}`: release `{}` still lives there",
            other.name
        ));
        return Ok(());
    }
    if let Some(what) = crate::cluster::namespace::contents(cluster, namespace).await? {
        outcome.namespace_note = Some(format!(
            "kept namespace `{namespace}`: it still holds {what}"
        ));
        return Ok(());
    }
    let params = kube::api::DeleteParams::default();
    crate::cluster::retry::retry(|| api.delete(namespace, &params))
        .await
        .map_err(|e| {
            crate::cluster::Error::from_kube(e, cluster, "delete", "namespaces", namespace)
        })?;
    outcome.namespace_deleted = true;
    Ok(())
}

/// `status NAME [--revision N]`: the record and each of its objects as the cluster has it.
pub async fn status(
    cluster: &Cluster,
    store: &impl Store,
    name: &str,
    revision: Option<u64>,
) -> Result<(Release, Vec<ObjectStatus>)> {
    let namespace = cluster.namespace.clone();
    let record = match revision {
        Some(revision) => store.get(&namespace, name, revision).await?,
        None => store.latest(&namespace, name).await?,
    };
    let applier = Applier::new(cluster, ApplyOptions::new(name, &namespace)).await?;
    let objects = if record.status == Status::Uninstalled {
        Vec::new()
    } else {
        manifest_objects(&record)?
    };
    let statuses = applier.status(&objects).await?;
    Ok((record, statuses))
}
