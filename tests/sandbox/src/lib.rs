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

mod admission;
mod apply;
mod auth;
mod controllers;
mod decode;
mod discovery;
mod due;
mod error;
mod faults;
mod immutable;
mod logs;
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

pub use auth::{ADMIN_NAME, ADMIN_TOKEN, User};
pub use faults::{CounterSnapshot, Fault, FaultAction, Faults};
pub use server::ADMIN_PREFIX;

/// The annotation that makes a workload fail; see the README for the values.
pub const FAIL_ANNOTATION: &str = "sandbox.charts.dev/fail";

/// The annotation that gives the exit code of a Pod's (first) container, e.g. `"3"`.
pub const EXIT_CODE_ANNOTATION: &str = "sandbox.charts.dev/exit-code";

/// The annotation whose text is what a Pod's containers "print": `GET pods/NAME/log` returns it.
pub const LOG_ANNOTATION: &str = "sandbox.charts.dev/log";

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
    /// Users known by bearer token, besides the admin (`sandbox-admin` in `system:masters`,
    /// token [`ADMIN_TOKEN`]). RBAC objects decide what they may do.
    pub users: Vec<User>,
    /// Whether requests without credentials act as the admin (the default, so plain clients
    /// keep working) or, like a real server, as `system:anonymous` in `system:unauthenticated`.
    pub anonymous_is_admin: bool,
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
            users: Vec::new(),
            anonymous_is_admin: true,
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

    /// Adds a user known by bearer token (see [`User`]).
    pub fn user(mut self, user: User) -> Options {
        self.users.push(user);
        self
    }

    pub fn anonymous_is_admin(mut self, admin: bool) -> Options {
        self.anonymous_is_admin = admin;
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
        let serve = tokio::spawn(server::serve(
            listener,
            router.clone(),
            shared.shutdown.subscribe(),
            None,
        ));
        let mut tasks = vec![serve];
        for user in &shared.options.users {
            let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
            shared.auth.set_address(&user.name, listener.local_addr()?);
            let token = axum::http::HeaderValue::from_str(&format!("Bearer {}", user.token))
                .map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!(
                            "the token of user `{}` is not a valid header value",
                            user.name
                        ),
                    )
                })?;
            tasks.push(tokio::spawn(server::serve(
                listener,
                router.clone(),
                shared.shutdown.subscribe(),
                Some(token),
            )));
        }
        tasks.push(tokio::spawn(controllers::run(shared.clone())));
        Ok(Sandbox {
            address,
            shared,
            lifetime: Lifetime::Tasks(tasks),
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

    /// `http://127.0.0.1:PORT` of the port that serves the user named `user` (requests without
    /// a token there are that user's), if the sandbox has such a user.
    pub fn url_for(&self, user: &str) -> Option<String> {
        self.shared
            .auth
            .address(user)
            .map(|address| format!("http://{address}"))
    }

    /// Writes a kubeconfig whose current context `sandbox` points at this server as the admin.
    /// Every other user has a context of its own name.
    pub fn write_kubeconfig(&self, path: &Path, namespace: Option<&str>) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig_text(namespace, None))
    }

    /// Like [`Sandbox::write_kubeconfig`], with the context of the user named `user` as current.
    pub fn write_kubeconfig_as(
        &self,
        path: &Path,
        namespace: Option<&str>,
        user: &str,
    ) -> std::io::Result<()> {
        let users = &self.shared.options.users;
        if !users.iter().any(|u| u.name == user) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("the sandbox has no user `{user}`"),
            ));
        }
        std::fs::write(path, self.kubeconfig_text(namespace, Some(user)))
    }

    fn kubeconfig_text(&self, namespace: Option<&str>, current: Option<&str>) -> String {
        let users: Vec<(User, String)> = self
            .shared
            .options
            .users
            .iter()
            .map(|user| {
                let url = self.url_for(&user.name).unwrap_or_else(|| self.url());
                (user.clone(), url)
            })
            .collect();
        kubeconfig_for(&self.url(), namespace, &users, current)
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

/// A kubeconfig for an `http://` server with context, cluster and user all named `sandbox`, the
/// admin.
pub fn kubeconfig(url: &str, namespace: Option<&str>) -> String {
    kubeconfig_for(url, namespace, &[], None)
}

/// A kubeconfig with the admin's context `sandbox` and one context per user in `users` (named
/// after the user, with the URL of the user's port: kubectl sends no token over plain http);
/// `current` names the current one (the admin's when `None`).
pub fn kubeconfig_for(
    url: &str,
    namespace: Option<&str>,
    users: &[(User, String)],
    current: Option<&str>,
) -> String {
    let namespace = namespace
        .map(|ns| format!("\n    namespace: {ns}"))
        .unwrap_or_default();
    let admin = User {
        name: "sandbox".into(),
        ..User::admin()
    };
    let everyone =
        std::iter::once((&admin, url)).chain(users.iter().map(|(u, url)| (u, url.as_str())));
    let mut clusters = String::new();
    let mut contexts = String::new();
    let mut credentials = String::new();
    for (user, url) in everyone {
        let name = yaml_string(&user.name);
        clusters.push_str(&format!("- name: {name}\n  cluster:\n    server: {url}\n"));
        contexts.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: {name}{namespace}\n"
        ));
        credentials.push_str(&format!(
            "- name: {name}\n  user:\n    token: {}\n",
            yaml_string(&user.token)
        ));
    }
    let current = yaml_string(current.unwrap_or("sandbox"));
    format!(
        "apiVersion: v1
kind: Config
clusters:
{clusters}contexts:
{contexts}current-context: {current}
users:
{credentials}preferences: {{}}
"
    )
}

/// A plain scalar when that reads back as the same string, else a quoted one.
fn yaml_string(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            text,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

/// Settings for the `serve` command of the binary.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub port: u16,
    pub kubeconfig: Option<std::path::PathBuf>,
    pub namespace: Option<String>,
    pub controller_delay: Duration,
    pub discovery: DiscoveryMode,
    pub users: Vec<User>,
    pub anonymous_is_admin: bool,
}

/// Runs a sandbox until SIGINT or SIGTERM: writes the kubeconfig, prints the address.
pub async fn serve_until_signal(settings: ServeSettings) -> std::io::Result<()> {
    let options = Options::default()
        .controller_delay(settings.controller_delay)
        .port(settings.port)
        .discovery(settings.discovery)
        .anonymous_is_admin(settings.anonymous_is_admin);
    let options = settings
        .users
        .iter()
        .cloned()
        .fold(options, |options, user| options.user(user));
    // Before the address is printed: a SIGTERM sent as soon as it is read must stop the server
    // cleanly, not kill it.
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let sandbox = Sandbox::start_with(options).await?;
    if let Some(path) = &settings.kubeconfig {
        sandbox.write_kubeconfig(path, settings.namespace.as_deref())?;
        eprintln!("kubeconfig written to {}", path.display());
    }
    println!("{}", sandbox.url());
    eprintln!("charts-sandbox: stores objects, runs no containers; stop with Ctrl-C");
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    drop(sandbox);
    Ok(())
}
