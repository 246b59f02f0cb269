//! `install` and `upgrade`: find the chart, decide from the release's history what to do, render
//! the next revision, and take it into the cluster with the shared step of
//! [`super::operation`]. A failure leaves a `failed` revision that says what went wrong and that
//! the next upgrade or rollback recovers from.

pub mod decision;
pub mod source;

use std::time::Duration;

use indexmap::IndexMap;
use serde_json::Value;

use super::chart::{self, ChartSettings, LoadedChart};
use super::operation::{self, ApplySettings, HookEvents, Locking, Operation, Revision, with_lock};
use super::recover;
use super::rollback::RollbackSettings;
use super::uninstall::UninstallSettings;
use crate::cluster::Cluster;
use crate::cluster::apply::{DeleteReport, Progress};
use crate::error::{Error, Result};
use crate::hooks::Event;
use crate::release::store::Store;
use crate::release::{ChartInfo, Release, Status};
use crate::render::{self, RenderOptions, Rendered};
use crate::repo::ResolvedChart;
use crate::values::{self, SourceReader, UserValueOptions};
use decision::{Decision, Request};
pub use source::ChartSource;

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
    /// Name the release after the chart plus a timestamp (`release` is not used).
    pub generate_name: bool,
    /// Where the chart comes from; with [`ChartSource::Named`], `chart` names it.
    pub source: ChartSource,
    pub chart: ChartSettings,
    pub values: UserValueOptions,
    pub description: Option<String>,
    pub labels: IndexMap<String, String>,
    pub create_namespace: bool,
    pub dry_run: DryRun,
    pub take_ownership: bool,
    pub force_conflicts: bool,
    pub skip_crds: bool,
    /// Do not run the chart's hooks.
    pub no_hooks: bool,
    pub skip_schema_validation: bool,
    /// Wait until every object is ready, at most this long.
    pub wait: Option<Duration>,
    /// `--rollback-on-failure`: if the new revision fails, go back to the last good one (an
    /// install: uninstall what it created). See [`super::recover`].
    pub rollback_on_failure: bool,
    /// How long each hook may take; `None`: 5 minutes.
    pub timeout: Option<Duration>,
    /// Revisions to keep (0 = all).
    pub history_max: usize,
    /// Upgrade: lay the previous revision's user values under this command's.
    pub reuse_values: bool,
    /// Upgrade from the stored chart: this command's values only, even when it gives none
    /// (without it, no values means the previous revision's, as Helm does).
    pub reset_values: bool,
    /// Do not store the chart with the release (for benchmarks that measure what storing
    /// costs).
    pub skip_chart_store: bool,
    /// Upgrade: install when the release does not exist.
    pub install: bool,
    pub kube_version: Option<String>,
    pub progress: Option<Progress>,
    /// The environment deployed into (`--env`): shown to templates as `Env`, kept in the record.
    pub env: Option<crate::release::ReleaseEnv>,
    /// `--post-renderer`: the rendered objects go through this command before anything else.
    pub post_renderer: Option<render::post_render::PostRenderer>,
    /// `charts promote`: the revision's provenance, and the values it carries from the source.
    pub promotion: Option<super::promote::Promotion>,
    /// Upgrade: replace objects whose change hits a field that cannot change.
    pub force_replace: bool,
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
    /// Hooks not run because of `--no-hooks`: `<object> (<events>)`.
    pub skipped_hooks: Vec<String>,
    /// Things that went wrong after the revision was recorded deployed.
    pub warnings: Vec<String>,
}

/// The chart found, and the release it goes into named.
struct Prepared {
    name: String,
    /// The named chart, found (`None` for another [`ChartSource`]).
    resolved: Option<ResolvedChart>,
    /// Loaded already when the release is named after the chart, or given as a snapshot.
    loaded: Option<LoadedChart>,
}

