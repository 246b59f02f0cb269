//! Everything that talks to the Kubernetes API: connecting (kubeconfig, context, namespace) and
//! turning API failures into errors that say which cluster, namespace and verb failed.

use std::path::PathBuf;

pub mod apply;
pub mod discovery;
pub mod explain;
pub mod namespace;
pub mod pods;
pub mod ready;
pub mod retry;

use kube::config::{KubeConfigOptions, Kubeconfig};

/// How to reach the cluster, as resolved from flags and environment by the CLI layer.
#[derive(Debug, Clone, Default)]
pub struct ClusterSettings {
    /// `--kubeconfig`; otherwise `KUBECONFIG`, then `~/.kube/config`, then in-cluster.
    pub kubeconfig: Option<PathBuf>,
    /// `--kube-context`; otherwise the kubeconfig's current context.
    pub context: Option<String>,
    /// `-n`/`CHARTS_NAMESPACE`; otherwise the context's namespace, then `default`.
    pub namespace: Option<String>,
}

/// A connected client and where it points.
#[derive(Clone)]
pub struct Cluster {
    pub client: kube::Client,
    pub namespace: String,
    /// The API server URL, for messages.
    pub server: String,
}

/// A failure to reach or use the cluster. Boxed: it carries several names and a source, and
/// every `Result` in the program carries it.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(Box<ErrorKind>);

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    #[error("cannot read kubeconfig `{path}`")]
    Kubeconfig {
        path: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("no cluster configured: no kubeconfig found and not running inside a cluster")]
    NoConfig,
    #[error("cannot create a client for `{server}`")]
    Client {
        server: String,
        #[source]
        source: kube::Error,
    },
    #[error(
        "cannot reach the cluster at `{server}` to {verb} {resource} in namespace `{namespace}`"
    )]
    Unreachable {
        server: String,
        verb: String,
        resource: String,
        namespace: String,
        #[source]
        source: kube::Error,
    },
    #[error(
        "the cluster at `{server}` rejected our credentials (401) to {verb} {resource} in namespace `{namespace}`"
    )]
    Unauthorized {
        server: String,
        verb: String,
        resource: String,
        namespace: String,
        message: String,
    },
    /// The credentials were accepted, but the authorizer refused the request (403): its message
    /// names the user the cluster saw.
    #[error(
        "the cluster at `{server}` does not allow us to {verb} {resource} in namespace `{namespace}` (403): {message}"
    )]
    Forbidden {
        server: String,
        verb: String,
        resource: String,
        namespace: String,
        message: String,
    },
    #[error("the API discovery of the cluster at `{server}` is unusable: {problem}")]
    Discovery { server: String, problem: String },
    #[error("{verb} {resource} in namespace `{namespace}` failed on `{server}`: {message}")]
    Api {
        server: String,
        code: u16,
        reason: String,
        verb: String,
        resource: String,
        namespace: String,
        message: String,
    },
}

impl Error {
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        match &*self.0 {
            ErrorKind::NoConfig => Some("pass `--kubeconfig PATH`, set `KUBECONFIG`, or create ~/.kube/config".into()),
            ErrorKind::Unreachable { .. } => Some("check that the cluster is up and that `--kube-context` points at it (`kubectl cluster-info`)".into()),
            ErrorKind::Discovery { .. } => Some("compare with `kubectl get --raw /api`; a proxy in front of the API server may rewrite discovery".into()),
            ErrorKind::Unauthorized { .. } => Some("your credentials were not accepted: log in again or refresh the token in your kubeconfig".into()),
            ErrorKind::Forbidden { verb, resource, namespace, .. } => Some(format!(
                "ask for RBAC permission to {verb} {resource} in `{namespace}` (`kubectl auth can-i {verb} {resource} -n {namespace}`)"
            )),
            _ => None,
        }
    }

    /// Classifies a kube error from one API call.
    pub fn from_kube(
        source: kube::Error,
        cluster: &Cluster,
        verb: &str,
        resource: &str,
        namespace: &str,
    ) -> Error {
        let kind = match source {
            kube::Error::Api(status) => {
                let code = status.code;
                let message = status.message.clone();
                // A 403 from admission (quota, limits, a terminating namespace) is not about
                // credentials: its message is what the user needs.
                if code == 401 {
                    ErrorKind::Unauthorized {
                        server: cluster.server.clone(),
                        verb: verb.into(),
                        resource: resource.into(),
                        namespace: namespace.into(),
                        message,
                    }
                } else if code == 403 && denied_by_authorization(&message) {
                    ErrorKind::Forbidden {
                        server: cluster.server.clone(),
                        verb: verb.into(),
                        resource: resource.into(),
                        namespace: namespace.into(),
                        message,
                    }
                } else {
                    ErrorKind::Api {
                        server: cluster.server.clone(),
                        code,
                        reason: status.reason.clone(),
                        verb: verb.into(),
                        resource: resource.into(),
                        namespace: namespace.into(),
                        message,
                    }
                }
            }
            other => ErrorKind::Unreachable {
                server: cluster.server.clone(),
                verb: verb.into(),
                resource: resource.into(),
                namespace: namespace.into(),
                source: other,
            },
        };
        kind.into()
    }
}

