//! Rendering a chart tree into Kubernetes objects: walk the tree, asking [`values::scope`] which
//! subcharts are enabled and what values each chart sees (conditions, tags, aliases, globals,
//! import-values), render each chart's templates with Tera, split and check the documents, and
//! sort everything into install order. Pure: no cluster.

pub mod engine;
pub mod filters;
pub mod manifest;

use std::sync::Arc;

use serde_json::{Value, json};
use tera::Context;

use crate::chart::Chart;
use crate::values::{self, scope};
pub use engine::EngineCache;
pub use manifest::Object;

/// The Kubernetes version assumed when no cluster is asked (`--kube-version` overrides).
pub const DEFAULT_KUBE_VERSION: &str = "v1.35.0";

/// Built-in group/versions every cluster of `DEFAULT_KUBE_VERSION` serves.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "apps/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "certificates.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1",
    "networking.k8s.io/v1",
    "node.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1",
];

/// What a render needs to know beyond the chart and the values.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub release_name: String,
    pub namespace: String,
    pub revision: u64,
    pub is_upgrade: bool,
    /// `v1.35.0` style.
    pub kube_version: String,
    /// Extra API versions (`group/version` or `group/version/Kind`) on top of the defaults.
    pub api_versions: Vec<String>,
    pub skip_schema_validation: bool,
    /// Keep each object's document as the template wrote it and build only the head of its
    /// value (see [`manifest::Object::printed`]): for printing, at a fraction of the cost.
    pub verbatim: bool,
    /// The environment deployed into (`--env`): `Env.{Name,Branch,Namespace,Commit}`.
    pub env: Option<crate::release::ReleaseEnv>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "release-name".to_string(),
            namespace: "default".to_string(),
            revision: 1,
            is_upgrade: false,
            kube_version: DEFAULT_KUBE_VERSION.to_string(),
            api_versions: Vec::new(),
            skip_schema_validation: false,
            verbatim: false,
            env: None,
        }
    }
}

/// The result of rendering a chart tree.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Ordinary objects, in install order, namespaces filled.
    pub objects: Vec<Object>,
    /// Objects annotated as hooks (`charts.dev/hook`), including tests.
    pub hooks: Vec<Object>,
    /// CRDs from the `crds/` directories of every rendered chart (not templated).
    pub crds: Vec<Object>,
    /// The root chart's rendered NOTES.txt.
    pub notes: Option<String>,
    /// The root chart's computed values (defaults, parent values, user values).
    pub values: Value,
    /// Every template that was rendered, by source name (`<chart>/templates/x.yaml`).
    pub templates: Vec<String>,
    /// The subcharts that were rendered (enabled), in tree order, for the release record.
    pub subcharts: Vec<crate::release::SubchartInfo>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("template error in `{name}` at line {line}, column {column}: {message}")]
    Template {
        name: String,
        line: usize,
        column: usize,
        message: String,
        report: String,
    },
    #[error("template error: {0}")]
    TemplateOther(String),
    #[error(
        "`{source_file}` rendered invalid YAML at rendered line {line}: {message}\n  | {}",
        crate::error::quoted(snippet)
    )]
    InvalidYaml {
        source_file: String,
        line: usize,
        message: String,
        snippet: String,
    },
    #[error("`{source_file}` document {document}: {message}")]
    BadObject {
        source_file: String,
        document: usize,
        message: String,
    },
    #[error(
        "chart `{chart}` depends on `{dependency}`, which is missing from its `charts/` directory"
    )]
    MissingDependency { chart: String, dependency: String },
    #[error(
        "chart `{chart}` requires kubeVersion `{required}`, which is incompatible with Kubernetes `{actual}`"
    )]
    KubeVersion {
        chart: String,
        required: String,
        actual: String,
    },
    #[error("`--kube-version` `{0}` is not a version like `v1.35.0`")]
    BadKubeVersion(String),
    #[error(transparent)]
    Values(#[from] values::Error),
}

impl Error {
    /// A Tera error of a chart's engine, whose template names start with
    /// [`engine::CHART_ROOT`]: `prefix` (the chart's) takes its place.
    fn from_tera(error: tera::Error, prefix: &str) -> Error {
        // Tera's reports quote the template's lines, which can be thousands of characters long.
        let qualify = |text: &str| {
            crate::error::truncate_lines(&text.replace(engine::CHART_ROOT, prefix), 200)
        };
        match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                Error::Template {
                    name: qualify(report.filename()),
                    line: report.span().start_line,
                    column: report.span().start_col + 1,
                    message: qualify(report.message()),
                    report: qualify(&error.to_string()),
                }
            }
            _ => Error::TemplateOther(qualify(&error.to_string())),
        }
    }
}

