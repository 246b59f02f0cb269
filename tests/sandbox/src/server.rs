//! HTTP: routing of Kubernetes API paths, request decoding, response rendering, watch streams,
//! the admin endpoint, and the accept loop (which can drop a connection on demand).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc, watch};

use crate::decode::FieldValidation;
use crate::discovery;
use crate::error::{ApiError, ApiResult, group_resource};
use crate::faults::{Counters, Fault, FaultAction, Faults};
use crate::registry::ResourceType;
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::{
    DeleteOptions, EventType, Ownership, PatchType, Propagation, Store, WatchEvent, WriteOptions,
};
use crate::validate::MAX_BODY_BYTES;
use crate::{DiscoveryMode, Options};

/// The admin endpoint's path prefix: a path no real API server serves.
pub const ADMIN_PREFIX: &str = "/sandbox.charts.dev/";

/// State shared by every request of one server.
pub struct Shared {
    pub store: Mutex<Store>,
    pub auth: crate::auth::Auth,
    pub faults: Faults,
    pub counters: Counters,
    pub options: Options,
    pub address: Mutex<SocketAddr>,
    pub shutdown: watch::Sender<bool>,
}

impl Shared {
    pub fn new(options: Options) -> Shared {
        let mut store = Store::new(options.watch_history);
        crate::auth::bootstrap::install(&mut store);
        Shared {
            store: Mutex::new(store),
            auth: crate::auth::Auth::new(&options.users, options.anonymous_is_admin),
            faults: Faults::default(),
            counters: Counters::default(),
            options,
            address: Mutex::new(SocketAddr::from(([127, 0, 0, 1], 0))),
            shutdown: watch::channel(false).0,
        }
    }

    pub fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// Put into each request by the accept loop: notifying it closes the connection.
#[derive(Clone)]
struct ConnectionKill(Arc<Notify>);

/// Accepts connections until shutdown. Each connection is served by hyper directly so a `Drop`
/// fault can close the socket without sending a response. A listener with a `token` serves one
/// user: requests without credentials on it carry that user's token (kubectl sends no token
/// over plain http, so its contexts for other users point at their own ports).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
    token: Option<HeaderValue>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let connection = serve_connection(stream, router.clone(), shutdown.clone(), token.clone());
                tokio::spawn(connection);
            }
            _ = shutdown.changed() => break,
        }
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
    token: Option<HeaderValue>,
) {
    use tower::ServiceExt;
    let kill = Arc::new(Notify::new());
    let kill_handle = kill.clone();
    let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
        request
            .extensions_mut()
            .insert(ConnectionKill(kill_handle.clone()));
        if let Some(token) = &token
            && !request.headers().contains_key(header::AUTHORIZATION)
        {
            request
                .headers_mut()
                .insert(header::AUTHORIZATION, token.clone());
        }
        router.clone().oneshot(request.map(Body::new))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = kill.notified() => {}
        _ = shutdown.changed() => {}
    }
}

type Query = HashMap<String, String>;