/// Whether a 403 message is the authorizer's (`User "ci" cannot create resource ...`) or an
/// RBAC escalation refusal, rather than an admission plugin's.
pub(crate) fn denied_by_authorization(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    (lower.contains("user \"") && lower.contains(" cannot "))
        || lower.contains("is attempting to grant rbac permissions")
}

/// The namespace to work in: the explicit one, else the context's, else `default`.
pub fn resolve_namespace(explicit: Option<&str>, from_context: Option<&str>) -> String {
    explicit
        .filter(|n| !n.is_empty())
        .or(from_context.filter(|n| !n.is_empty()))
        .unwrap_or("default")
        .to_string()
}

impl ClusterSettings {
    /// The namespace of a command that does not talk to the cluster (`template`, `lint`,
    /// `install --dry-run`): resolved as `connect` does (`-n`/`CHARTS_NAMESPACE`, the context's,
    /// in a pod without kubeconfig the service account's, `default`), except that a missing or
    /// unreadable kubeconfig counts as none.
    pub fn offline_namespace(&self) -> String {
        let from_context = match read_kubeconfig(self) {
            Ok(Some(kubeconfig)) => context_namespace(&kubeconfig, self.context.as_deref()),
            Ok(None) => kube::Config::incluster()
                .ok()
                .map(|config| config.default_namespace),
            Err(_) => None,
        };
        resolve_namespace(self.namespace.as_deref(), from_context.as_deref())
    }
}

/// The namespace of the selected context (`--kube-context`, else the current one), if it names one.
fn context_namespace(kubeconfig: &Kubeconfig, context: Option<&str>) -> Option<String> {
    let name = context.or(kubeconfig.current_context.as_deref())?;
    let named = kubeconfig.contexts.iter().find(|c| c.name == name)?;
    named.context.as_ref()?.namespace.clone()
}

/// The kubeconfig the settings point at: `--kubeconfig`, else `KUBECONFIG`, else
/// `~/.kube/config` if it exists. `None` when there is none (in-cluster, or no cluster at all).
fn read_kubeconfig(settings: &ClusterSettings) -> Result<Option<Kubeconfig>, Error> {
    let read = |path: &std::path::Path| -> Result<Kubeconfig, Error> {
        Kubeconfig::read_from(path).map_err(|source| {
            ErrorKind::Kubeconfig {
                path: path.display().to_string(),
                source,
            }
            .into()
        })
    };
    if let Some(path) = &settings.kubeconfig {
        return Ok(Some(read(path)?));
    }
    if let Some(value) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let kubeconfig = Kubeconfig::from_env().map_err(|source| ErrorKind::Kubeconfig {
            path: value.to_string_lossy().into_owned(),
            source,
        })?;
        return Ok(Some(kubeconfig.ok_or(ErrorKind::NoConfig)?));
    }
    let default = std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".kube/config"));
    match default.filter(|p| p.is_file()) {
        Some(path) => Ok(Some(read(&path)?)),
        None => Ok(None),
    }
}

