//! Tests of the sandbox API server (`tests/sandbox`): through the `kube` crate, through raw
//! HTTP, and through the real `kubectl`. The sandbox stores objects but runs no containers.

mod admission;
mod api;
mod controllers;
mod custom_status;
mod faults;
mod immutable;
mod kubectl;
mod kubectl_pods;
mod pods;
mod pools;
mod rbac;

use std::future::Future;
use std::time::Duration;

use charts_sandbox::Sandbox;
use kube::Client;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::discovery::{ApiResource, Discovery};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A `kube` client for the sandbox, default namespace `default`.
pub fn client(sandbox: &Sandbox) -> Client {
    let config = kube::Config::new(sandbox.url().parse().expect("sandbox URL"));
    Client::try_from(config).expect("kube client")
}

/// The `ApiResource` for a kind, found through discovery as real callers do.
pub async fn resource(client: &Client, group: &str, version: &str, kind: &str) -> ApiResource {
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .expect("discovery");
    let gvk = kube::api::GroupVersionKind::gvk(group, version, kind);
    discovery.resolve_gvk(&gvk).expect("kind is discoverable").0
}

/// Server-side apply of a JSON manifest with field manager `manager`.
pub async fn apply(client: &Client, manifest: Value, manager: &str) -> kube::Result<DynamicObject> {
    let api_version = manifest["apiVersion"].as_str().unwrap().to_string();
    let (group, version) = api_version.split_once('/').unwrap_or(("", &api_version));
    let kind = manifest["kind"].as_str().unwrap();
    let resource = resource(client, group, version, kind).await;
    let name = manifest["metadata"]["name"].as_str().unwrap().to_string();
    let api: Api<DynamicObject> = match manifest["metadata"]["namespace"].as_str() {
        Some(namespace) => Api::namespaced_with(client.clone(), namespace, &resource),
        None => Api::all_with(client.clone(), &resource),
    };
    api.patch(&name, &PatchParams::apply(manager), &Patch::Apply(manifest))
        .await
}

/// The `Status` of a failed call.
pub fn status_of<T: std::fmt::Debug>(result: kube::Result<T>) -> Box<kube::core::Status> {
    match result {
        Err(kube::Error::Api(status)) => status,
        other => panic!("expected an API error Status, got {other:?}"),
    }
}

/// Polls `check` every 20ms until it returns `Some`, or panics after `timeout` with `what`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A raw HTTP/1.1 response.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl RawResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// Sends one request over a fresh connection and reads the whole response (not for watches).
pub async fn raw_request(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<RawResponse> {
    let mut stream = tokio::net::TcpStream::connect(sandbox.address()).await?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        sandbox.address(),
        body.len()
    );
    for (key, value) in headers {
        request.push_str(&format!("{key}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let text = String::from_utf8_lossy(&response).to_string();
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("no HTTP response: {text:?}"),
        )
    })?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(RawResponse {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    })
}

pub async fn raw_get(sandbox: &Sandbox, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    raw_request(sandbox, "GET", path, headers, "")
        .await
        .expect("raw GET")
}