fn parse_query(query: Option<&str>) -> Query {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn flag(query: &Query, key: &str) -> bool {
    matches!(query.get(key).map(String::as_str), Some("true" | "1"))
}

/// Which API path a request names.
#[derive(Debug)]
enum Route {
    Version,
    CoreVersions,
    Groups,
    Group(String),
    GroupVersion(String, String),
    OpenApiV2,
    Health,
    Resource(ResourceRoute),
    Unknown,
}

#[derive(Debug, Clone)]
struct ResourceRoute {
    group: String,
    version: String,
    namespace: Option<String>,
    plural: String,
    name: Option<String>,
    subresource: Option<String>,
}

fn parse_route(path: &str) -> Route {
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segments.as_slice() {
        ["version"] => Route::Version,
        ["api"] => Route::CoreVersions,
        ["apis"] => Route::Groups,
        ["apis", group] => Route::Group(group.to_string()),
        ["api", version] => Route::GroupVersion(String::new(), version.to_string()),
        ["apis", group, version] => Route::GroupVersion(group.to_string(), version.to_string()),
        ["api", version, rest @ ..] => resource_route("", version, rest),
        ["apis", group, version, rest @ ..] => resource_route(group, version, rest),
        ["openapi", "v2"] => Route::OpenApiV2,
        ["healthz" | "livez" | "readyz"] => Route::Health,
        _ => Route::Unknown,
    }
}

fn resource_route(group: &str, version: &str, rest: &[&str]) -> Route {
    let make =
        |namespace: Option<&str>, plural: &str, name: Option<&&str>, subresource: Option<&&str>| {
            Route::Resource(ResourceRoute {
                group: group.to_string(),
                version: version.to_string(),
                namespace: namespace.map(String::from),
                plural: plural.to_string(),
                name: name.map(|s| s.to_string()),
                subresource: subresource.map(|s| s.to_string()),
            })
        };
    match rest {
        ["namespaces", namespace, plural, tail @ ..]
            if tail.len() <= 2
                && !(tail.is_empty() && matches!(*plural, "status" | "finalize")) =>
        {
            make(Some(namespace), plural, tail.first(), tail.get(1))
        }
        [plural] => make(None, plural, None, None),
        [plural, name] => make(None, plural, Some(name), None),
        [plural, name, subresource] => make(None, plural, Some(name), Some(subresource)),
        _ => Route::Unknown,
    }
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The verb a request counts as (also used to match faults).
fn verb_of(method: &Method, route: &Route, query: &Query, headers: &HeaderMap) -> &'static str {
    let Route::Resource(resource) = route else {
        return "discovery";
    };
    match *method {
        Method::GET if flag(query, "watch") => "watch",
        Method::GET if resource.name.is_some() => "get",
        Method::GET => "list",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH if content_type(headers) == "application/apply-patch+yaml" => "apply",
        Method::PATCH => "patch",
        Method::DELETE if resource.name.is_some() => "delete",
        Method::DELETE => "deletecollection",
        _ => "other",
    }
}

fn resource_label(route: &Route, path: &str) -> String {
    match route {
        Route::Resource(resource) => {
            let mut label = group_resource(&resource.group, &resource.plural);
            if let Some(subresource) = &resource.subresource {
                label.push('/');
                label.push_str(subresource);
            }
            label
        }
        _ => path.to_string(),
    }
}

fn json_response(code: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("valid response")
}

/// Adds one `Warning: 299 - "..."` header per warning, as the API server sends them.
fn with_warnings(mut response: Response, options: &WriteOptions) -> Response {
    for warning in options.warnings.borrow().iter() {
        let text = format!(
            "299 - {}",
            serde_json::to_string(warning).unwrap_or_default()
        );
        if let Ok(value) = HeaderValue::from_str(&text) {
            response.headers_mut().append(header::WARNING, value);
        }
    }
    response
}

fn aggregated_response(value: &Value) -> Response {
    let mut response = json_response(StatusCode::OK, value);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(discovery::AGGREGATED_V2),
    );
    response
}

fn error_response(error: &ApiError) -> Response {
    let mut response = json_response(
        StatusCode::from_u16(error.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        &error.to_status(),
    );
    if let Some(seconds) = error.retry_after {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_str(&seconds.to_string()).unwrap(),
        );
    }
    response
}