/// Finds the chart and settles the release name (`--generate-name` needs the chart's name, so
/// the chart is loaded first then).
async fn prepare(settings: &DeploySettings) -> Result<Prepared> {
    let (resolved, mut loaded) = match &settings.source {
        ChartSource::Named => (Some(chart::resolve(&settings.chart).await?), None),
        ChartSource::Stored => (None, None),
        ChartSource::Snapshot(snapshot) => (None, Some(LoadedChart::clone(snapshot))),
    };
    let name = if settings.generate_name {
        if loaded.is_none()
            && let Some(resolved) = &resolved
        {
            loaded = Some(chart::load(resolved)?);
        }
        let Some(chart) = &loaded else {
            return Err(Error::Usage("`--generate-name` needs a chart".into()));
        };
        let seconds = crate::support::clock::now().as_second();
        format!("{}-{seconds}", chart.chart.name())
    } else {
        settings.release.clone()
    };
    crate::release::validate_name(&name).map_err(Error::Usage)?;
    Ok(Prepared {
        name,
        resolved,
        loaded,
    })
}

impl Prepared {
    /// The chart, unless it is the one stored with the release (read under the lock).
    fn load(self) -> Result<Option<LoadedChart>> {
        match (self.loaded, self.resolved) {
            (Some(loaded), _) => Ok(Some(loaded)),
            (None, Some(resolved)) => chart::load(&resolved).map(Some),
            (None, None) => Ok(None),
        }
    }
}

