//! Authentication (bearer tokens) and authorization (RBAC) of every request, as the API server
//! does them before routing: unknown tokens get 401, requests RBAC does not allow get 403 with
//! the API's message. Members of `system:masters` skip RBAC (the API server's privileged-group
//! authorizer), so the admin pays one token lookup per request.

pub mod bootstrap;
mod rbac;
pub mod review;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method, header};
use serde_json::json;

use crate::error::{ApiError, ApiResult, group_resource};
use crate::store::Store;

pub use rbac::Decision;

/// The group whose members are allowed everything without RBAC.
pub const MASTERS: &str = "system:masters";
/// Added to the groups of every user with a valid token.
pub const AUTHENTICATED: &str = "system:authenticated";
/// The name and group of requests without credentials, when they are not taken as the admin.
pub const ANONYMOUS: &str = "system:anonymous";
pub const UNAUTHENTICATED: &str = "system:unauthenticated";

/// The user the default kubeconfig authenticates as: a member of `system:masters`.
pub const ADMIN_NAME: &str = "sandbox-admin";
/// The admin's bearer token (the sandbox only listens on 127.0.0.1).
pub const ADMIN_TOKEN: &str = "sandbox-admin-token";

/// A user known by bearer token, like a line of the API server's `--token-auth-file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub token: String,
    /// Groups besides `system:authenticated`, which every user with a valid token gets.
    pub groups: Vec<String>,
}

impl User {
    pub fn new(name: impl Into<String>, token: impl Into<String>) -> User {
        User {
            name: name.into(),
            token: token.into(),
            groups: Vec::new(),
        }
    }

    pub fn group(mut self, group: impl Into<String>) -> User {
        self.groups.push(group.into());
        self
    }

    /// A ServiceAccount's token: user `system:serviceaccount:<namespace>:<name>` in groups
    /// `system:serviceaccounts` and `system:serviceaccounts:<namespace>`, as the API server
    /// authenticates it (the ServiceAccount object itself need not exist).
    pub fn service_account(namespace: &str, name: &str, token: impl Into<String>) -> User {
        User::new(format!("system:serviceaccount:{namespace}:{name}"), token)
            .group("system:serviceaccounts")
            .group(format!("system:serviceaccounts:{namespace}"))
    }

    /// The built-in admin (`sandbox-admin`, group `system:masters`).
    pub fn admin() -> User {
        User::new(ADMIN_NAME, ADMIN_TOKEN).group(MASTERS)
    }
}

/// Who a request comes from, after authentication.
#[derive(Debug)]
pub struct Identity {
    pub name: String,
    /// With `system:authenticated` (or `system:unauthenticated`).
    pub groups: Vec<String>,
    /// In `system:masters`: RBAC is skipped.
    pub master: bool,
}

impl Identity {
    fn of(user: &User) -> Identity {
        let mut groups = user.groups.clone();
        if !groups.iter().any(|g| g == AUTHENTICATED) {
            groups.push(AUTHENTICATED.to_string());
        }
        Identity {
            name: user.name.clone(),
            master: groups.iter().any(|g| g == MASTERS),
            groups,
        }
    }
}

/// The users of one server and the RBAC index, rebuilt when RBAC objects change.
pub struct Auth {
    by_token: HashMap<String, Arc<Identity>>,
    /// Requests without credentials: the admin, or `system:anonymous`.
    anonymous: Arc<Identity>,
    index: Mutex<Option<Arc<rbac::Index>>>,
    /// The port of each user's listener, by user name.
    addresses: Mutex<HashMap<String, std::net::SocketAddr>>,
}

impl Auth {
    pub fn new(users: &[User], anonymous_is_admin: bool) -> Auth {
        let admin = Arc::new(Identity::of(&User::admin()));
        let mut by_token = HashMap::new();
        by_token.insert(ADMIN_TOKEN.to_string(), admin.clone());
        for user in users {
            by_token.insert(user.token.clone(), Arc::new(Identity::of(user)));
        }
        let anonymous = if anonymous_is_admin {
            admin
        } else {
            Arc::new(Identity {
                name: ANONYMOUS.into(),
                groups: vec![UNAUTHENTICATED.into()],
                master: false,
            })
        };
        Auth {
            by_token,
            anonymous,
            index: Mutex::new(None),
            addresses: Mutex::new(HashMap::new()),
        }
    }

