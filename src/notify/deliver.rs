//! Posting events: each target gets one POST, retried once after a connection error or a 5xx
//! answer, all within a few seconds. What cannot be delivered comes back as a warning; it never
//! becomes an error of the command.

use std::time::Duration;

use super::{Event, Format, Target};

/// The most one target may take, retry included.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(5);
/// The pause before the one retry.
const RETRY_PAUSE: Duration = Duration::from_millis(250);

/// The body `target` is sent for `event`.
pub fn body(target: &Target, event: &Event) -> serde_json::Value {
    match target.format {
        Format::Json => serde_json::to_value(event).unwrap_or_default(),
        Format::Slack => super::slack::body(event),
    }
}

/// Posts `event` to every target, at the same time; the warnings of those that failed.
pub async fn deliver_all(targets: &[Target], event: &Event) -> Vec<String> {
    let client = match reqwest::Client::builder()
        .timeout(TOTAL_TIMEOUT)
        .user_agent(concat!("charts/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => return vec![format!("notifications not sent: {error}")],
    };
    let sends = targets.iter().map(|target| {
        let client = &client;
        async move {
            let outcome = tokio::time::timeout(TOTAL_TIMEOUT, deliver(client, target, event))
                .await
                .unwrap_or_else(|_| Err(format!("no answer within {}s", TOTAL_TIMEOUT.as_secs())));
            outcome.err().map(|why| {
                format!(
                    "notification to `{}` not delivered: {why}",
                    target.display()
                )
            })
        }
    });
    futures_util::future::join_all(sends)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// One target: a POST, and one more after a connection error or a 5xx.
async fn deliver(client: &reqwest::Client, target: &Target, event: &Event) -> Result<(), String> {
    let body = body(target, event);
    let mut last = String::new();
    for attempt in 0..2 {
        if attempt > 0 {
            tokio::time::sleep(RETRY_PAUSE).await;
        }
        match client.post(target.url.clone()).json(&body).send().await {
            Ok(response) if response.status().is_success() => return Ok(()),
            Ok(response) if response.status().is_server_error() => {
                last = format!("the server answered {}", response.status());
            }
            Ok(response) => return Err(format!("the server answered {}", response.status())),
            // The URL is left out of messages: a webhook's path is often its secret.
            Err(error) if error.is_connect() || error.is_request() => {
                last = crate::repo::http::chain(&error.without_url());
            }
            Err(error) => return Err(crate::repo::http::chain(&error.without_url())),
        }
    }
    Err(format!("{last} (tried twice)"))
}