/// A chart of the tree with its computed values, ready to render.
struct Node<'a> {
    chart: &'a Chart,
    /// The name the parent knows it by (alias or name); the root's own name.
    name: String,
    /// `<root>/` or `<root>/charts/<name>/`.
    prefix: String,
    /// The computed values, or `None` when they were moved into the parent's values under
    /// `name` (where the parent's templates see them) instead of being copied there.
    values: Option<Value>,
    children: Vec<Node<'a>>,
    is_root: bool,
}

/// Renders `chart` with the user's values (already composed from files and flags).
pub fn render(
    chart: &Chart,
    user_values: Value,
    options: &RenderOptions,
) -> Result<Rendered, Error> {
    render_with(chart, user_values, options, &EngineCache::default())
}

/// [`render`] with engines that may already be compiled, or being compiled, by [`prefetch`].
pub fn render_with(
    chart: &Chart,
    user_values: Value,
    options: &RenderOptions,
    engines: &EngineCache,
) -> Result<Rendered, Error> {
    let kube = parse_kube_version(&options.kube_version)?;
    let tags = scope::tags(&chart.values, &user_values);
    let root = build_node(
        chart,
        chart.name().to_string(),
        format!("{}/", chart.name()),
        user_values,
        None,
        &tags,
        true,
        options,
        &kube,
    )?;

    let capabilities = capabilities(&kube, options);
    let mut nodes = Vec::new();
    let root_values = root
        .values
        .as_ref()
        .expect("the root has no parent to hold its values");
    flatten(&root, root_values, &mut nodes);
    let mut objects = Vec::new();
    let mut crds = Vec::new();
    let mut notes = None;
    let mut templates = Vec::new();
    // In tree order, so objects keep their order and the first error is the one a render
    // chart by chart would have stopped at.
    for output in render_nodes(&nodes, options, &capabilities, engines) {
        let output = output?;
        objects.extend(output.objects);
        crds.extend(output.crds);
        templates.extend(output.templates);
        if output.notes.is_some() {
            notes = output.notes;
        }
    }

    let cluster_scoped = manifest::cluster_scoped_custom_kinds(objects.iter().chain(crds.iter()));
    let (mut hooks, mut objects): (Vec<Object>, Vec<Object>) =
        objects.into_iter().partition(|o| o.is_hook());
    let namespace = manifest::Namespace::new(&options.namespace);
    for object in objects.iter_mut().chain(hooks.iter_mut()) {
        manifest::fill_namespace(object, &namespace, &cluster_scoped);
    }
    manifest::sort_install_order(&mut objects);
    let mut subcharts = Vec::new();
    subcharts_of(&root, None, &mut subcharts);
    Ok(Rendered {
        subcharts,
        objects,
        hooks,
        crds,
        notes,
        values: root
            .values
            .expect("the root has no parent to hold its values"),
        templates,
    })
}

/// The enabled subcharts under `node`, depth first; `parent` is the path of names `node` is
/// known by (`None` for the root).
fn subcharts_of(node: &Node, parent: Option<&str>, out: &mut Vec<crate::release::SubchartInfo>) {
    for child in &node.children {
        let chart = child.chart.name();
        out.push(crate::release::SubchartInfo {
            name: chart.to_string(),
            version: child.chart.metadata.version.clone(),
            alias: (child.name != chart).then(|| child.name.clone()),
            parent: parent.map(str::to_string),
        });
        let path = match parent {
            Some(parent) => format!("{parent}/{}", child.name),
            None => child.name.clone(),
        };
        subcharts_of(child, Some(&path), out);
    }
}

/// The sources of `chart`'s engine when they can be known from the chart alone, for
/// [`EngineCache::prefetch`]: exactly what rendering gives the engine of a chart with templates of
/// its own and no library subcharts (whose helpers would join its engine). Umbrella charts often
/// hold many subcharts made from one starter that share one engine; compiling it while the rest
/// of the tree loads takes the compile off the render's path.
pub fn prefetch_sources(chart: &Chart) -> Option<Vec<engine::Source>> {
    if chart.metadata.is_library() || chart.subcharts.iter().any(|s| s.metadata.is_library()) {
        return None;
    }
    let sources: Vec<engine::Source> = chart
        .templates()
        .map(|file| source_of("", "", file).ok())
        .collect::<Option<_>>()?;
    (!sources.is_empty()).then_some(sources)
}