fn fault_error(action: &FaultAction) -> Option<ApiError> {
    match action {
        FaultAction::Status { code } => {
            let reason = match code {
                503 => "ServiceUnavailable",
                504 => "Timeout",
                429 => "TooManyRequests",
                _ => "InternalError",
            };
            let mut error = ApiError::new(
                *code,
                reason,
                format!("injected fault: the sandbox answered {code}"),
            );
            if *code == 503 || *code == 429 {
                error.retry_after = Some(1);
            }
            Some(error)
        }
        FaultAction::TooManyRequests {
            retry_after_seconds,
        } => {
            let mut error = ApiError::new(
                429,
                "TooManyRequests",
                "injected fault: too many requests, please try again later",
            );
            error.details = Some(Box::new(json!({"retryAfterSeconds": retry_after_seconds})));
            error.retry_after = Some(*retry_after_seconds);
            Some(error)
        }
        FaultAction::Latency { .. } | FaultAction::Drop => None,
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    if let Some(rest) = path.strip_prefix(ADMIN_PREFIX) {
        let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .unwrap_or_default();
        return admin(&shared, &parts.method, rest, &body);
    }
    let query = parse_query(parts.uri.query());
    let route = parse_route(&path);
    let verb = verb_of(&parts.method, &route, &query, &parts.headers);
    let label = resource_label(&route, &path);
    shared.counters.record(verb, &label);
    for action in shared.faults.check(verb, &label) {
        match action {
            FaultAction::Latency { milliseconds } => {
                tokio::time::sleep(Duration::from_millis(milliseconds)).await
            }
            FaultAction::Drop => {
                if let Some(ConnectionKill(kill)) = parts.extensions.get::<ConnectionKill>() {
                    kill.notify_one();
                    // The connection task drops this future along with the socket.
                    std::future::pending::<()>().await;
                }
                // In-process transport (no socket): fail the body instead.
                let stream = futures_util::stream::once(async {
                    Err::<Bytes, std::io::Error>(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "injected fault: connection dropped",
                    ))
                });
                return Response::new(Body::from_stream(stream));
            }
            other => {
                if let Some(error) = fault_error(&other) {
                    return error_response(&error);
                }
            }
        }
    }
    let user = match crate::auth::check(&shared, &parts.headers, &parts.method, &path, &query) {
        Ok(user) => user,
        Err(error) => return error_response(&error),
    };
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return error_response(&ApiError::new(
                413,
                "RequestEntityTooLarge",
                format!("Request entity too large: limit is {MAX_BODY_BYTES}"),
            ));
        }
    };
    let decode = || decode_body(&parts.headers, &body, false);
    if let Some(review) = crate::auth::review::serve(&shared, &user, &parts.method, &path, decode) {
        return review
            .map(|answer| json_response(StatusCode::CREATED, &answer))
            .unwrap_or_else(|error| error_response(&error));
    }
    let aggregated = shared.options.discovery == DiscoveryMode::Aggregated
        && parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(discovery::wants_aggregated);
    let result = match route {
        Route::Version => Ok(json_response(StatusCode::OK, &discovery::version())),
        Route::CoreVersions if aggregated => Ok(aggregated_response(&discovery::aggregated(
            &shared.store().registry,
            true,
        ))),
        Route::Groups if aggregated => Ok(aggregated_response(&discovery::aggregated(
            &shared.store().registry,
            false,
        ))),
        Route::CoreVersions => {
            let address = shared.address.lock().unwrap().to_string();
            Ok(json_response(
                StatusCode::OK,
                &discovery::core_versions(&address),
            ))
        }
        Route::Groups => Ok(json_response(
            StatusCode::OK,
            &discovery::group_list(&shared.store().registry),
        )),
        Route::Group(group) => discovery::group(&shared.store().registry, &group)
            .map(|v| json_response(StatusCode::OK, &v))
            .ok_or_else(ApiError::path_not_found),
        Route::GroupVersion(group, version) => {
            discovery::resource_list(&shared.store().registry, &group, &version)
                .map(|v| json_response(StatusCode::OK, &v))
                .ok_or_else(ApiError::path_not_found)
        }
        // An empty (valid) OpenAPI v2 document: no schemas are published, so kubectl's client-side
        // validation finds nothing to check and carries on.
        Route::OpenApiV2 => Ok(Response::builder()
            .header(
                header::CONTENT_TYPE,
                "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            )
            .body(Body::empty())
            .unwrap()),
        Route::Health => Ok(Response::new(Body::from("ok"))),
        Route::Unknown => Err(ApiError::path_not_found()),
        Route::Resource(resource) => {
            let request = ApiRequest {
                method: parts.method.clone(),
                route: resource,
                query,
                headers: parts.headers.clone(),
                body,
            };
            handle_resource(&shared, request)
        }
    };
    result.unwrap_or_else(|error| error_response(&error))
}

struct ApiRequest {
    method: Method,
    route: ResourceRoute,
    query: Query,
    headers: HeaderMap,
    body: Bytes,
}

/// How a response should shape objects: the version asked for and metadata-only reads.
struct Render<'a> {
    resource: &'a ResourceType,
    api_version: String,
    metadata_only: bool,
}

impl Render<'_> {
    fn object(&self, object: &Value) -> Value {
        if self.metadata_only {
            return crate::table::partial_object_metadata(object);
        }
        if object.get("apiVersion").and_then(Value::as_str) == Some(self.api_version.as_str()) {
            return object.clone();
        }
        let mut copy = object.clone();
        if let Some(map) = copy.as_object_mut() {
            map.insert("apiVersion".into(), json!(self.api_version));
        }
        copy
    }

    /// A list response of `objects`, written straight from the stored objects (no copy of
    /// them is made: a page of 500 records is the hot path of `charts list -A`).
    fn list<'o>(&self, objects: impl Iterator<Item = &'o Value>, metadata: Value) -> Response {
        let (kind, api_version) = if self.metadata_only {
            (
                "PartialObjectMetadataList".to_string(),
                "meta.k8s.io/v1".to_string(),
            )
        } else {
            (
                format!("{}List", self.resource.kind),
                self.api_version.clone(),
            )
        };
        let body = ListBody {
            kind,
            api_version,
            metadata,
            items: objects
                .map(|object| Item {
                    render: self,
                    object,
                })
                .collect(),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(bytes))
            .expect("valid response")
    }
}