/// Renders revision 1 of an install without touching the cluster (`--dry-run=client`).
pub async fn render_offline(
    settings: &DeploySettings,
    namespace: &str,
    reader: &dyn SourceReader,
) -> Result<DeployOutcome> {
    let prepared = prepare(settings).await?;
    let name = prepared.name.clone();
    let chart = prepared
        .load()?
        .ok_or_else(|| Error::Usage("an install needs a chart".into()))?;
    let user_values = values::compose_user_values(&settings.values, reader)?;
    let target = Target {
        name: &name,
        namespace,
        decision: Decision {
            upgrade: false,
            revision: 1,
            base: None,
        },
    };
    let rendered = render_for(settings, &target, &chart, user_values.clone())?;
    let release = new_record(settings, &target, &chart, &rendered, user_values)?;
    Ok(DeployOutcome {
        release,
        values_used: describe_values(&settings.values, None),
        applied: 0,
        pruned: DeleteReport::default(),
        dry_run: DryRun::Client,
        created_namespace: false,
        skipped_hooks: skipped_hooks(settings, &rendered),
        warnings: Vec::new(),
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
    let prepared = prepare(settings).await?;
    let namespace = cluster.namespace.clone();
    let name = prepared.name.clone();
    // The lock lives in the namespace, so the namespace comes first.
    let created_namespace = settings.create_namespace
        && settings.dry_run == DryRun::None
        && crate::cluster::namespace::ensure(cluster, &namespace, &name).await?;
    let locking = match settings.dry_run {
        DryRun::None => Locking::Deploy,
        DryRun::Client | DryRun::Server => Locking::None,
    };
    let request = if upgrade {
        Request::Upgrade {
            install: settings.install,
        }
    } else {
        Request::Install
    };
    let result = with_lock(
        cluster,
        store,
        &namespace,
        &name,
        locking,
        async |operation| {
            let locked = Locked {
                request,
                prepared,
                created_namespace,
            };
            deploy_locked(operation, settings, locked, reader).await
        },
    )
    .await;
    match result {
        // The Lease lived in the namespace: it is deleted now, and so may the namespace be.
        Err(Error::Recovery(mut recovery)) if created_namespace => {
            if let Err(error) =
                recover::delete_created_namespace(cluster, store, &mut recovery).await
            {
                recovery.warnings.push(format!(
                    "namespace `{namespace}`, created for the install, could not be deleted: {error}"
                ));
            }
            Err(Error::Recovery(recovery))
        }
        other => other,
    }
}

/// What a deploy knows when it has the lock.
struct Locked {
    request: Request,
    prepared: Prepared,
    /// This command created the namespace (`--create-namespace`).
    created_namespace: bool,
}

async fn deploy_locked(
    operation: &Operation<'_, impl Store>,
    settings: &DeploySettings,
    locked: Locked,
    reader: &dyn SourceReader,
) -> Result<DeployOutcome> {
    let Locked {
        request,
        prepared,
        created_namespace,
    } = locked;
    let revisions = operation.history().await?;
    let decision = decision::decide(operation.name, operation.namespace, &revisions, request)?;
    if let Some(latest) = revisions
        .last()
        .filter(|_| settings.dry_run == DryRun::None)
    {
        operation.settle_interrupted(latest).await?;
    }
    let base = match decision.base {
        Some(revision) => Some(operation.record(revision).await?),
        None => None,
    };

    // The chart, and the revision it was stored with when it comes from the release itself.
    let (chart, stored_with) = match prepared.load()? {
        Some(chart) => (chart, None),
        None => {
            let (chart, from) = source::stored_chart(operation, &revisions, base.as_ref()).await?;
            (chart, Some(from))
        }
    };
    let values_base = stored_with.as_ref().or(base.as_ref());
    let (user_values, reused) = user_values(settings, reader, values_base)?;
    let target = Target {
        name: operation.name,
        namespace: operation.namespace,
        decision,
    };
    let rendered = render_for(settings, &target, &chart, user_values.clone())?;
    let mut record = new_record(settings, &target, &chart, &rendered, user_values)?;
    if let Some(base) = &base {
        inherit(&mut record, base, &settings.labels);
    }
    let values_used = describe_values(&settings.values, reused);
    let skipped_hooks = skipped_hooks(settings, &rendered);
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
    // A namespace this command created is the release's; one an earlier revision created stays
    // so.
    record.created_namespace |= created_namespace;
    let applied = match operation
        .apply_revision(
            &settings.apply_settings(),
            &revisions,
            base.as_ref(),
            settings.revision(record, &rendered, decision, &chart),
        )
        .await
    {
        Ok(applied) => applied,
        Err(error) if settings.rollback_on_failure && settings.dry_run == DryRun::None => {
            return Err(recover_from(operation, settings, decision, error).await);
        }
        Err(error) => return Err(error),
    };
    Ok(DeployOutcome {
        release: applied.release,
        values_used,
        applied: applied.applied,
        pruned: applied.pruned,
        dry_run: settings.dry_run,
        created_namespace,
        skipped_hooks,
        warnings: applied.warnings,
    })
}

/// `--rollback-on-failure` after the revision `decision` made failed: an upgrade goes back to the
/// last good revision, an install uninstalls what it created.
async fn recover_from(
    operation: &Operation<'_, impl Store>,
    settings: &DeploySettings,
    decision: Decision,
    error: Error,
) -> Error {
    let failure = recover::Failure {
        operation: if decision.upgrade {
            "upgrade"
        } else {
            "install"
        },
        restoring: None,
        revision: decision.revision,
        error,
    };
    let Some(revisions) = recover::recorded(operation, &failure).await else {
        return failure.error;
    };
    if decision.upgrade {
        let template = RollbackSettings {
            wait: settings.wait,
            history_max: settings.history_max,
            force_conflicts: settings.force_conflicts,
            take_ownership: settings.take_ownership,
            progress: settings.progress.clone(),
            no_hooks: settings.no_hooks,
            timeout: settings.timeout,
            ..RollbackSettings::default()
        };
        recover::roll_back(operation, &revisions, failure, &template).await
    } else {
        let template = UninstallSettings {
            wait: settings.wait,
            progress: settings.progress.clone(),
            no_hooks: settings.no_hooks,
            timeout: settings.timeout,
            ..UninstallSettings::default()
        };
        recover::uninstall(operation, &revisions, failure, &template).await
    }
}

impl DeploySettings {
    /// How the objects go to the cluster.
    fn apply_settings(&self) -> ApplySettings {
        ApplySettings {
            dry_run: self.dry_run == DryRun::Server,
            force_conflicts: self.force_conflicts,
            take_ownership: self.take_ownership,
            wait: self.wait,
            history_max: self.history_max,
            progress: self.progress.clone(),
            timeout: self.timeout,
            force_replace: self.force_replace,
        }
    }

    /// The pending revision to take into the cluster: the rendered objects, and the CRDs unless
    /// `--skip-crds`.
    fn revision<'a>(
        &self,
        record: Release,
        rendered: &'a Rendered,
        decision: Decision,
        chart: &LoadedChart,
    ) -> Revision<'a> {
        let (verb, pre, post) = if decision.upgrade {
            ("Upgrade", Event::PreUpgrade, Event::PostUpgrade)
        } else {
            ("Install", Event::PreInstall, Event::PostInstall)
        };
        Revision {
            record,
            crds: if self.skip_crds { &[] } else { &rendered.crds },
            objects: &rendered.objects,
            completed: self
                .description
                .is_none()
                .then(|| format!("{verb} complete")),
            failed: format!("{verb} failed"),
            hooks: (!self.no_hooks).then_some(HookEvents { pre, post }),
            chart: (!self.skip_chart_store).then(|| chart.stored()),
        }
    }
}