struct KubeVersion {
    version: semver::Version,
    text: String,
}

fn parse_kube_version(text: &str) -> Result<KubeVersion, Error> {
    let trimmed = text.trim_start_matches('v');
    let version = semver::Version::parse(trimmed)
        .or_else(|_| semver::Version::parse(&format!("{trimmed}.0")))
        .map_err(|_| Error::BadKubeVersion(text.to_string()))?;
    Ok(KubeVersion {
        text: format!("v{}.{}.{}", version.major, version.minor, version.patch),
        version,
    })
}

fn capabilities(kube: &KubeVersion, options: &RenderOptions) -> Value {
    let mut api_versions: Vec<String> =
        DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
    for extra in &options.api_versions {
        if !api_versions.contains(extra) {
            api_versions.push(extra.clone());
        }
    }
    json!({
        "KubeVersion": {
            "Version": kube.text,
            "GitVersion": kube.text,
            "Major": kube.version.major.to_string(),
            "Minor": kube.version.minor.to_string(),
        },
        "APIVersions": api_versions,
    })
}

#[allow(clippy::too_many_arguments)]
fn build_node<'a>(
    chart: &'a Chart,
    name: String,
    prefix: String,
    supplied: Value,
    parent: Option<&Value>,
    tags: &Value,
    is_root: bool,
    options: &RenderOptions,
    kube: &KubeVersion,
) -> Result<Node<'a>, Error> {
    if let Some(required) = &chart.metadata.kube_version {
        let satisfied = crate::chart::constraint::parse(required)
            .map(|c| c.matches(&kube.version))
            .unwrap_or(false);
        if !satisfied {
            return Err(Error::KubeVersion {
                chart: name,
                required: required.clone(),
                actual: kube.text.clone(),
            });
        }
    }
    // Subcharts: declared dependencies matched to loaded charts by name, then vendored charts
    // that no dependency names (Helm renders those unconditionally).
    // A declared dependency missing from `charts/` has no chart; that is an error only if it is
    // enabled.
    let mut planned: Vec<(
        Option<&'a Chart>,
        Option<&'a crate::chart::Dependency>,
        String,
    )> = Vec::new();
    for dependency in &chart.metadata.dependencies {
        let sub = chart.subcharts.iter().find(|s| s.name() == dependency.name);
        planned.push((
            sub,
            Some(dependency),
            dependency.effective_name().to_string(),
        ));
    }
    for sub in &chart.subcharts {
        if !chart
            .metadata
            .dependencies
            .iter()
            .any(|d| d.name == sub.name())
        {
            planned.push((Some(sub), None, sub.name().to_string()));
        }
    }
    let sub_names: Vec<&str> = planned.iter().map(|(_, _, name)| name.as_str()).collect();

    let mut values = scope::chart_values(&chart.values, supplied, parent, &sub_names);

    // Conditions and tags are decided on the values before any import, as Helm does.
    let mut enabled = Vec::new();
    for (sub, dependency, effective) in planned {
        if let Some(dependency) = dependency
            && !scope::is_enabled(dependency, &values, tags)
        {
            continue;
        }
        let Some(sub) = sub else {
            return Err(Error::MissingDependency {
                chart: name.clone(),
                dependency: dependency.map(|d| d.name.clone()).unwrap_or_default(),
            });
        };
        enabled.push((sub, dependency, effective));
    }

    let mut children = build_children(&enabled, &values, &prefix, tags, options, kube)?;
    let mut imported = false;
    for (child, (_, dependency, _)) in children.iter().zip(&enabled) {
        if let Some(dependency) = dependency {
            let child_values = child.values.as_ref().expect("not moved yet");
            imported |= scope::import_values(&mut values, child_values, &dependency.import_values);
        }
    }
    // An import can feed another subchart (through `global`, say): build the children again
    // from the final values so the dependency order in Chart.yaml does not matter.
    if imported {
        children = build_children(&enabled, &values, &prefix, tags, options, kube)?;
    }
    let mut slots: Vec<(&str, &mut Option<Value>)> = children
        .iter_mut()
        .zip(&enabled)
        .map(|(child, (_, _, effective))| (effective.as_str(), &mut child.values))
        .collect();
    scope::nest_subchart_values(&mut values, &mut slots);

    if !options.skip_schema_validation
        && let Some(schema) = &chart.schema
    {
        values::validate_schema(schema, &values, &name)?;
    }
    Ok(Node {
        chart,
        name,
        prefix,
        values: Some(values),
        children,
        is_root,
    })
}