#[derive(serde::Serialize)]
struct ListBody<'a> {
    kind: String,
    #[serde(rename = "apiVersion")]
    api_version: String,
    metadata: Value,
    items: Vec<Item<'a>>,
}

/// One list item as [`Render::object`] shapes it, except that built-in types leave out
/// kind/apiVersion in items, as the real server does.
struct Item<'a> {
    render: &'a Render<'a>,
    object: &'a Value,
}

impl serde::Serialize for Item<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let render = self.render;
        if render.metadata_only {
            let mut map = serializer.serialize_map(Some(3))?;
            map.serialize_entry("kind", "PartialObjectMetadata")?;
            map.serialize_entry("apiVersion", "meta.k8s.io/v1")?;
            match self.object.get("metadata") {
                Some(metadata) => map.serialize_entry("metadata", metadata)?,
                None => map.serialize_entry("metadata", &serde_json::Map::new())?,
            }
            return map.end();
        }
        let Some(fields) = self.object.as_object() else {
            return self.object.serialize(serializer);
        };
        // Custom resources keep kind and apiVersion (the version asked for, in place).
        let keep_type = render.resource.custom;
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in fields {
            match key.as_str() {
                "kind" if !keep_type => {}
                "apiVersion" if !keep_type => {}
                "apiVersion" => map.serialize_entry(key, &render.api_version)?,
                _ => map.serialize_entry(key, value)?,
            }
        }
        if keep_type && !fields.contains_key("apiVersion") {
            map.serialize_entry("apiVersion", &render.api_version)?;
        }
        map.end()
    }
}

fn decode_body(headers: &HeaderMap, body: &[u8], apply: bool) -> ApiResult<Value> {
    let kind = content_type(headers);
    if kind == "application/vnd.kubernetes.protobuf" && !apply {
        return crate::protobuf::decode(body);
    }
    if kind.contains("protobuf") || kind.contains("cbor") {
        return Err(ApiError::unsupported_media_type(
            &kind,
            "application/json, application/yaml",
        ));
    }
    if body.is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    let value: Value = if apply || kind.contains("yaml") {
        serde_yaml::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the request could not be decoded as JSON: {e}"
            ))
        })?
    };
    Ok(value)
}

/// Settings of a write from its query: `dryRun`, `fieldManager` and (for apply) `force`.
fn write_options(query: &Query, headers: &HeaderMap, apply: bool) -> ApiResult<WriteOptions> {
    Ok(WriteOptions {
        dry_run: dry_run(query)?,
        field_manager: field_manager(query, headers, apply)?,
        force: apply && flag(query, "force"),
        field_validation: Some(FieldValidation::parse(
            query.get("fieldValidation").map(String::as_str),
        )?),
        warnings: Default::default(),
    })
}

/// The `labelSelector` and `fieldSelector` of a request.
fn selectors(query: &Query, kind: &str) -> ApiResult<(LabelSelector, FieldSelector)> {
    let text = |key: &str| query.get(key).map(String::as_str).unwrap_or("");
    Ok((
        LabelSelector::parse(text("labelSelector"))?,
        FieldSelector::parse(text("fieldSelector"), kind)?,
    ))
}

fn field_manager(query: &Query, headers: &HeaderMap, apply: bool) -> ApiResult<String> {
    if let Some(manager) = query.get("fieldManager").filter(|m| !m.is_empty()) {
        if manager.len() > 128 {
            return Err(ApiError::bad_request(
                "fieldManager: Too long: must have at most 128 bytes",
            ));
        }
        return Ok(manager.clone());
    }
    if apply {
        return Err(ApiError::bad_request(
            "fieldManager: Required value: is required for apply requests",
        ));
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Ok(agent
        .split('/')
        .next()
        .unwrap_or(agent)
        .chars()
        .take(128)
        .collect())
}

fn dry_run(query: &Query) -> ApiResult<bool> {
    match query.get("dryRun").map(String::as_str) {
        None | Some("") => Ok(false),
        Some("All") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "dryRun: Unsupported value: {other:?}: supported values: \"All\""
        ))),
    }
}

fn encode_continue(key: &(String, String)) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}\u{0}{}", key.0, key.1))
}

fn decode_continue(token: &str) -> ApiResult<(String, String)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| ApiError::bad_request("continue key is not valid"))?;
    let text =
        String::from_utf8(bytes).map_err(|_| ApiError::bad_request("continue key is not valid"))?;
    let (namespace, name) = text
        .split_once('\u{0}')
        .ok_or_else(|| ApiError::bad_request("continue key is not valid"))?;
    Ok((namespace.to_string(), name.to_string()))
}