/// What an upgrade keeps from the revision it builds on: its labels (this command's win), when
/// the release was first deployed, and whether the release created its namespace.
fn inherit(record: &mut Release, base: &Release, labels: &IndexMap<String, String>) {
    let mut inherited = base.labels.clone();
    inherited.extend(labels.clone());
    record.labels = inherited;
    record.first_deployed = base.first_deployed.clone();
    record.created_namespace = base.created_namespace;
    if record.env.is_none() {
        record.env = base.env.clone();
    }
}

/// The user's values for this revision: this command's, laid over the base revision's with
/// `--reuse-values` (then also the revision they came from, and why). An upgrade from the stored
/// chart that gives no values reuses the base revision's unless `--reset-values` (Helm's rule:
/// a re-render keeps its values).
fn user_values(
    settings: &DeploySettings,
    reader: &dyn SourceReader,
    base: Option<&Release>,
) -> Result<(Value, Option<Reused>)> {
    let mut user_values = values::compose_user_values(&settings.values, reader)?;
    if let Some(carried) = settings.promotion.as_ref().and_then(|p| p.values.clone()) {
        // `promote --reuse-values`: the source's values, under this command's.
        let mut under = carried;
        values::merge(&mut under, user_values);
        user_values = under;
    }
    let implicit =
        settings.source.is_stored() && settings.values.is_empty() && !settings.reset_values;
    let why = if settings.promotion.is_some() {
        "the target's own, kept by promote"
    } else if settings.reuse_values {
        "--reuse-values"
    } else if implicit {
        "no values given"
    } else {
        return Ok((user_values, None));
    };
    match base {
        Some(base) => {
            let mut previous = base.config.clone();
            values::merge(&mut previous, user_values);
            Ok((
                previous,
                Some(Reused {
                    revision: base.revision,
                    why,
                }),
            ))
        }
        None => Ok((user_values, None)),
    }
}

/// Whose user values a revision reused, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reused {
    revision: u64,
    why: &'static str,
}

/// The revision a deploy renders: which release, and what the decision made of it.
struct Target<'a> {
    name: &'a str,
    namespace: &'a str,
    decision: Decision,
}