type Planned<'a> = (&'a Chart, Option<&'a crate::chart::Dependency>, String);

fn build_children<'a>(
    enabled: &[Planned<'a>],
    values: &Value,
    prefix: &str,
    tags: &Value,
    options: &RenderOptions,
    kube: &KubeVersion,
) -> Result<Vec<Node<'a>>, Error> {
    enabled
        .iter()
        .map(|(sub, _, effective)| {
            build_node(
                sub,
                effective.clone(),
                format!("{prefix}charts/{effective}/"),
                scope::supplied_to(values, effective),
                Some(values),
                tags,
                false,
                options,
                kube,
            )
        })
        .collect()
}

fn chart_object(chart: &Chart, name: &str, is_root: bool) -> Value {
    let m = &chart.metadata;
    json!({
        "Name": name,
        "Version": m.version,
        "AppVersion": m.app_version.clone().unwrap_or_default(),
        "Description": m.description.clone().unwrap_or_default(),
        "Type": m.chart_type.clone().unwrap_or_else(|| "application".to_string()),
        "ApiVersion": m.api_version,
        "KubeVersion": m.kube_version.clone().unwrap_or_default(),
        "Home": m.home.clone().unwrap_or_default(),
        "Icon": m.icon.clone().unwrap_or_default(),
        "Keywords": m.keywords,
        "Sources": m.sources,
        "Maintainers": m.maintainers,
        "Annotations": m.annotations,
        "Deprecated": m.deprecated,
        "IsRoot": is_root,
    })
}

/// Helper files (`templates/_*`) of the library charts `node` depends on, named relative to
/// `chart` (the chart being rendered): `charts/<library>/templates/_helpers.tera`.
fn library_helpers(chart: &Node, node: &Node, out: &mut Vec<engine::Source>) -> Result<(), Error> {
    for child in &node.children {
        if child.chart.metadata.is_library() {
            let relative = child
                .prefix
                .strip_prefix(chart.prefix.as_str())
                .unwrap_or(&child.prefix);
            for file in child.chart.templates() {
                if is_helper(&file.name) {
                    out.push(source_of(&chart.prefix, relative, file)?);
                }
            }
            library_helpers(chart, child, out)?;
        }
    }
    Ok(())
}

fn is_helper(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|base| base.starts_with('_'))
}

/// The source of `file`, of the chart at `relative` below the chart being rendered (at
/// `prefix`).
fn source_of(
    prefix: &str,
    relative: &str,
    file: &crate::chart::ChartFile,
) -> Result<engine::Source, Error> {
    let text = file.text().map_err(|_| {
        Error::TemplateOther(format!(
            "`{prefix}{relative}{}` is not UTF-8 text",
            file.name
        ))
    })?;
    Ok(engine::Source {
        name: format!("{relative}{}", file.name),
        text: text.to_string(),
    })
}

