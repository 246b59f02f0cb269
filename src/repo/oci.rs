//! A small OCI distribution client for Helm-format chart artifacts: manifests and blobs over
//! HTTP(S), with anonymous, basic and bearer-token auth (from the registry's `WWW-Authenticate`
//! challenge). Media types and annotations follow Helm (HIP-0006).

use std::sync::Mutex;

use base64::Engine as _;
use reqwest::{Method, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::credentials::RegistryConfig;
use super::http::{Credentials, read_body, unreachable_error};
use super::{Error, Result, Settings};
use crate::chart::ChartMetadata;
use crate::support::sha256_hex;

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
pub const CHART_LAYER_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// Older Helm versions pushed chart layers with this type; accepted on pull.
pub const LEGACY_LAYER_MEDIA_TYPE: &str = "application/tar+gzip";

/// `oci://host[:port]/path/name[:tag|@sha256:digest]`, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub registry: String,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl Reference {
    pub fn parse(text: &str) -> Result<Reference> {
        let bad = |reason: &'static str| Error::BadReference {
            text: text.to_string(),
            reason,
        };
        let rest = text
            .strip_prefix("oci://")
            .ok_or_else(|| bad("no `oci://`"))?;
        let (rest, digest) = match rest.split_once('@') {
            Some((rest, digest)) => {
                let hex = digest
                    .strip_prefix("sha256:")
                    .ok_or_else(|| bad("only `sha256:` digests are supported"))?;
                if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad("the digest is not 64 hex digits"));
                }
                (rest, Some(digest.to_ascii_lowercase()))
            }
            None => (rest, None),
        };
        let (registry, path) = rest
            .split_once('/')
            .ok_or_else(|| bad("no repository path"))?;
        // A tag is a `:` after the last `/`.
        let (repository, tag) = match path.rsplit_once('/') {
            Some((head, last)) => match last.split_once(':') {
                Some((name, tag)) => (format!("{head}/{name}"), Some(tag.to_string())),
                None => (path.to_string(), None),
            },
            None => match path.split_once(':') {
                Some((name, tag)) => (name.to_string(), Some(tag.to_string())),
                None => (path.to_string(), None),
            },
        };
        if registry.is_empty() || repository.is_empty() || repository.ends_with('/') {
            return Err(bad("empty host or path"));
        }
        Ok(Reference {
            registry: registry.to_string(),
            repository: repository.to_ascii_lowercase(),
            tag: tag.filter(|t| !t.is_empty()),
            digest,
        })
    }

    /// The chart name: the last path segment.
    pub fn name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    pub fn display(&self) -> String {
        let mut text = format!("{}/{}", self.registry, self.repository);
        if let Some(tag) = &self.tag {
            text.push(':');
            text.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            text.push('@');
            text.push_str(digest);
        }
        text
    }
}

/// A chart version as an OCI tag: SemVer's `+` is not allowed in tags.
pub fn version_to_tag(version: &str) -> String {
    version.replace('+', "_")
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub annotations: indexmap::IndexMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
}

/// What a pull returns: the verified package and the manifest digest it came from.
#[derive(Debug)]
pub struct Pulled {
    pub bytes: Vec<u8>,
    pub manifest_digest: String,
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    registry: String,
    credentials: Option<Credentials>,
    authorization: Mutex<Option<String>>,
}

impl Client {
    /// A client for one registry, using saved `registry login` credentials if any.
    pub fn new(settings: &Settings, registry: &str) -> Result<Client> {
        let credentials = RegistryConfig::load(&settings.registry_config_file())?.get(registry);
        Client::with_credentials(settings, registry, credentials)
    }

    pub fn with_credentials(
        settings: &Settings,
        registry: &str,
        credentials: Option<Credentials>,
    ) -> Result<Client> {
        if settings.offline {
            return Err(Error::Offline {
                action: format!("reach registry `{registry}`"),
            });
        }
        let scheme = if settings.plain_http { "http" } else { "https" };
        Ok(Client {
            http: super::http::client(&settings.tls)?,
            base: format!("{scheme}://{registry}"),
            registry: registry.to_string(),
            credentials,
            authorization: Mutex::new(None),
        })
    }