    pub fn set_address(&self, user: &str, address: std::net::SocketAddr) {
        let mut addresses = self.addresses.lock().unwrap_or_else(|p| p.into_inner());
        addresses.insert(user.to_string(), address);
    }

    pub fn address(&self, user: &str) -> Option<std::net::SocketAddr> {
        let addresses = self.addresses.lock().unwrap_or_else(|p| p.into_inner());
        addresses.get(user).copied()
    }

    /// The user of a request from its `Authorization` header; 401 for a token nobody has.
    pub fn authenticate(&self, headers: &HeaderMap) -> ApiResult<Arc<Identity>> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Ok(self.anonymous.clone());
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        token
            .and_then(|token| self.by_token.get(token))
            .cloned()
            .ok_or_else(unauthorized)
    }

    /// The RBAC index for the store as it is now (rebuilt only after RBAC objects changed).
    fn index(&self, store: &Store) -> Arc<rbac::Index> {
        let fingerprint = rbac::Fingerprint::of(store);
        let mut cached = self.index.lock().unwrap_or_else(|p| p.into_inner());
        match cached.as_ref() {
            Some(index) if index.fingerprint == fingerprint => index.clone(),
            _ => {
                let index = Arc::new(rbac::Index::build(store, fingerprint));
                *cached = Some(index.clone());
                index
            }
        }
    }

    /// What RBAC says about one request of `user` (masters are always allowed).
    pub fn decide(&self, store: &Store, user: &Identity, request: &Attributes) -> Decision {
        if user.master {
            return Decision::allowed(String::new());
        }
        self.index(store).decide(user, request)
    }

    /// The rules `user` holds in `namespace` (SelfSubjectRulesReview).
    pub fn rules(&self, store: &Store, user: &Identity, namespace: &str) -> serde_json::Value {
        self.index(store).rules_for(user, namespace)
    }

    /// Authorizes one request before it is served: `Err` is the 403 to send. A server-side
    /// apply (`applies`) of an object that does not exist yet creates it, so it also needs
    /// `create`, as the API server checks.
    pub fn authorize(
        &self,
        store: &Store,
        user: &Identity,
        method: &Method,
        path: &str,
        query: &HashMap<String, String>,
        applies: bool,
    ) -> ApiResult<()> {
        if user.master {
            return Ok(());
        }
        let mut request = Attributes::from_request(method, path, query);
        let decision = self.decide(store, user, &request);
        if !decision.allowed {
            return Err(forbidden(&user.name, &request, &decision.reason));
        }
        if applies
            && request.subresource.is_empty()
            && !request.name.is_empty()
            && !exists(store, &request)
        {
            request.verb = "create".into();
            let decision = self.decide(store, user, &request);
            if !decision.allowed {
                return Err(forbidden(&user.name, &request, &decision.reason));
            }
        }
        Ok(())
    }
}

/// Authenticates and authorizes one request: the user, or the 401/403 to send. The store is
/// only locked for users RBAC applies to.
pub fn check(
    shared: &crate::server::Shared,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
) -> ApiResult<Arc<Identity>> {
    let user = shared.auth.authenticate(headers)?;
    if !user.master {
        let applies = *method == Method::PATCH
            && headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/apply-patch"));
        let store = shared.store();
        shared
            .auth
            .authorize(&store, &user, method, path, query, applies)?;
    }
    Ok(user)
}

fn exists(store: &Store, request: &Attributes) -> bool {
    let Some(resource) = store
        .registry
        .find(&request.group, &request.version, &request.resource)
    else {
        return true;
    };
    let namespace = if resource.namespaced {
        request.namespace.as_str()
    } else {
        ""
    };
    store
        .lookup(&resource.group, &resource.plural, namespace, &request.name)
        .is_some()
}

/// What a request asks to do, as the API server's request-info parser sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    pub verb: String,
    pub resource_request: bool,
    pub namespace: String,
    pub group: String,
    pub version: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
    /// Non-resource requests: the URL path.
    pub path: String,
}