fn render_for(
    settings: &DeploySettings,
    target: &Target,
    chart: &LoadedChart,
    user_values: Value,
) -> Result<Rendered> {
    let mut rendered = render::render(
        &chart.chart,
        user_values,
        &RenderOptions {
            release_name: target.name.to_string(),
            namespace: target.namespace.to_string(),
            revision: target.decision.revision,
            is_upgrade: target.decision.upgrade,
            kube_version: settings
                .kube_version
                .clone()
                .unwrap_or_else(|| render::DEFAULT_KUBE_VERSION.to_string()),
            api_versions: Vec::new(),
            skip_schema_validation: settings.skip_schema_validation,
            verbatim: false,
            env: settings.env.clone(),
        },
    )?;
    if let Some(post_renderer) = &settings.post_renderer {
        post_renderer.apply(&mut rendered, target.namespace, false)?;
    }
    Ok(rendered)
}

/// The pending record of the rendered revision.
fn new_record(
    settings: &DeploySettings,
    target: &Target,
    chart: &LoadedChart,
    rendered: &Rendered,
    config: Value,
) -> Result<Release> {
    let now = operation::now();
    let metadata = &chart.chart.metadata;
    Ok(Release {
        name: target.name.to_string(),
        namespace: target.namespace.to_string(),
        revision: target.decision.revision,
        status: if target.decision.upgrade {
            Status::PendingUpgrade
        } else {
            Status::PendingInstall
        },
        chart: ChartInfo {
            name: metadata.name.clone(),
            version: metadata.version.clone(),
            app_version: metadata.app_version.clone().unwrap_or_default(),
            digest: chart.digest.clone(),
            subcharts: rendered.subcharts.clone(),
        },
        config,
        computed_values: rendered.values.clone(),
        manifest: operation::manifest_text(&rendered.objects)?,
        notes: rendered.notes.clone().unwrap_or_default(),
        description: settings.description.clone().unwrap_or_default(),
        first_deployed: now.clone(),
        last_deployed: now,
        deleted: None,
        labels: settings.labels.clone(),
        created_namespace: false,
        hooks: crate::hooks::from_objects(&rendered.hooks)?,
        env: settings.env.clone(),
        provenance: settings.promotion.as_ref().map(|p| p.provenance.clone()),
    })
}

