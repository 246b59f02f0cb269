//! `charts dependency update|build|list CHART`: vendor a chart's dependencies into `charts/`.

use std::path::PathBuf;

use crate::cli::output;
use crate::cli::output::table;
use crate::cli::repo::RemoteArgs;
use crate::error::Result;
use crate::repo::dependency;

#[derive(Debug, clap::Subcommand)]
pub enum DependencyCommand {
    /// Resolve the newest matching versions, vendor them into `charts/`, write Chart.lock
    #[command(alias = "up")]
    Update(DependencyArgs),
    /// Reproduce `charts/` exactly from Chart.lock
    Build(DependencyArgs),
    /// Show each dependency and whether `charts/` has it
    #[command(alias = "ls")]
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub struct DependencyArgs {
    /// The chart directory
    #[arg(default_value = ".")]
    pub chart: PathBuf,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The chart directory
    #[arg(default_value = ".")]
    pub chart: PathBuf,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

pub fn dependency(command: DependencyCommand) -> Result<()> {
    match command {
        DependencyCommand::Update(args) => {
            let settings = args.remote.settings();
            let outcome = crate::support::block_on(dependency::update(&args.chart, &settings))?;
            report(&outcome)
        }
        DependencyCommand::Build(args) => {
            let settings = args.remote.settings();
            let outcome = crate::support::block_on(dependency::build(&args.chart, &settings))?;
            report(&outcome)
        }
        DependencyCommand::List(args) => {
            let (rows, lock_current) = dependency::list(&args.chart)?;
            if !lock_current {
                output::note(
                    "warning: Chart.lock is out of date with Chart.yaml; run `charts dependency update`",
                );
            }
            output::show(
                args.output,
                || Ok(serde_json::to_value(&rows).expect("plain data serializes")),
                || {
                    Ok(table(
                        &["NAME", "VERSION", "REPOSITORY", "STATUS"],
                        rows.iter()
                            .map(|r| {
                                vec![
                                    r.name.clone(),
                                    r.version.clone(),
                                    r.repository.clone(),
                                    r.status.clone(),
                                ]
                            })
                            .collect(),
                    ))
                },
            )
        }
    }
}

fn report(outcome: &dependency::Outcome) -> Result<()> {
    for entry in &outcome.lock.dependencies {
        output::note(&format!(
            "Dependency `{}` locked at {} ({})",
            entry.name,
            entry.version,
            if entry.repository.is_empty() {
                "charts/"
            } else {
                &entry.repository
            }
        ));
    }
    let mut text = String::new();
    for path in &outcome.written {
        text.push_str(&format!("Saved {}\n", path.display()));
    }
    output::print(&text)
}