    /// Sends a request, answering an auth challenge once (basic or bearer token).
    async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(header::HeaderName, &str)],
        body: Option<&[u8]>,
    ) -> Result<reqwest::Response> {
        let mut answered = false;
        loop {
            let mut request = self.http.request(method.clone(), url);
            for (name, value) in headers {
                request = request.header(name, *value);
            }
            if let Some(value) = self.authorization.lock().expect("not poisoned").clone() {
                request = request.header(header::AUTHORIZATION, value);
            }
            if let Some(body) = body {
                request = request
                    .header(header::CONTENT_LENGTH, body.len())
                    .body(body.to_vec());
            }
            let response = request
                .send()
                .await
                .map_err(|e| unreachable_error(url, &e))?;
            if response.status() != StatusCode::UNAUTHORIZED || answered {
                if response.status() == StatusCode::UNAUTHORIZED {
                    return Err(self.denied());
                }
                return Ok(response);
            }
            answered = true;
            let challenge = response
                .headers()
                .get(header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let value = self.answer(&challenge).await?;
            *self.authorization.lock().expect("not poisoned") = Some(value);
        }
    }

    fn denied(&self) -> Error {
        Error::Denied {
            registry: self.registry.clone(),
            had_credentials: self.credentials.is_some(),
        }
    }

    /// The `Authorization` header value answering a `WWW-Authenticate` challenge.
    async fn answer(&self, challenge: &str) -> Result<String> {
        let (scheme, params) = parse_challenge(challenge);
        match scheme.to_ascii_lowercase().as_str() {
            "basic" => {
                let credentials = self.credentials.as_ref().ok_or_else(|| self.denied())?;
                Ok(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("{}:{}", credentials.username, credentials.password))
                ))
            }
            "bearer" => {
                let realm = params
                    .iter()
                    .find(|(k, _)| k == "realm")
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| {
                        Error::Protocol(format!(
                            "registry `{}` sent a bearer challenge without a realm",
                            self.registry
                        ))
                    })?;
                let mut token_url = reqwest::Url::parse(&realm).map_err(|e| {
                    Error::Protocol(format!(
                        "registry `{}` sent a bad token realm `{realm}`: {e}",
                        self.registry
                    ))
                })?;
                for (key, value) in params
                    .iter()
                    .filter(|(k, _)| k == "service" || k == "scope")
                {
                    token_url.query_pairs_mut().append_pair(key, value);
                }
                let mut request = self.http.get(token_url);
                if let Some(credentials) = &self.credentials {
                    request =
                        request.basic_auth(&credentials.username, Some(&credentials.password));
                }
                let response = request
                    .send()
                    .await
                    .map_err(|e| unreachable_error(&realm, &e))?;
                if !response.status().is_success() {
                    return Err(self.denied());
                }
                #[derive(Deserialize)]
                struct Token {
                    #[serde(default)]
                    token: String,
                    #[serde(default)]
                    access_token: String,
                }
                let body = read_body(response, &realm).await?;
                let token: Token = serde_json::from_slice(&body).map_err(|e| {
                    Error::Protocol(format!("token server `{realm}` sent no token: {e}"))
                })?;
                let token = if token.token.is_empty() {
                    token.access_token
                } else {
                    token.token
                };
                if token.is_empty() {
                    return Err(Error::Protocol(format!(
                        "token server `{realm}` sent an empty token"
                    )));
                }
                Ok(format!("Bearer {token}"))
            }
            _ => Err(self.denied()),
        }
    }

    /// Checks that the registry answers and accepts the credentials (`GET /v2/`).
    pub async fn ping(&self) -> Result<()> {
        let url = format!("{}/v2/", self.base);
        let response = self.send(Method::GET, &url, &[], None).await?;
        if !response.status().is_success() {
            return Err(Error::Protocol(format!(
                "`{url}` answered {}: not an OCI registry?",
                response.status()
            )));
        }
        Ok(())
    }

    /// Pushes a chart package to `repository` (its parent path + chart name), tagged with the
    /// chart version. Returns the tag and the manifest digest.
    pub async fn push(
        &self,
        repository: &str,
        package: &[u8],
        metadata: &ChartMetadata,
    ) -> Result<(String, String)> {
        let config = serde_json::to_vec(metadata).map_err(|e| Error::Serialize {
            what: "the chart config",
            message: e.to_string(),
        })?;
        let config_digest = format!("sha256:{}", sha256_hex(&config));
        let layer_digest = format!("sha256:{}", sha256_hex(package));
        self.push_blob(repository, &config, &config_digest).await?;
        self.push_blob(repository, package, &layer_digest).await?;

        let mut annotations = indexmap::IndexMap::new();
        annotations.insert(
            "org.opencontainers.image.title".to_string(),
            metadata.name.clone(),
        );
        annotations.insert(
            "org.opencontainers.image.version".to_string(),
            metadata.version.clone(),
        );
        if let Some(description) = &metadata.description {
            annotations.insert(
                "org.opencontainers.image.description".to_string(),
                description.clone(),
            );
        }
        if let Some(home) = &metadata.home {
            annotations.insert("org.opencontainers.image.url".to_string(), home.clone());
        }
        if let Some(source) = metadata.sources.first() {
            annotations.insert(
                "org.opencontainers.image.source".to_string(),
                source.clone(),
            );
        }
        for (key, value) in &metadata.annotations {
            // The title and version always describe the chart itself.
            annotations
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
        let manifest = Manifest {
            schema_version: 2,
            media_type: Some(MANIFEST_MEDIA_TYPE.to_string()),
            config: Descriptor {
                media_type: CONFIG_MEDIA_TYPE.to_string(),
                digest: config_digest,
                size: config.len() as u64,
            },
            layers: vec![Descriptor {
                media_type: CHART_LAYER_MEDIA_TYPE.to_string(),
                digest: layer_digest,
                size: package.len() as u64,
            }],
            annotations,
        };
        let manifest_bytes = serde_json::to_vec(&manifest).map_err(|e| Error::Serialize {
            what: "the manifest",
            message: e.to_string(),
        })?;
        let tag = version_to_tag(&metadata.version);
        let url = format!("{}/v2/{repository}/manifests/{tag}", self.base);
        let response = self
            .send(
                Method::PUT,
                &url,
                &[(header::CONTENT_TYPE, MANIFEST_MEDIA_TYPE)],
                Some(&manifest_bytes),
            )
            .await?;
        self.expect_success(response, "upload the manifest to", &url)
            .await?;
        Ok((tag, format!("sha256:{}", sha256_hex(&manifest_bytes))))
    }

    async fn push_blob(&self, repository: &str, bytes: &[u8], digest: &str) -> Result<()> {
        let blob_url = format!("{}/v2/{repository}/blobs/{digest}", self.base);
        let head = self.send(Method::HEAD, &blob_url, &[], None).await?;
        if head.status().is_success() {
            return Ok(());
        }
        let start = format!("{}/v2/{repository}/blobs/uploads/", self.base);
        let response = self.send(Method::POST, &start, &[], Some(&[])).await?;
        let response = self
            .expect_success(response, "start a blob upload to", &start)
            .await?;
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Protocol(format!("`{start}` gave no upload location")))?;
        let mut upload = super::http::join_url(&self.base, location);
        if location.starts_with('/') {
            upload = format!("{}{location}", self.base);
        }
        let separator = if upload.contains('?') { '&' } else { '?' };
        let upload = format!("{upload}{separator}digest={digest}");
        let response = self
            .send(
                Method::PUT,
                &upload,
                &[(header::CONTENT_TYPE, "application/octet-stream")],
                Some(bytes),
            )
            .await?;
        self.expect_success(response, "upload a blob to", &start)
            .await?;
        Ok(())
    }

    async fn expect_success(
        &self,
        response: reqwest::Response,
        action: &'static str,
        url: &str,
    ) -> Result<reqwest::Response> {
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let detail = body.trim();
        let detail = detail.get(..detail.len().min(300)).unwrap_or("");
        Err(Error::RegistryStatus {
            action,
            url: url.to_string(),
            status,
            detail: detail.to_string(),
        })
    }

    /// The tags of `repository` (for version constraints).
    pub async fn tags(&self, repository: &str) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Tags {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let url = format!("{}/v2/{repository}/tags/list", self.base);
        let response = self.send(Method::GET, &url, &[], None).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        let response = self
            .expect_success(response, "list the tags of", &url)
            .await?;
        let body = read_body(response, &url).await?;
        let tags: Tags = serde_json::from_slice(&body)
            .map_err(|e| Error::Protocol(format!("`{url}` sent an invalid tag list: {e}")))?;
        Ok(tags.tags.unwrap_or_default())
    }

    /// Pulls the chart at `reference` (by tag or digest), verifying the manifest digest (when
    /// pulling by digest) and the chart layer's digest and size.
    pub async fn pull(&self, repository: &str, reference: &str) -> Result<Pulled> {
        let display = format!("{}/{repository}", self.registry);
        let url = format!("{}/v2/{repository}/manifests/{reference}", self.base);
        let response = self
            .send(
                Method::GET,
                &url,
                &[(header::ACCEPT, MANIFEST_MEDIA_TYPE)],
                None,
            )
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(Error::NotInRegistry {
                chart: display,
                reference: reference.to_string(),
            });
        }
        let response = self
            .expect_success(response, "fetch the manifest", &url)
            .await?;
        let manifest_bytes = read_body(response, &url).await?;
        let manifest_digest = format!("sha256:{}", sha256_hex(&manifest_bytes));
        if reference.starts_with("sha256:") && reference != manifest_digest {
            return Err(Error::RegistryDigestMismatch {
                reference: format!("{display}@{reference}"),
                detail: format!("the registry sent a manifest with digest `{manifest_digest}`"),
            });
        }
        let manifest: Manifest = serde_json::from_slice(&manifest_bytes).map_err(|e| {
            Error::Protocol(format!(
                "`{display}:{reference}` has an invalid manifest: {}",
                crate::error::shorten_quoted(&e.to_string())
            ))
        })?;
        if manifest.config.media_type != CONFIG_MEDIA_TYPE {
            return Err(Error::Protocol(format!(
                "`{display}:{reference}` is not a chart (config media type `{}`)",
                manifest.config.media_type
            )));
        }
        let layer = manifest
            .layers
            .iter()
            .find(|l| {
                l.media_type == CHART_LAYER_MEDIA_TYPE || l.media_type == LEGACY_LAYER_MEDIA_TYPE
            })
            .ok_or_else(|| {
                Error::Protocol(format!("`{display}:{reference}` has no chart layer"))
            })?;
        let blob_url = format!("{}/v2/{repository}/blobs/{}", self.base, layer.digest);
        let response = self.send(Method::GET, &blob_url, &[], None).await?;
        let response = self
            .expect_success(response, "download the chart layer", &blob_url)
            .await?;
        let bytes = read_body(response, &blob_url).await?;
        let actual = format!("sha256:{}", sha256_hex(&bytes));
        if actual != layer.digest || bytes.len() as u64 != layer.size {
            return Err(Error::RegistryDigestMismatch {
                reference: format!("{display}:{reference}"),
                detail: format!(
                    "the manifest says `{}` ({} bytes), the download is `{actual}` ({} bytes)",
                    layer.digest,
                    layer.size,
                    bytes.len()
                ),
            });
        }
        Ok(Pulled {
            bytes,
            manifest_digest,
        })
    }
}

