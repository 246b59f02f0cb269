//! Command-line interface: clap types only, turned into plain settings before any work runs.
//! One file per command; `run` is the one place that dispatches.

pub mod adopt;
pub mod convert;
pub mod create;
pub mod dependency;
pub mod env;
pub mod get;
mod get_chart;
pub mod history;
pub mod install;
pub mod lint;
pub mod list;
pub mod notify;
pub mod output;
pub mod package;
pub mod plan;
pub mod post_render;
pub mod promote;
pub mod pull;
pub mod push;
pub mod recovery;
pub mod registry;
pub mod repo;
pub mod rollback;
pub mod search;
pub mod show;
pub mod status;
pub mod template;
pub mod test;
pub mod uninstall;
pub mod upgrade;
pub mod values_flags;

use clap::{CommandFactory, Parser, Subcommand};

use crate::error::{Error, Result};

/// A Helm-like chart packager and release manager for Kubernetes, with Tera templates.
#[derive(Debug, Parser)]
#[command(
    name = "charts",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Namespace to work in [default: from the kube context, else `default`]
    #[arg(short = 'n', long, global = true, env = "CHARTS_NAMESPACE")]
    pub namespace: Option<String>,
    /// Kubeconfig context to use
    #[arg(long, global = true, env = "CHARTS_KUBE_CONTEXT")]
    pub kube_context: Option<String>,
    /// Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]
    #[arg(long, global = true)]
    pub kubeconfig: Option<std::path::PathBuf>,
}

