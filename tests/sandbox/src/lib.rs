//! An in-memory Kubernetes API server on 127.0.0.1, for tests, demos and benchmarks.
//!
//! It speaks the real HTTP/JSON protocol (discovery, CRUD, selectors, metadata-only lists,
//! patches, server-side apply, watch, Status errors) and simulates the controllers that make
//! workloads ready. It stores objects but runs no containers.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! let sandbox = charts_sandbox::Sandbox::start().await?;
//! let config = kube::Config::new(sandbox.url().parse().unwrap());
//! # Ok(()) }
//! ```

mod apply;
mod controllers;
mod decode;
mod discovery;
mod error;
mod faults;
mod patch;
mod protobuf;
mod registry;
mod selector;
mod server;
mod store;
mod table;
mod util;
mod validate;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use faults::{CounterSnapshot, Fault, FaultAction, Faults};
pub use server::ADMIN_PREFIX;

/// The annotation that makes a workload fail; see the README for the values.
pub const FAIL_ANNOTATION: &str = "sandbox.charts.dev/fail";

/// Settings for a sandbox server.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long the simulated controllers wait before acting on a change.
    pub controller_delay: Duration,
    /// The port to bind on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// How many past events a watch can resume from (a real server keeps about five minutes);
    /// watching from an older resourceVersion gets 410 Gone.
    pub watch_history: usize,
    /// Whether `/api` and `/apis` serve aggregated discovery to clients that ask for it.
    pub discovery: DiscoveryMode,
}

/// How the server answers discovery on `/api` and `/apis`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DiscoveryMode {
    /// Aggregated discovery v2 to clients that ask for it (Kubernetes 1.30+), plain otherwise.
    #[default]
    Aggregated,
    /// Like a server before Kubernetes 1.26, or a proxy that drops the `Accept` profile: always
    /// the plain `APIVersions` and `APIGroupList` with `Content-Type: application/json`, so
    /// clients ask group by group.
    Legacy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            controller_delay: Duration::from_millis(50),
            port: 0,
            watch_history: 10_000,
            discovery: DiscoveryMode::Aggregated,
        }
    }
}

impl Options {
    pub fn controller_delay(mut self, delay: Duration) -> Options {
        self.controller_delay = delay;
        self
    }

    pub fn port(mut self, port: u16) -> Options {
        self.port = port;
        self
    }

    pub fn watch_history(mut self, events: usize) -> Options {
        self.watch_history = events;
        self
    }

    pub fn discovery(mut self, mode: DiscoveryMode) -> Options {
        self.discovery = mode;
        self
    }
}

enum Lifetime {
    /// Running on the caller's tokio runtime.
    Tasks(Vec<JoinHandle<()>>),
    /// Running on its own thread and runtime (see [`Sandbox::start_blocking`]).
    Thread {
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

/// A running sandbox API server. Dropping it stops the server.
pub struct Sandbox {
    address: SocketAddr,
    shared: Arc<server::Shared>,
    lifetime: Lifetime,
}

impl Sandbox {
    /// Binds 127.0.0.1 on a free port and serves on the current tokio runtime.
    pub async fn start() -> std::io::Result<Sandbox> {
        Sandbox::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], options.port))).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(server::Shared::new(options));
        *shared.address.lock().unwrap() = address;
        let router = server::router(shared.clone());
        let serve = tokio::spawn(server::serve(listener, router, shared.shutdown.subscribe()));
        let controllers = tokio::spawn(controllers::run(shared.clone()));
        Ok(Sandbox {
            address,
            shared,
            lifetime: Lifetime::Tasks(vec![serve, controllers]),
        })
    }

    /// Starts a sandbox on its own thread with its own runtime, for code that is not async
    /// (tests driving a binary with `assert_cmd`). Works inside or outside a tokio runtime.
    pub fn start_blocking() -> std::io::Result<Sandbox> {
        Sandbox::start_blocking_with(Options::default())
    }

    pub fn start_blocking_with(options: Options) -> std::io::Result<Sandbox> {
        let (ready_sender, ready) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("charts-sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_sender.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Sandbox::start_with(options).await {
                        Ok(sandbox) => {
                            let _ =
                                ready_sender.send(Ok((sandbox.address, sandbox.shared.clone())));
                            let _ = stopped.await;
                            drop(sandbox);
                        }
                        Err(error) => {
                            let _ = ready_sender.send(Err(error));
                        }
                    }
                });
            })?;
        let (address, shared) = ready
            .recv()
            .map_err(|_| std::io::Error::other("the sandbox thread stopped before it started"))??;
        Ok(Sandbox {
            address,
            shared,
            lifetime: Lifetime::Thread {
                stop: Some(stop),
                thread: Some(thread),
            },
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Writes a kubeconfig whose current context `sandbox` points at this server.
    pub fn write_kubeconfig(&self, path: &Path, namespace: Option<&str>) -> std::io::Result<()> {
        std::fs::write(path, kubeconfig(&self.url(), namespace))
    }

    /// Add or clear fault rules.
    pub fn faults(&self) -> Faults {
        self.shared.faults.clone()
    }

    /// Request counts per (verb, resource) so far.
    pub fn counters(&self) -> CounterSnapshot {
        self.shared.counters.snapshot()
    }

    pub fn reset_counters(&self) {
        self.shared.counters.reset();
    }

    /// The server as a tower service, to use as a `kube::Client` transport without a socket.
    pub fn router(&self) -> axum::Router {
        server::router(self.shared.clone())
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Sandbox")
            .field("url", &self.url())
            .finish()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        match &mut self.lifetime {
            Lifetime::Tasks(tasks) => {
                self.shared.shutdown.send_replace(true);
                for task in tasks {
                    task.abort();
                }
            }
            Lifetime::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

/// A kubeconfig for an `http://` server with context, cluster and user all named `sandbox`.
pub fn kubeconfig(url: &str, namespace: Option<&str>) -> String {
    let namespace = namespace
        .map(|ns| format!("\n    namespace: {ns}"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: sandbox
  cluster:
    server: {url}
contexts:
- name: sandbox
  context:
    cluster: sandbox
    user: sandbox{namespace}
current-context: sandbox
users:
- name: sandbox
  user: {{}}
preferences: {{}}
"
    )
}

/// Settings for the `serve` command of the binary.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub port: u16,
    pub kubeconfig: Option<std::path::PathBuf>,
    pub namespace: Option<String>,
    pub controller_delay: Duration,
    pub discovery: DiscoveryMode,
}

/// Runs a sandbox until SIGINT or SIGTERM: writes the kubeconfig, prints the address.
pub async fn serve_until_signal(settings: ServeSettings) -> std::io::Result<()> {
    let options = Options::default()
        .controller_delay(settings.controller_delay)
        .port(settings.port)
        .discovery(settings.discovery);
    let sandbox = Sandbox::start_with(options).await?;
    if let Some(path) = &settings.kubeconfig {
        sandbox.write_kubeconfig(path, settings.namespace.as_deref())?;
        eprintln!("kubeconfig written to {}", path.display());
    }
    println!("{}", sandbox.url());
    eprintln!("charts-sandbox: stores objects, runs no containers; stop with Ctrl-C");
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    drop(sandbox);
    Ok(())
}