fn handle_resource(shared: &Arc<Shared>, request: ApiRequest) -> ApiResult<Response> {
    let route = &request.route;
    let resource = shared
        .store()
        .registry
        .find(&route.group, &route.version, &route.plural)
        .cloned()
        .ok_or_else(ApiError::path_not_found)?;
    // A cluster-scoped resource under /namespaces/x/, or a named namespaced object without one.
    if (!resource.namespaced && route.namespace.is_some())
        || (resource.namespaced && route.namespace.is_none() && route.name.is_some())
    {
        return Err(ApiError::path_not_found());
    }
    match route.subresource.as_deref() {
        None => {}
        Some("status") if resource.status_subresource => {}
        Some("finalize") if resource.is("", "namespaces") && request.method == Method::PUT => {}
        Some("scale") if resource.has_scale() => return scale(shared, &resource, &request),
        Some("log") if resource.is("", "pods") && request.method == Method::GET => {
            return pod_log(shared, &resource, &request);
        }
        Some(_) => return Err(ApiError::path_not_found()),
    }
    let accept = request
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let render = Render {
        resource: &resource,
        api_version: resource.api_version(&route.version),
        metadata_only: accept.contains("as=PartialObjectMetadata"),
    };
    let as_table = crate::table::wanted(accept);
    let namespace = route.namespace.clone().unwrap_or_default();
    let query = &request.query;
    let subresource = route.subresource.as_deref();

    if request.method == Method::GET && flag(query, "watch") {
        return start_watch(
            shared,
            &resource,
            &request,
            render.api_version.clone(),
            render.metadata_only,
        );
    }

    match (&request.method, &route.name) {
        (&Method::GET, Some(name)) => {
            let object = shared.store().get(&resource, &namespace, name)?;
            if as_table {
                let metadata =
                    json!({"resourceVersion": object.pointer("/metadata/resourceVersion")});
                return Ok(json_response(
                    StatusCode::OK,
                    &crate::table::table(&resource.kind, &[&object], metadata),
                ));
            }
            Ok(json_response(StatusCode::OK, &render.object(&object)))
        }
        (&Method::GET, None) => {
            let (labels, fields) = selectors(query, &resource.kind)?;
            let after = match query.get("continue").filter(|c| !c.is_empty()) {
                Some(token) => Some(decode_continue(token)?),
                None => None,
            };
            let limit: usize = query
                .get("limit")
                .and_then(|l| l.parse().ok())
                .filter(|l| *l > 0)
                .unwrap_or(usize::MAX);
            let (page, version) = {
                let store = shared.store();
                let page = store.list_page(
                    &resource,
                    route.namespace.as_deref(),
                    &labels,
                    &fields,
                    after.as_ref(),
                    limit,
                );
                (page, store.resource_version())
            };
            let objects = page.items;
            let shown = objects.len();
            let mut metadata = json!({"resourceVersion": version.to_string()});
            if page.remaining > 0
                && let Some(last) = objects.last()
            {
                let key = (
                    crate::util::namespace_of(last).to_string(),
                    crate::util::name_of(last).to_string(),
                );
                metadata["continue"] = json!(encode_continue(&key));
                // As the API server: a count only when no selector filtered the list.
                if page.counted {
                    metadata["remainingItemCount"] = json!(page.remaining);
                }
            }
            if as_table {
                let rows: Vec<&Value> = objects.iter().take(shown).map(|o| o.as_ref()).collect();
                return Ok(json_response(
                    StatusCode::OK,
                    &crate::table::table(&resource.kind, &rows, metadata),
                ));
            }
            Ok(render.list(objects.iter().take(shown).map(|o| o.as_ref()), metadata))
        }
        (&Method::POST, None) => {
            let object = decode_body(&request.headers, &request.body, false)?;
            let options = write_options(query, &request.headers, false)?;
            let created = shared.store().create(
                &resource,
                route.namespace.as_deref(),
                object,
                &options,
                Ownership::Record,
            )?;
            Ok(with_warnings(
                json_response(StatusCode::CREATED, &render.object(&created)),
                &options,
            ))
        }
        (&Method::PUT, Some(name)) => {
            let object = decode_body(&request.headers, &request.body, false)?;
            let options = write_options(query, &request.headers, false)?;
            let updated = shared.store().update(
                &resource,
                &namespace,
                name,
                object,
                subresource,
                &options,
            )?;
            Ok(with_warnings(
                json_response(StatusCode::OK, &render.object(&updated)),
                &options,
            ))
        }
        (&Method::PATCH, Some(name)) => {
            let patch_type = match content_type(&request.headers).as_str() {
                "application/merge-patch+json" => PatchType::Merge,
                "application/json-patch+json" => PatchType::Json,
                "application/strategic-merge-patch+json" => PatchType::Strategic,
                "application/apply-patch+yaml" => PatchType::Apply,
                other => {
                    return Err(ApiError::unsupported_media_type(
                        other,
                        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
                    ));
                }
            };
            let apply = patch_type == PatchType::Apply;
            let body = decode_body(&request.headers, &request.body, apply)?;
            if flag(query, "force") && !apply {
                return Err(ApiError::new(
                    422,
                    "Invalid",
                    "force: Forbidden: may not be specified for non-apply patch",
                ));
            }
            let options = write_options(query, &request.headers, apply)?;
            let existed = shared.store().get(&resource, &namespace, name).is_ok();
            let patched = shared.store().patch(
                &resource,
                &namespace,
                name,
                patch_type,
                body,
                subresource,
                &options,
            )?;
            let code = if existed {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok(with_warnings(
                json_response(code, &render.object(&patched)),
                &options,
            ))
        }
        (&Method::DELETE, name) => {
            let options = delete_options(query, &request.body)?;
            match name {
                Some(name) => {
                    let deleted = shared
                        .store()
                        .delete(&resource, &namespace, name, &options)?;
                    Ok(json_response(StatusCode::OK, &render.object(&deleted)))
                }
                None if !resource.verbs().contains(&"deletecollection") => {
                    Err(ApiError::method_not_allowed(
                        "the server does not allow this method on the requested resource",
                    ))
                }
                None => {
                    let (labels, fields) = selectors(query, &resource.kind)?;
                    let deleted = shared.store().delete_collection(
                        &resource,
                        route.namespace.as_deref(),
                        &labels,
                        &fields,
                        &options,
                    )?;
                    let version = shared.store().resource_version();
                    Ok(render.list(
                        deleted.iter(),
                        json!({"resourceVersion": version.to_string()}),
                    ))
                }
            }
        }
        _ => Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource",
        )),
    }
}

