//! Plain HTTP(S) downloads with a size cap, optional basic auth and TLS options.

use std::path::PathBuf;

use super::{Error, Result};

/// The most any single download may weigh (an index or a chart package).
pub const MAX_DOWNLOAD_BYTES: usize = 100 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
}

#[derive(Clone, Default)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    // Never let a password reach a log or an error message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A reqwest client honouring the TLS options.
pub fn client(tls: &TlsOptions) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("charts/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(300));
    if let Some(ca_file) = &tls.ca_file {
        let pem = std::fs::read(ca_file).map_err(|source| Error::ReadCaFile {
            path: ca_file.clone(),
            source,
        })?;
        let certificate =
            reqwest::Certificate::from_pem(&pem).map_err(|e| Error::InvalidCaFile {
                path: ca_file.clone(),
                message: e.to_string(),
            })?;
        builder = builder.add_root_certificate(certificate);
    }
    if tls.insecure_skip_tls_verify {
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder
        .build()
        .map_err(|e| Error::HttpClient(e.to_string()))
}

/// GETs `url` and returns the body, failing on any non-success status.
pub async fn get(
    client: &reqwest::Client,
    url: &str,
    credentials: Option<&Credentials>,
) -> Result<Vec<u8>> {
    let mut request = client.get(url);
    if let Some(credentials) = credentials {
        request = request.basic_auth(&credentials.username, Some(&credentials.password));
    }
    let response = request
        .send()
        .await
        .map_err(|e| unreachable_error(url, &e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::Status {
            url: url.to_string(),
            status,
        });
    }
    read_body(response, url).await
}

/// Reads a response body, refusing anything larger than [`MAX_DOWNLOAD_BYTES`].
pub async fn read_body(mut response: reqwest::Response, url: &str) -> Result<Vec<u8>> {
    let too_large = || Error::TooLarge {
        url: url.to_string(),
    };
    if response
        .content_length()
        .is_some_and(|length| length > MAX_DOWNLOAD_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Error::Download {
        url: url.to_string(),
        message: chain(&e),
    })? {
        if body.len() + chunk.len() > MAX_DOWNLOAD_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn unreachable_error(url: &str, error: &reqwest::Error) -> Error {
    Error::Unreachable {
        url: url.to_string(),
        message: chain(error),
    }
}

/// An error and its causes on one line (reqwest's own message hides the cause).
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Resolves a possibly relative chart URL from an index against the repository URL.
pub fn join_url(base: &str, relative: &str) -> String {
    if relative.contains("://") {
        return relative.to_string();
    }
    match reqwest::Url::parse(&format!("{}/", base.trim_end_matches('/')))
        .and_then(|b| b.join(relative))
    {
        Ok(url) => url.to_string(),
        Err(_) => format!("{}/{}", base.trim_end_matches('/'), relative),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_relative_and_absolute_urls() {
        assert_eq!(
            join_url("http://h/charts", "web-1.0.0.tgz"),
            "http://h/charts/web-1.0.0.tgz"
        );
        assert_eq!(
            join_url("http://h/charts/", "sub/web-1.0.0.tgz"),
            "http://h/charts/sub/web-1.0.0.tgz"
        );
        assert_eq!(
            join_url("http://h/charts", "https://x/y.tgz"),
            "https://x/y.tgz"
        );
    }
}