impl GlobalArgs {
    /// How to reach the cluster, as plain settings.
    pub fn cluster_settings(&self) -> crate::cluster::ClusterSettings {
        crate::cluster::ClusterSettings {
            kubeconfig: self.kubeconfig.clone(),
            context: self.kube_context.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a chart's objects locally and print them
    #[command(disable_version_flag = true)]
    Template(template::TemplateArgs),
    /// Install a chart as a new release
    #[command(disable_version_flag = true)]
    Install(install::InstallArgs),
    /// Upgrade a release to a new chart version or new values
    #[command(disable_version_flag = true)]
    Upgrade(upgrade::UpgradeArgs),
    /// Show what an install or upgrade would change, without changing anything
    #[command(disable_version_flag = true)]
    Plan(plan::PlanArgs),
    /// Roll a release back to an earlier revision (default: the last one that worked)
    Rollback(rollback::RollbackArgs),
    /// Uninstall releases: delete their objects and their history
    #[command(alias = "delete")]
    Uninstall(uninstall::UninstallArgs),
    /// Show a release and whether each of its objects exists and is ready
    Status(status::StatusArgs),
    /// Deploy a release's running chart snapshot from one namespace into another (staging to
    /// production), over the target's values, recording where it came from
    Promote(promote::PromoteArgs),
    /// Run a release's tests (its `test` hooks); exit code 0 only when all pass
    Test(test::TestArgs),
    /// Check charts for problems: metadata, rendering, object shape, names, values schema
    Lint(lint::LintArgs),
    /// Show a chart's metadata, values, README or CRDs
    #[command(subcommand)]
    Show(show::ShowCommand),
    /// Create a new chart with a ready-to-use scaffold
    Create(create::CreateArgs),
    /// Package charts into reproducible `.tgz` archives
    #[command(disable_version_flag = true)]
    Package(package::PackageArgs),
    /// Add, list, update and remove chart repositories; index a directory of packages
    #[command(subcommand)]
    Repo(repo::RepoCommand),
    /// Search the added repositories for charts
    #[command(subcommand)]
    Search(search::SearchCommand),
    /// Download a chart from a repository, a URL or an OCI registry
    #[command(disable_version_flag = true)]
    Pull(pull::PullArgs),
    /// Upload a chart package to an OCI registry
    Push(push::PushArgs),
    /// Log in to or out of an OCI registry
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
    /// Manage a chart's dependencies (`charts/` and Chart.lock)
    #[command(subcommand, alias = "dep")]
    Dependency(dependency::DependencyCommand),
    /// List releases: the latest revision of each
    #[command(alias = "ls")]
    List(list::ListArgs),
    /// Show the revisions of a release
    #[command(alias = "hist")]
    History(history::HistoryArgs),
    /// Show what a release revision holds: values, manifest, notes, metadata
    #[command(subcommand)]
    Get(get::GetCommand),
    /// Environments: namespaces on demand for branches and builds, with profiles and expiry
    #[command(subcommand)]
    Env(env::EnvCommand),
    /// Take over releases another tool manages (`charts adopt helm RELEASE`)
    #[command(subcommand)]
    Adopt(adopt::AdoptCommand),
    /// Convert a Helm chart (Go templates) into a charts chart (Tera); exit code 3 when some
    /// places could not be converted
    Convert(convert::ConvertArgs),
    /// Print a shell completion script
    Completion(CompletionArgs),
    /// Print the version of charts
    Version(VersionArgs),
}

#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct VersionArgs {
    /// Print only the version number
    #[arg(long)]
    pub short: bool,
    /// Output format
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

/// The shell completion script for `shell`, generated from the clap definitions.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "charts", &mut buffer);
    String::from_utf8(buffer).expect("clap_complete writes UTF-8")
}

/// Runs one command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Template(args) => template::template(&cli.global, args),
        Command::Install(args) => install::install(&cli.global, args),
        Command::Upgrade(args) => upgrade::upgrade(&cli.global, args),
        Command::Plan(args) => plan::plan(&cli.global, args),
        Command::Rollback(args) => rollback::rollback(&cli.global, args),
        Command::Uninstall(args) => uninstall::uninstall(&cli.global, args),
        Command::Status(args) => status::status(&cli.global, args),
        Command::Test(args) => test::test(&cli.global, args),
        Command::Promote(args) => promote::promote(&cli.global, args),
        Command::Lint(args) => lint::lint(&cli.global, args),
        Command::Show(command) => show::show(command),
        Command::Create(args) => create::create(args),
        Command::Package(args) => package::package(args),
        Command::Repo(command) => repo::repo(command),
        Command::Search(command) => search::search(command),
        Command::Pull(args) => pull::pull(args),
        Command::Push(args) => push::push(args),
        Command::Registry(command) => registry::registry(command),
        Command::Dependency(command) => dependency::dependency(command),
        Command::List(args) => list::list(&cli.global, args),
        Command::History(args) => history::history(&cli.global, args),
        Command::Get(command) => get::get(&cli.global, command),
        Command::Env(command) => env::env(&cli.global, command),
        Command::Adopt(command) => adopt::adopt(&cli.global, command),
        Command::Convert(args) => convert::convert(args),
        Command::Completion(args) => output::print(&completion_script(args.shell)),
        Command::Version(args) => version(args),
    }
}

fn version(args: VersionArgs) -> Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    if args.short {
        return output::print(&format!("v{version}\n"));
    }
    let info = serde_json::json!({ "version": format!("v{version}"), "rustc": option_env!("CARGO_PKG_RUST_VERSION").unwrap_or("") });
    output::show(
        args.output,
        || Ok(info),
        || Ok(format!("charts v{version}\n")),
    )
}

/// The program: parse arguments, run, print any error, and give the exit code.
pub fn main_entry() -> std::process::ExitCode {
    // reqwest and kube share the `ring` provider; install it before any client is built.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return std::process::ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(Error::BrokenPipe) => std::process::ExitCode::SUCCESS,
        Err(Error::Reported(_)) => std::process::ExitCode::FAILURE,
        Err(Error::ExitCode(code)) => std::process::ExitCode::from(code),
        Err(error) => {
            output::note(&error.render());
            std::process::ExitCode::from(error.exit_code())
        }
    }
}