/// `pods/<name>/log`: the Pod's `sandbox.charts.dev/log` text (see `logs.rs`).
fn pod_log(
    shared: &Arc<Shared>,
    resource: &ResourceType,
    request: &ApiRequest,
) -> ApiResult<Response> {
    let route = &request.route;
    let namespace = route.namespace.clone().unwrap_or_default();
    let name = route.name.clone().ok_or_else(ApiError::path_not_found)?;
    let pod = shared.store().get(resource, &namespace, &name)?;
    let body = crate::logs::pod_log(&pod, &request.query)?;
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(body))
        .expect("valid response"))
}

/// The autoscaling/v1 Scale of a workload.
fn scale_of(object: &Value) -> Value {
    let selector = object
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let metadata = object.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let mut metadata_copy = json!({});
    for key in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(value) = metadata.get(key) {
            metadata_copy[key] = value.clone();
        }
    }
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata_copy,
        "spec": {"replicas": object.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {"replicas": object.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector},
    })
}

/// `/scale`: read or change `spec.replicas` through a Scale object (`kubectl scale`).
fn scale(
    shared: &Arc<Shared>,
    resource: &ResourceType,
    request: &ApiRequest,
) -> ApiResult<Response> {
    let route = &request.route;
    let namespace = route.namespace.clone().unwrap_or_default();
    let name = route.name.clone().ok_or_else(ApiError::path_not_found)?;
    let current = shared.store().get(resource, &namespace, &name)?;
    let current_scale = scale_of(&current);
    let wanted = match request.method {
        Method::GET => return Ok(json_response(StatusCode::OK, &current_scale)),
        Method::PUT => decode_body(&request.headers, &request.body, false)?,
        Method::PATCH => {
            let body = decode_body(&request.headers, &request.body, false)?;
            match content_type(&request.headers).as_str() {
                "application/json-patch+json" => crate::patch::json_patch(&current_scale, &body)?,
                "application/strategic-merge-patch+json" => {
                    crate::patch::strategic_merge_patch(&current_scale, &body)?
                }
                _ => crate::patch::merge_patch(&current_scale, &body),
            }
        }
        _ => {
            return Err(ApiError::method_not_allowed(
                "the server does not allow this method on the requested resource",
            ));
        }
    };
    crate::store::check_resource_version(resource, &wanted, &current)?;
    let replicas = wanted
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .ok_or_else(|| ApiError::bad_request("the Scale has no spec.replicas"))?;
    let options = write_options(&request.query, &request.headers, false)?;
    let patch = json!({"spec": {"replicas": replicas}});
    let updated = shared.store().patch(
        resource,
        &namespace,
        &name,
        PatchType::Merge,
        patch,
        None,
        &options,
    )?;
    Ok(json_response(StatusCode::OK, &scale_of(&updated)))
}

