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
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Discovery {
    /// Aggregated discovery to clients that ask for it (Kubernetes 1.30+)
    Aggregated,
    /// Only the plain documents, whatever the client asks (Kubernetes before 1.26, some proxies)
    Legacy,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Command::Serve {
        port,
        kubeconfig,
        namespace,
        controller_delay_ms,
        discovery,
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
    };
    match charts_sandbox::serve_until_signal(settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