/// With `--no-hooks`, the hooks a render produced that will not run (tests run with `charts
/// test`, so they are not named).
fn skipped_hooks(settings: &DeploySettings, rendered: &Rendered) -> Vec<String> {
    if !settings.no_hooks {
        return Vec::new();
    }
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

fn describe_values(options: &UserValueOptions, reused: Option<Reused>) -> String {
    let mut parts = vec!["the chart's defaults".to_string()];
    if let Some(Reused { revision, why }) = reused {
        parts.push(format!("the user values of revision {revision} ({why})"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::operation::tests::record;
    use crate::values::MapReader;

    fn base_record() -> Release {
        Release {
            config: serde_json::json!({"image": {"tag": "1.0", "pull": "always"}, "replicas": 2}),
            labels: [("commit", "abc"), ("team", "shop")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            created_namespace: true,
            ..record(3, Status::Deployed, &[])
        }
    }

    fn settings_with(set: &[&str], reuse_values: bool) -> DeploySettings {
        DeploySettings {
            values: UserValueOptions {
                values_files: vec!["prod.yaml".into()],
                set: set.iter().map(|s| s.to_string()).collect(),
                ..UserValueOptions::default()
            },
            reuse_values,
            ..DeploySettings::default()
        }
    }

    #[test]
    fn reuse_values_lays_this_commands_values_over_the_base_revisions() {
        let reader = MapReader::new().with_file("prod.yaml", "replicas: 3\n");
        let base = base_record();
        let settings = settings_with(&["image.tag=2.0"], true);
        let (values, reused) = user_values(&settings, &reader, Some(&base)).unwrap();
        assert_eq!(
            values,
            serde_json::json!({"image": {"tag": "2.0", "pull": "always"}, "replicas": 3})
        );
        assert_eq!(
            reused,
            Some(Reused {
                revision: 3,
                why: "--reuse-values"
            })
        );
        assert_eq!(
            describe_values(&settings.values, reused),
            "the chart's defaults, the user values of revision 3 (--reuse-values), -f prod.yaml, \
             --set image.tag=2.0"
        );
        // Without the flag, only this command's values count.
        let settings = settings_with(&["image.tag=2.0"], false);
        let (values, reused) = user_values(&settings, &reader, Some(&base)).unwrap();
        assert_eq!(
            values,
            serde_json::json!({"replicas": 3, "image": {"tag": "2.0"}})
        );
        assert_eq!(reused, None);
    }

    #[test]
    fn an_upgrade_keeps_labels_first_deployment_and_namespace_ownership() {
        let base = base_record();
        let mut record = Release {
            labels: IndexMap::new(),
            first_deployed: "2026-02-01T00:00:00Z".into(),
            created_namespace: false,
            ..base.clone()
        };
        let labels = [("commit".to_string(), "def".to_string())].into();
        inherit(&mut record, &base, &labels);
        assert_eq!(record.labels["commit"], "def", "this command's label wins");
        assert_eq!(record.labels["team"], "shop");
        assert_eq!(record.first_deployed, "2026-01-01T00:00:00Z");
        assert!(record.created_namespace);
    }

    /// A chart directory with one ConfigMap template and a hook.
    fn chart(root: &std::path::Path) -> std::path::PathBuf {
        let dir = root.join("web");
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            "apiVersion: v2\nname: web\nversion: 1.2.0\nappVersion: \"2.0\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("values.yaml"), "greeting: hi\n").unwrap();
        std::fs::write(
            dir.join("templates/cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}\ndata:\n  greeting: {{ Values.greeting }}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("templates/job.yaml"),
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-upgrade\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn a_client_dry_run_renders_revision_one_without_a_cluster() {
        let root = tempfile::tempdir().unwrap();
        let dir = chart(root.path());
        let settings = DeploySettings {
            release: "web".into(),
            chart: ChartSettings::local(&dir),
            no_hooks: true,
            ..settings_with(&["greeting=hello"], false)
        };
        let reader = MapReader::new().with_file("prod.yaml", "{}\n");
        let outcome = crate::support::block_on(render_offline(&settings, "dev", &reader)).unwrap();
        let record = &outcome.release;
        assert_eq!(
            (record.revision, record.status, record.namespace.as_str()),
            (1, Status::PendingInstall, "dev")
        );
        assert_eq!(record.chart.version, "1.2.0");
        assert_eq!(
            record.chart.digest,
            chart::load(&ResolvedChart {
                path: dir.clone(),
                package: None
            })
            .unwrap()
            .digest
        );
        assert_eq!(
            record.manifest,
            "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  \
             name: web\n  namespace: dev\ndata:\n  greeting: hello\n"
        );
        assert_eq!(outcome.skipped_hooks, ["Job/dev/migrate (pre-upgrade)"]);
        assert_eq!(outcome.dry_run, DryRun::Client);
    }

    #[test]
    fn generate_name_names_the_release_after_the_chart() {
        let root = tempfile::tempdir().unwrap();
        let settings = DeploySettings {
            generate_name: true,
            chart: ChartSettings::local(&chart(root.path())),
            ..DeploySettings::default()
        };
        let prepared = crate::support::block_on(prepare(&settings)).unwrap();
        let suffix = prepared.name.strip_prefix("web-").unwrap();
        assert!(
            suffix.chars().all(|c| c.is_ascii_digit()),
            "{}",
            prepared.name
        );
        assert!(prepared.loaded.is_some(), "the chart is loaded once");
        // A name given by the user is checked before anything else happens.
        let bad = DeploySettings {
            release: "Web".into(),
            generate_name: false,
            ..settings
        };
        assert!(crate::support::block_on(prepare(&bad)).is_err());
    }
}
