//! `charts template [NAME] CHART`: render locally and print the objects.

use std::path::PathBuf;

use crate::action::chart::ChartSettings;
use crate::action::{self, RenderSettings};
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::cli::values_flags::ValuesArgs;
use crate::error::{Error, Result};
use crate::render::{Object, RenderOptions, manifest};

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// `[NAME] CHART`: the release name (default `release-name`) and the chart: a directory, a
    /// `.tgz`, `repo/name`, a URL or `oci://host/path/name[:tag|@sha256:digest]`
    #[arg(value_name = "NAME|CHART", num_args = 1..=2, required = true)]
    pub positional: Vec<String>,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Chart version or constraint, for charts from repositories and registries
    #[arg(long, value_name = "CONSTRAINT")]
    pub version: Option<String>,
    #[command(flatten)]
    pub remote: crate::cli::repo::RemoteArgs,
    /// Render as `install --env|--branch` would deploy into that environment: its namespace, and
    /// `Env.Name`, `Env.Branch`, `Env.Namespace`, `Env.Commit` in templates (nothing is created)
    #[command(flatten)]
    pub env: crate::cli::install::EnvDeployArgs,
    /// Only show objects from these templates (e.g. `templates/deployment.yaml`)
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Write each template's objects to files under this directory instead of stdout
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Include the CRDs from `crds/` in the output
    #[arg(long)]
    pub include_crds: bool,
    /// Leave out test hooks (`templates/tests/`)
    #[arg(long)]
    pub skip_tests: bool,
    /// Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for `Capabilities.APIVersions` (e.g. `monitoring.coreos.com/v1`)
    #[arg(short = 'a', long = "api-versions", value_name = "VERSION")]
    pub api_versions: Vec<String>,
    /// Render as an upgrade (`Release.IsUpgrade` true)
    #[arg(long)]
    pub is_upgrade: bool,
    /// Do not check the values against `values.schema.json`
    #[arg(long)]
    pub skip_schema_validation: bool,
    #[command(flatten)]
    pub post_render: crate::cli::post_render::PostRenderArgs,
}

pub fn template(global: &GlobalArgs, args: TemplateArgs) -> Result<()> {
    let (name, chart) = match args.positional.as_slice() {
        [chart] => ("release-name".to_string(), chart.clone()),
        [name, chart] => (name.clone(), chart.clone()),
        _ => return Err(Error::Usage("expected `[NAME] CHART`".to_string())),
    };
    // An environment's namespace and `Env.*`, resolved offline as a deploy would.
    let (namespace, env) = args.env.offline_target(global)?;
    let settings = RenderSettings {
        chart: ChartSettings {
            reference: chart,
            version: args.version.clone(),
            remote: args.remote.settings(),
        },
        values: args.values.to_options(),
        options: RenderOptions {
            release_name: name,
            namespace,
            env,
            is_upgrade: args.is_upgrade,
            kube_version: args
                .kube_version
                .clone()
                .unwrap_or_else(|| crate::render::DEFAULT_KUBE_VERSION.to_string()),
            api_versions: args.api_versions.clone(),
            skip_schema_validation: args.skip_schema_validation,
            verbatim: true,
            ..RenderOptions::default()
        },
    };
    let (chart, mut rendered) =
        crate::support::block_on(action::render_chart(&settings, &crate::values::FsReader))?;
    if let Some(post_renderer) = args.post_render.post_renderer() {
        post_renderer.apply(&mut rendered, &settings.options.namespace, true)?;
    }
    let root = format!("{}/", chart.name());

    let mut selected: Vec<&Object> = Vec::new();
    if args.include_crds {
        selected.extend(rendered.crds.iter());
    }
    selected.extend(rendered.objects.iter());
    selected.extend(
        rendered
            .hooks
            .iter()
            .filter(|h| !(args.skip_tests && h.hook_events().iter().any(|e| e == "test"))),
    );
    if !args.show_only.is_empty() {
        for wanted in &args.show_only {
            let full = format!("{root}{}", wanted.trim_start_matches("./"));
            if !rendered.templates.contains(&full) {
                return Err(Error::with_hint(
                    format!(
                        "could not find template `{wanted}` in chart `{}`",
                        chart.name()
                    ),
                    "name templates by their path in the chart, like `templates/deployment.yaml`",
                ));
            }
        }
        selected.retain(|o| {
            args.show_only
                .iter()
                .any(|w| o.source == format!("{root}{}", w.trim_start_matches("./")))
        });
    }

    let result = match &args.output_dir {
        None => {
            output::print(&manifest::write_documents(selected.iter().copied()).map_err(yaml_error)?)
        }
        Some(dir) => write_output_dir(dir, &selected),
    };
    // The process ends right after this; freeing every object and chart file one by one would
    // cost more than a tenth of a large render.
    std::mem::forget(rendered);
    std::mem::forget(chart);
    result
}

fn write_output_dir(dir: &std::path::Path, objects: &[&Object]) -> Result<()> {
    let mut files: indexmap::IndexMap<&str, String> = indexmap::IndexMap::new();
    for object in objects {
        manifest::push_document(files.entry(&object.source).or_default(), object)
            .map_err(yaml_error)?;
    }
    let mut report = String::new();
    for (source, text) in files {
        let path = dir.join(source);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::io(format!("cannot create directory `{}`", parent.display()), e)
            })?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
        report.push_str(&format!("wrote {}\n", path.display()));
    }
    output::print(&report)
}

fn yaml_error(error: serde_yaml::Error) -> Error {
    Error::message(format!("cannot write YAML: {error}"))
}