fn delete_options(query: &Query, body: &[u8]) -> ApiResult<DeleteOptions> {
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("invalid DeleteOptions: {e}")))?
    };
    let policy = query.get("propagationPolicy").cloned().or_else(|| {
        body.get("propagationPolicy")
            .and_then(Value::as_str)
            .map(String::from)
    });
    let propagation = match policy.as_deref() {
        None | Some("Background") => Propagation::Background,
        Some("Foreground") => Propagation::Foreground,
        Some("Orphan") => Propagation::Orphan,
        Some(other) => {
            return Err(ApiError::new(
                422,
                "Invalid",
                format!(
                    "propagationPolicy: Unsupported value: {other:?}: supported values: \"Foreground\", \"Background\", \"Orphan\""
                ),
            ));
        }
    };
    let body_dry_run = body
        .get("dryRun")
        .and_then(Value::as_array)
        .is_some_and(|values| values.iter().any(|v| v == "All"));
    Ok(DeleteOptions {
        dry_run: dry_run(query)? || body_dry_run,
        propagation,
        precondition_uid: body
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(String::from),
        precondition_resource_version: body
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(String::from),
    })
}

/// What a watch stream sends.
struct WatchFilter {
    key: (String, String),
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
    api_version: String,
    metadata_only: bool,
    /// `kubectl get -w`: every event carries a one-row Table.
    table: bool,
    kind: String,
}

impl WatchFilter {
    fn matches(&self, object: &Value) -> bool {
        self.namespace
            .as_deref()
            .is_none_or(|ns| crate::util::namespace_of(object) == ns)
            && self.labels.matches(crate::util::labels(object))
            && self.fields.matches(object)
    }

    fn render(&self, object: &Value) -> Value {
        if self.table {
            let metadata = json!({"resourceVersion": object.pointer("/metadata/resourceVersion")});
            return crate::table::table(&self.kind, &[object], metadata);
        }
        if self.metadata_only {
            return crate::table::partial_object_metadata(object);
        }
        let mut copy = object.clone();
        if let Some(map) = copy.as_object_mut() {
            map.insert("apiVersion".into(), json!(self.api_version));
        }
        copy
    }

    /// The line for one store event, if this watch should see it.
    fn line(&self, event: &WatchEvent) -> Option<Bytes> {
        if event.key != self.key {
            return None;
        }
        let now = self.matches(&event.object);
        let before = event.old.as_ref().map(|old| self.matches(old));
        let event_type = match (event.event_type, before, now) {
            (EventType::Added, _, true) => "ADDED",
            (EventType::Modified, Some(true), true) => "MODIFIED",
            (EventType::Modified, Some(false) | None, true) => "ADDED",
            (EventType::Modified, Some(true), false) => "DELETED",
            (EventType::Deleted, _, true) => "DELETED",
            _ => return None,
        };
        Some(event_line(event_type, &self.render(&event.object)))
    }

    fn bookmark(&self, resource_version: u64, initial_events_end: bool) -> Bytes {
        let mut metadata = json!({"resourceVersion": resource_version.to_string()});
        if initial_events_end {
            metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let (kind, api_version) = if self.metadata_only {
            (
                "PartialObjectMetadata".to_string(),
                "meta.k8s.io/v1".to_string(),
            )
        } else {
            (self.kind.clone(), self.api_version.clone())
        };
        event_line(
            "BOOKMARK",
            &json!({"kind": kind, "apiVersion": api_version, "metadata": metadata}),
        )
    }
}

fn event_line(event_type: &str, object: &Value) -> Bytes {
    let mut line =
        serde_json::to_vec(&json!({"type": event_type, "object": object})).unwrap_or_default();
    line.push(b'\n');
    Bytes::from(line)
}

fn start_watch(
    shared: &Arc<Shared>,
    resource: &ResourceType,
    request: &ApiRequest,
    api_version: String,
    metadata_only: bool,
) -> ApiResult<Response> {
    let query = &request.query;
    let mut field_text = query.get("fieldSelector").cloned().unwrap_or_default();
    // The old per-object form `.../pods/name?watch=true` watches one name.
    if let Some(name) = &request.route.name {
        if !field_text.is_empty() {
            field_text.push(',');
        }
        field_text.push_str(&format!("metadata.name={name}"));
    }
    let filter = WatchFilter {
        key: resource.key(),
        namespace: request.route.namespace.clone(),
        labels: LabelSelector::parse(query.get("labelSelector").map(String::as_str).unwrap_or(""))?,
        fields: FieldSelector::parse(&field_text, &resource.kind)?,
        api_version,
        metadata_only,
        table: request
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(crate::table::wanted),
        kind: resource.kind.clone(),
    };
    let send_initial = flag(query, "sendInitialEvents");
    let bookmarks = flag(query, "allowWatchBookmarks");
    let timeout = query
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs);
    let requested = query
        .get("resourceVersion")
        .map(String::as_str)
        .unwrap_or("");

