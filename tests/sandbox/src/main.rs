//! `charts-sandbox serve`: an in-memory Kubernetes API server on 127.0.0.1 (stores objects, runs
//! no containers).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "charts-sandbox",
    version,
    about = "An in-memory Kubernetes API server on 127.0.0.1 for tests (stores objects, runs no containers)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve until SIGINT/SIGTERM
    Serve {
        /// Port on 127.0.0.1 (0 picks a free one)
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Write a kubeconfig for the server here
        #[arg(long)]
        kubeconfig: Option<PathBuf>,
        /// Namespace of the kubeconfig context
        #[arg(long)]
        namespace: Option<String>,
        /// Delay of the simulated controllers, in milliseconds
        #[arg(long, default_value_t = 50)]
        controller_delay_ms: u64,
        /// How `/api` and `/apis` answer discovery
        #[arg(long, value_enum, default_value_t = Discovery::Aggregated)]
        discovery: Discovery,
        /// A user known by bearer token, `NAME:TOKEN[:GROUP,GROUP...]` (repeatable); RBAC
        /// objects decide what it may do. The kubeconfig gets a context named after it
        #[arg(long = "user", value_name = "NAME:TOKEN[:GROUPS]", value_parser = parse_user)]
        users: Vec<charts_sandbox::User>,
        /// Who requests without a token are
        #[arg(long, value_enum, default_value_t = Anonymous::Admin)]
        anonymous: Anonymous,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Discovery {
    /// Aggregated discovery to clients that ask for it (Kubernetes 1.30+)
    Aggregated,
    /// Only the plain documents, whatever the client asks (Kubernetes before 1.26, some proxies)
    Legacy,
}

#[derive(Clone, Copy, ValueEnum)]
enum Anonymous {
    /// The admin, as with the kubeconfig's token
    Admin,
    /// `system:anonymous`, which RBAC allows only the health and version endpoints
    Unauthenticated,
}

fn parse_user(text: &str) -> Result<charts_sandbox::User, String> {
    let mut parts = text.splitn(3, ':');
    let name = parts.next().unwrap_or("");
    let token = parts.next().unwrap_or("");
    if name.is_empty() || token.is_empty() {
        return Err(format!(
            "`{text}` is not `NAME:TOKEN[:GROUP,GROUP...]` (a name and a token are required)"
        ));
    }
    let groups = parts.next().unwrap_or("");
    Ok(groups
        .split(',')
        .filter(|g| !g.is_empty())
        .fold(charts_sandbox::User::new(name, token), |user, group| {
            user.group(group)
        }))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Command::Serve {
        port,
        kubeconfig,
        namespace,
        controller_delay_ms,
        discovery,
        users,
        anonymous,
    } = Cli::parse().command;
    let settings = charts_sandbox::ServeSettings {
        port,
        kubeconfig,
        namespace,
        controller_delay: Duration::from_millis(controller_delay_ms),
        discovery: match discovery {
            Discovery::Aggregated => charts_sandbox::DiscoveryMode::Aggregated,
            Discovery::Legacy => charts_sandbox::DiscoveryMode::Legacy,
        },
        users,
        anonymous_is_admin: matches!(anonymous, Anonymous::Admin),
    };
    match charts_sandbox::serve_until_signal(settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