/// Connects to the cluster the settings name. Makes no API call.
/// The User-Agent of every request to the API server: `charts/0.1.0 (linux/x86_64)`.
fn user_agent() -> http::HeaderValue {
    let agent = format!(
        "charts/{} ({}/{})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    http::HeaderValue::from_str(&agent).expect("a version, an OS and an architecture are ASCII")
}

pub async fn connect(settings: &ClusterSettings) -> Result<Cluster, Error> {
    let options = KubeConfigOptions {
        context: settings.context.clone(),
        ..KubeConfigOptions::default()
    };
    let (mut config, from_context) = match read_kubeconfig(settings)? {
        Some(kubeconfig) => {
            let from_context = context_namespace(&kubeconfig, settings.context.as_deref());
            let label = settings
                .kubeconfig
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "kubeconfig".to_string());
            let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .map_err(|source| ErrorKind::Kubeconfig {
                    path: label,
                    source,
                })?;
            (config, from_context)
        }
        None => {
            let config = kube::Config::incluster().map_err(|_| ErrorKind::NoConfig)?;
            let from_context = Some(config.default_namespace.clone());
            (config, from_context)
        }
    };
    // `retry::retry` is the one retry: kube's own layer would retry each of its attempts up to
    // 15 times, sleeping as long as `Retry-After` says, so a lasting 503 held a call for minutes.
    config.default_retry = false;
    // As kubectl's `kubectl/v1.35.0 (linux/amd64)`: the API server names the field manager of a
    // write that gives none (record Secrets, merge patches) after it, and audit logs show it.
    config
        .headers
        .push((http::header::USER_AGENT, user_agent()));
    let server = config
        .cluster_url
        .to_string()
        .trim_end_matches('/')
        .to_string();
    let namespace = resolve_namespace(settings.namespace.as_deref(), from_context.as_deref());
    let client = kube::Client::try_from(config).map_err(|source| ErrorKind::Client {
        server: server.clone(),
        source,
    })?;
    Ok(Cluster {
        client,
        namespace,
        server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_authorizer_refusals_are_about_credentials() {
        assert!(denied_by_authorization(
            "namespaces is forbidden: User \"ci\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope"
        ));
        assert!(denied_by_authorization(
            "rolebindings.rbac.authorization.k8s.io \"x\" is forbidden: user \"ci\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:"
        ));
        assert!(!denied_by_authorization(
            "pods \"web\" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1"
        ));
        assert!(!denied_by_authorization(
            "configmaps \"c\" is forbidden: unable to create new content in namespace x because it is being terminated"
        ));
    }

    #[test]
    fn namespace_precedence() {
        assert_eq!(resolve_namespace(Some("dev"), Some("ctx")), "dev");
        assert_eq!(resolve_namespace(None, Some("ctx")), "ctx");
        assert_eq!(resolve_namespace(Some(""), None), "default");
    }

    #[tokio::test]
    async fn kubeconfig_context_and_namespace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {server: 'http://127.0.0.1:6443'}\n- name: b\n  cluster: {server: 'http://127.0.0.1:7443'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: one\n  context: {cluster: a, user: u, namespace: team-a}\n- name: two\n  context: {cluster: b, user: u}\ncurrent-context: one\n",
        )
        .unwrap();
        let settings = ClusterSettings {
            kubeconfig: Some(path.clone()),
            ..ClusterSettings::default()
        };
        let cluster = connect(&settings).await.unwrap();
        assert_eq!(
            (cluster.server.as_str(), cluster.namespace.as_str()),
            ("http://127.0.0.1:6443", "team-a")
        );
        // Commands that do not connect resolve the same namespace.
        assert_eq!(settings.offline_namespace(), "team-a");
        let other = ClusterSettings {
            context: Some("two".into()),
            ..settings.clone()
        };
        assert_eq!(other.offline_namespace(), "default");
        let unreadable = ClusterSettings {
            kubeconfig: Some(dir.path().join("nope")),
            namespace: None,
            context: None,
        };
        assert_eq!(unreadable.offline_namespace(), "default");
        let cluster = connect(&ClusterSettings {
            context: Some("two".into()),
            namespace: Some("dev".into()),
            ..settings.clone()
        })
        .await
        .unwrap();
        assert_eq!(
            (cluster.server.as_str(), cluster.namespace.as_str()),
            ("http://127.0.0.1:7443", "dev")
        );
        let missing = connect(&ClusterSettings {
            kubeconfig: Some(dir.path().join("nope")),
            ..ClusterSettings::default()
        })
        .await
        .err()
        .unwrap();
        assert!(
            missing.to_string().contains("cannot read kubeconfig"),
            "{missing}"
        );
    }
}