    let mut initial: Vec<Bytes> = Vec::new();
    let (receiver, current) = {
        let store = shared.store();
        let receiver = store.subscribe();
        let current = store.resource_version();
        if requested.is_empty() || requested == "0" || send_initial {
            let objects = store.list(
                resource,
                filter.namespace.as_deref(),
                &filter.labels,
                &filter.fields,
                None,
            );
            for object in objects {
                initial.push(event_line("ADDED", &filter.render(&object)));
            }
            if send_initial {
                initial.push(filter.bookmark(current, true));
            }
        } else {
            let since: u64 = requested.parse().map_err(|_| {
                ApiError::bad_request(format!("invalid resource version: {requested}"))
            })?;
            match store.events_since(since) {
                Some(events) => {
                    initial.extend(events.iter().filter_map(|event| filter.line(event)))
                }
                None => {
                    let gone =
                        ApiError::gone(format!("too old resource version: {since} ({current})"));
                    initial.push(event_line("ERROR", &gone.to_status()));
                    let body = Body::from(initial.concat());
                    return Ok(watch_response(body));
                }
            }
        }
        (receiver, current)
    };

    let (sender, lines) = mpsc::channel::<Bytes>(256);
    let mut shutdown = shared.shutdown.subscribe();
    tokio::spawn(async move {
        let mut receiver = receiver;
        let mut last_version = current;
        for line in initial {
            if sender.send(line).await.is_err() {
                return;
            }
        }
        let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
        let mut bookmark_timer = tokio::time::interval(Duration::from_secs(10));
        bookmark_timer.tick().await;
        loop {
            let expired = async {
                match deadline {
                    Some(deadline) => tokio::time::sleep_until(deadline).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = expired => return,
                _ = shutdown.changed() => return,
                _ = sender.closed() => return,
                _ = bookmark_timer.tick(), if bookmarks => {
                    if sender.send(filter.bookmark(last_version, false)).await.is_err() {
                        return;
                    }
                }
                received = receiver.recv() => match received {
                    Ok(event) => {
                        last_version = event.resource_version;
                        if let Some(line) = filter.line(&event)
                            && sender.send(line).await.is_err() {
                                return;
                            }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let gone = ApiError::gone("too old resource version: the watch fell behind");
                        let _ = sender.send(event_line("ERROR", &gone.to_status())).await;
                        return;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    });
    let stream = futures_util::stream::unfold(lines, |mut lines| async move {
        lines
            .recv()
            .await
            .map(|line| (Ok::<Bytes, Infallible>(line), lines))
    });
    Ok(watch_response(Body::from_stream(stream)))
}

fn watch_response(body: Body) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .expect("valid response")
}

/// `/sandbox.charts.dev/faults` (GET list, POST add, DELETE clear) and
/// `/sandbox.charts.dev/counters` (GET, DELETE reset).
fn admin(shared: &Shared, method: &Method, rest: &str, body: &[u8]) -> Response {
    match (method, rest.trim_end_matches('/')) {
        (&Method::GET, "faults") => {
            json_response(StatusCode::OK, &json!({"faults": shared.faults.list()}))
        }
        (&Method::POST, "faults") => match serde_json::from_slice::<Fault>(body) {
            Ok(fault) => {
                shared.faults.add(fault.clone());
                json_response(StatusCode::CREATED, &json!(fault))
            }
            Err(error) => error_response(&ApiError::bad_request(format!("invalid fault: {error}"))),
        },
        (&Method::DELETE, "faults") => {
            shared.faults.clear();
            json_response(StatusCode::OK, &json!({"faults": []}))
        }
        (&Method::GET, "counters") => {
            json_response(StatusCode::OK, &shared.counters.snapshot().to_json())
        }
        (&Method::DELETE, "counters") => {
            shared.counters.reset();
            json_response(StatusCode::OK, &shared.counters.snapshot().to_json())
        }
        _ => error_response(&ApiError::path_not_found()),
    }
}
