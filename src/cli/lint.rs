//! `charts lint CHART...`: report problems; exit 1 when a chart fails.

use std::path::PathBuf;

use crate::action::lint::{self, Severity};
use crate::cli::GlobalArgs;
use crate::cli::output;
use crate::cli::values_flags::ValuesArgs;
use crate::error::{Error, Result};
use crate::render::RenderOptions;

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Chart directories or `.tgz` files
    #[arg(value_name = "CHART", required = true)]
    pub charts: Vec<PathBuf>,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Fail on warnings too
    #[arg(long)]
    pub strict: bool,
    /// Print only warnings and errors
    #[arg(long)]
    pub quiet: bool,
    /// Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Lint as `install --env|--branch` would render for that environment (`Env.*`)
    #[command(flatten)]
    pub env: crate::cli::install::EnvDeployArgs,
}

pub fn lint(global: &GlobalArgs, args: LintArgs) -> Result<()> {
    let (namespace, env) = args.env.offline_target(global)?;
    let options = RenderOptions {
        namespace,
        env,
        kube_version: args
            .kube_version
            .clone()
            .unwrap_or_else(|| crate::render::DEFAULT_KUBE_VERSION.to_string()),
        ..RenderOptions::default()
    };
    let values = args.values.to_options();
    let mut failed = 0;
    let mut text = String::new();
    for chart in &args.charts {
        let findings = lint::lint(chart, &values, &crate::values::FsReader, &options);
        let fails = findings.iter().any(|f| {
            f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning)
        });
        if fails {
            failed += 1;
        }
        let shown: Vec<_> = findings
            .iter()
            .filter(|f| !args.quiet || f.severity > Severity::Info)
            .collect();
        if args.quiet && shown.is_empty() {
            continue;
        }
        text.push_str(&format!("==> Linting {}\n", chart.display()));
        for f in shown {
            text.push_str(&format!(
                "[{}] {}: {}\n",
                f.severity.label(),
                f.path,
                f.message
            ));
        }
        text.push('\n');
    }
    text.push_str(&format!(
        "{} chart(s) linted, {failed} chart(s) failed\n",
        args.charts.len()
    ));
    output::print(&text)?;
    if failed > 0 {
        return Err(Error::Reported(format!("{failed} chart(s) failed")));
    }
    Ok(())
}