/// The charts of the tree in render order, each with its values (`values` for `node`): each
/// chart, then its subcharts.
fn flatten<'a, 'b>(
    node: &'b Node<'a>,
    values: &'b Value,
    out: &mut Vec<(&'b Node<'a>, &'b Value)>,
) {
    out.push((node, values));
    for child in &node.children {
        let child_values = match &child.values {
            Some(own) => own,
            None => values
                .get(&child.name)
                .expect("values moved into the parent are under the child's name"),
        };
        flatten(child, child_values, out);
    }
}

/// What one chart of the tree renders to.
#[derive(Default)]
struct NodeOutput {
    objects: Vec<Object>,
    crds: Vec<Object>,
    templates: Vec<String>,
    notes: Option<String>,
}

/// The stack of each render worker thread (see [`render_nodes`]).
const RENDER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Renders the charts on up to as many threads as there are cores, at most 4 (each thread holds
/// a compiled chart engine, so more threads mostly cost memory). Charts are independent: each
/// has its own values and context, and its own engine unless another chart has the same
/// template sources. Results come back in the order of `nodes`.
fn render_nodes(
    nodes: &[(&Node, &Value)],
    options: &RenderOptions,
    capabilities: &Value,
    engines: &EngineCache,
) -> Vec<Result<NodeOutput, Error>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(4)
        .min(nodes.len());
    if threads <= 1 {
        return nodes
            .iter()
            .map(|(node, values)| render_node(node, values, options, capabilities, engines))
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((node, values)) = nodes.get(index) else {
                return done;
            };
            done.push((
                index,
                render_node(node, values, options, capabilities, engines),
            ));
        }
    };
    // This thread is one of the workers.
    let mut results: Vec<(usize, Result<NodeOutput, Error>)> = std::thread::scope(|scope| {
        // Nested `include` and `tpl` calls render on the stack (up to
        // `engine::MAX_NESTED_CALLS` deep, ~80 KiB each in a debug build): workers get more
        // than the 2 MiB a spawned thread has by default. Only the pages used are committed.
        let workers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(RENDER_STACK_BYTES)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut results = work();
        for worker in workers {
            results.extend(
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

fn render_node(
    node: &Node,
    values: &Value,
    options: &RenderOptions,
    capabilities: &Value,
    engines: &EngineCache,
) -> Result<NodeOutput, Error> {
    let mut output = NodeOutput::default();
    for file in node.chart.crds() {
        let source = format!("{}{}", node.prefix, file.name);
        let text = file
            .text()
            .map_err(|_| Error::TemplateOther(format!("`{source}` is not UTF-8 text")))?;
        output.crds.extend(manifest::parse_documents_as(
            &source,
            text,
            options.verbatim,
        )?);
    }
    let mut sources = Vec::new();
    if !node.chart.metadata.is_library() {
        for file in node.chart.templates() {
            sources.push(source_of(&node.prefix, "", file)?);
        }
        library_helpers(node, node, &mut sources)?;
    }
    // An umbrella chart often has no templates of its own: nothing to compile or render.
    if !sources.is_empty() {
        let mut context = Context::new();
        context.insert_value("Values", engine::tera_value(values));
        context.insert_value(
            "Chart",
            engine::tera_value(&chart_object(node.chart, &node.name, node.is_root)),
        );
        context.insert_value(
            "Release",
            engine::tera_value(&json!({
                "Name": options.release_name,
                "Namespace": options.namespace,
                "Revision": options.revision,
                "IsInstall": !options.is_upgrade,
                "IsUpgrade": options.is_upgrade,
                "Service": "charts",
            })),
        );
        context.insert_value("Capabilities", engine::tera_value(capabilities));
        if let Some(env) = &options.env {
            context.insert_value(
                "Env",
                engine::tera_value(&json!({
                    "Name": env.name,
                    "Branch": env.branch.clone().unwrap_or_default(),
                    "Namespace": options.namespace,
                    "Commit": env.commit.clone().unwrap_or_default(),
                })),
            );
        }

        let readable: Vec<(String, Vec<u8>)> = node
            .chart
            .files
            .iter()
            .filter(|f| Chart::is_readable_file(&f.name))
            .map(|f| (f.name.clone(), f.data.clone()))
            .collect();
        let to_render: Vec<&str> = node
            .chart
            .templates()
            .filter(|f| !is_helper(&f.name) && f.name != "templates/NOTES.txt")
            .map(|f| f.name.as_str())
            .collect();
        let has_notes = node.chart.file("templates/NOTES.txt").is_some();
        let context = Arc::new(context);
        let engine = engine::ChartEngine::new(
            engines,
            node.prefix.clone(),
            sources,
            Arc::new(readable),
            context.clone(),
            node.name.clone(),
        )
        .map_err(|e| Error::from_tera(e, &node.prefix))?;
        for relative in to_render {
            let text = engine
                .render(relative, &context)
                .map_err(|e| engine.error(e))?;
            let name = format!("{}{relative}", node.prefix);
            output.objects.extend(manifest::parse_documents_as(
                &name,
                &text,
                options.verbatim,
            )?);
            output.templates.push(name);
        }
        if node.is_root && has_notes {
            let text = engine
                .render("templates/NOTES.txt", &context)
                .map_err(|e| engine.error(e))?;
            output.notes = Some(text);
        }
    }
    Ok(output)
}
