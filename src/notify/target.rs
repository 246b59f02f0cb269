//! Where a notification goes, and in which body: the event as JSON, or a Slack incoming-webhook
//! message for `slack+https://…` and for any URL on `hooks.slack.com`.

/// The body a target is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The event itself (`charts.dev/notification.v1`).
    Json,
    /// A Slack incoming-webhook message (`text` plus blocks).
    Slack,
}

/// A notification URL, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: reqwest::Url,
    pub format: Format,
}

/// The host whose URLs get a Slack body without the `slack+` prefix.
pub const SLACK_HOST: &str = "hooks.slack.com";

impl Target {
    /// Parses `text`: an `http(s)://` URL, optionally prefixed `slack+`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let (format, rest) = match text.strip_prefix("slack+") {
            Some(rest) => (Some(Format::Slack), rest),
            None => (None, text),
        };
        let url = reqwest::Url::parse(rest)
            .map_err(|e| format!("invalid notification URL `{}`: {e}", redact(text)))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!(
                "invalid notification URL `{}`: use `http://`, `https://` or `slack+https://`",
                redact(text)
            ));
        }
        let format = format.unwrap_or(if url.host_str() == Some(SLACK_HOST) {
            Format::Slack
        } else {
            Format::Json
        });
        Ok(Target { url, format })
    }

    /// The URL as messages show it: scheme, host and port only, since the path of a webhook is
    /// often its secret.
    pub fn display(&self) -> String {
        redact(self.url.as_str())
    }
}

/// `scheme://host[:port]/…`: a URL without its path, query and credentials.
fn redact(text: &str) -> String {
    let rest = text.strip_prefix("slack+").unwrap_or(text);
    match reqwest::Url::parse(rest) {
        Ok(url) => {
            let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
            if let Some(port) = url.port() {
                shown.push_str(&format!(":{port}"));
            }
            if url.path() != "/" || url.query().is_some() {
                shown.push_str("/…");
            }
            shown
        }
        Err(_) => match text.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…"),
            None => "…".to_string(),
        },
    }
}

/// Splits `CHARTS_NOTIFY`: URLs separated by commas and/or whitespace.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_prefix_and_the_slack_host() {
        let plain = Target::parse("https://ci.example.com/hook").unwrap();
        assert_eq!(plain.format, Format::Json);
        let prefixed = Target::parse("slack+http://127.0.0.1:9/services/T/B/x").unwrap();
        assert_eq!(prefixed.format, Format::Slack);
        assert_eq!(prefixed.url.as_str(), "http://127.0.0.1:9/services/T/B/x");
        let by_host = Target::parse("https://hooks.slack.com/services/T/B/secret").unwrap();
        assert_eq!(by_host.format, Format::Slack);
        assert_eq!(by_host.display(), "https://hooks.slack.com/…");
    }

    #[test]
    fn bad_urls_are_named_without_their_secret_path() {
        let error = Target::parse("ftp://example.com/secret").unwrap_err();
        assert!(error.contains("`ftp://example.com/…`"), "{error}");
        assert!(!error.contains("secret"), "{error}");
        assert!(Target::parse("not a url").is_err());
        assert!(Target::parse("slack+").is_err());
    }

    #[test]
    fn the_variable_splits_on_commas_and_spaces() {
        assert_eq!(
            split_list("http://a/x, http://b/y  http://c/z,"),
            ["http://a/x", "http://b/y", "http://c/z"]
        );
        assert!(split_list(" , ").is_empty());
    }
}