impl Attributes {
    /// `/api/v1/...` with at least a resource, or `/apis/group/version/...`; everything else
    /// (`/version`, `/api`, `/apis/apps/v1`, `/healthz`) is a non-resource request whose verb
    /// is the lowercase HTTP method.
    pub fn from_request(
        method: &Method,
        path: &str,
        query: &HashMap<String, String>,
    ) -> Attributes {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let non_resource = || Attributes {
            verb: method.as_str().to_ascii_lowercase(),
            path: path.to_string(),
            ..Attributes::default()
        };
        let (group, rest) = match parts.as_slice() {
            ["api", rest @ ..] if rest.len() >= 2 => ("", rest),
            ["apis", group, rest @ ..] if rest.len() >= 2 => (*group, rest),
            _ => return non_resource(),
        };
        let mut attributes = Attributes {
            resource_request: true,
            group: group.to_string(),
            version: rest[0].to_string(),
            ..Attributes::default()
        };
        let mut rest = &rest[1..];
        let mut watch = matches!(query.get("watch").map(String::as_str), Some("true" | "1"));
        if rest.first() == Some(&"watch") {
            watch = true;
            rest = &rest[1..];
        }
        if rest.first() == Some(&"namespaces") && rest.len() > 1 {
            attributes.namespace = rest[1].to_string();
            if rest.len() > 2 && !matches!(rest[2], "status" | "finalize") {
                rest = &rest[2..];
            }
        }
        attributes.resource = rest.first().map(|s| s.to_string()).unwrap_or_default();
        attributes.name = rest.get(1).map(|s| s.to_string()).unwrap_or_default();
        attributes.subresource = rest.get(2).map(|s| s.to_string()).unwrap_or_default();
        let named = !attributes.name.is_empty();
        attributes.verb = match *method {
            Method::GET | Method::HEAD if watch => "watch",
            Method::GET | Method::HEAD if named => "get",
            Method::GET | Method::HEAD => "list",
            Method::POST => "create",
            Method::PUT => "update",
            Method::PATCH => "patch",
            Method::DELETE if named => "delete",
            Method::DELETE => "deletecollection",
            _ => "",
        }
        .to_string();
        // A list or watch of one name (`fieldSelector=metadata.name=x`) is about that name.
        if !named
            && matches!(attributes.verb.as_str(), "list" | "watch")
            && let Some(name) = query
                .get("fieldSelector")
                .and_then(|s| s.strip_prefix("metadata.name="))
                .filter(|name| !name.contains([',', '!', '=']))
        {
            attributes.name = name.to_string();
        }
        attributes
    }

    /// `pods/log` or `pods`.
    fn full_resource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }
}

/// 401, as the API server answers a token it does not know.
pub fn unauthorized() -> ApiError {
    ApiError::new(401, "Unauthorized", "Unauthorized")
}

/// The authorizer's 403: `deployments.apps "web" is forbidden: User "ci" cannot get resource
/// "deployments" in API group "apps" in the namespace "x"`, plus `: <reason>` when RBAC gave one.
pub fn forbidden(user: &str, request: &Attributes, reason: &str) -> ApiError {
    let mut why = if !request.resource_request {
        format!(
            "User \"{user}\" cannot {} path \"{}\"",
            request.verb, request.path
        )
    } else if request.namespace.is_empty() {
        format!(
            "User \"{user}\" cannot {} resource \"{}\" in API group \"{}\" at the cluster scope",
            request.verb,
            request.full_resource(),
            request.group
        )
    } else {
        format!(
            "User \"{user}\" cannot {} resource \"{}\" in API group \"{}\" in the namespace \"{}\"",
            request.verb,
            request.full_resource(),
            request.group,
            request.namespace
        )
    };
    if !reason.is_empty() {
        why.push_str(": ");
        why.push_str(reason);
    }
    if !request.resource_request {
        return ApiError {
            details: Some(Box::new(json!({}))),
            ..ApiError::new(403, "Forbidden", format!("forbidden: {why}"))
        };
    }
    let subject = group_resource(&request.group, &request.resource);
    let message = if request.name.is_empty() {
        format!("{subject} is forbidden: {why}")
    } else {
        format!("{subject} \"{}\" is forbidden: {why}", request.name)
    };
    let mut details = serde_json::Map::new();
    if !request.name.is_empty() {
        details.insert("name".into(), json!(request.name));
    }
    if !request.group.is_empty() {
        details.insert("group".into(), json!(request.group));
    }
    details.insert("kind".into(), json!(request.resource));
    ApiError {
        details: Some(Box::new(details.into())),
        ..ApiError::new(403, "Forbidden", message)
    }
}