/// Splits `Bearer realm="x",service="y",scope="a:b:c"` into the scheme and its parameters.
pub fn parse_challenge(text: &str) -> (String, Vec<(String, String)>) {
    let text = text.trim();
    let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
    let mut params = Vec::new();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            break;
        };
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        params.push((key, value.to_string()));
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    (scheme.to_string(), params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = Reference::parse("oci://localhost:5000/charts/web:1.2.3_build").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "charts/web");
        assert_eq!(r.tag.as_deref(), Some("1.2.3_build"));
        assert_eq!(r.name(), "web");
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse(&format!("oci://h/web@{digest}")).unwrap();
        assert_eq!(r.repository, "web");
        assert_eq!(r.digest.as_deref(), Some(digest.as_str()));
        assert!(Reference::parse("oci://h").is_err());
        assert!(Reference::parse("oci://h/web@sha256:abc").is_err());
        assert!(Reference::parse("https://h/web").is_err());
    }

    #[test]
    fn challenges() {
        let (scheme, params) = parse_challenge(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(scheme, "Bearer");
        assert_eq!(
            params,
            vec![
                (
                    "realm".to_string(),
                    "https://auth.example/token".to_string()
                ),
                ("service".to_string(), "registry.example".to_string()),
                ("scope".to_string(), "repository:a/b:pull,push".to_string()),
            ]
        );
        let (scheme, params) = parse_challenge(r#"Basic realm="basic-realm""#);
        assert_eq!(scheme, "Basic");
        assert_eq!(params[0].1, "basic-realm");
    }

    #[test]
    fn tags_replace_plus() {
        assert_eq!(version_to_tag("1.0.0+build.1"), "1.0.0_build.1");
    }
}
