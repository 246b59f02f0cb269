//! The Slack incoming-webhook body of an event: a `text` fallback (what notifications and
//! screen readers show) and blocks: a header line, the facts as fields, and the failure reason.

use serde_json::{Value, json};

use super::Event;

/// The message posted to a Slack target.
pub fn body(event: &Event) -> Value {
    let icon = if event.succeeded {
        ":white_check_mark:"
    } else {
        ":x:"
    };
    let text = format!("{icon} {}", event.headline());
    let mut fields = Vec::new();
    let mut field = |name: &str, value: String| {
        fields.push(json!({"type": "mrkdwn", "text": format!("*{name}*\n{value}")}));
    };
    if let Some(chart) = &event.chart {
        field("Chart", format!("{} {}", chart.name, chart.version));
        if !chart.app_version.is_empty() {
            field("App version", chart.app_version.clone());
        }
    }
    if let Some(status) = &event.status {
        field("Status", status.clone());
    }
    for (key, value) in &event.labels {
        field(key, value.clone());
    }
    if let Some(provenance) = &event.provenance {
        field(
            "Promoted from",
            format!(
                "{}/{} revision {}",
                provenance.namespace, provenance.release, provenance.revision
            ),
        );
    }
    field(
        "Duration",
        format!("{:.1}s", event.duration_ms as f64 / 1000.0),
    );
    // Slack allows at most 10 fields in a section.
    fields.truncate(10);
    let mut blocks = vec![
        json!({"type": "section", "text": {"type": "mrkdwn", "text": text}}),
        json!({"type": "section", "fields": fields}),
    ];
    let detail = event.error.as_ref().or(event.description.as_ref());
    if let Some(detail) = detail {
        let label = if event.error.is_some() {
            "Reason"
        } else {
            "Description"
        };
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": format!("*{label}*\n{}", crate::error::truncate_for_message(detail, 2500))},
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": format!("charts v{} · {}", event.charts_version, event.timestamp)}],
    }));
    json!({"text": text, "blocks": blocks})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{ChartRef, Kind};

    #[test]
    fn a_failure_has_a_text_fallback_fields_and_the_reason() {
        let mut event = Event::new(Kind::Upgrade, Some("web"), Some("shop"));
        event.revision = Some(4);
        event.status = Some("failed".into());
        event.chart = Some(ChartRef {
            name: "web".into(),
            version: "1.2.0".into(),
            app_version: "2.0".into(),
            digest: "sha256:ab".into(),
        });
        event.labels.insert("commit".into(), "abc123".into());
        event.error = Some("cannot wait for Deployment `shop/web`".into());
        let body = body(&event);
        assert_eq!(
            body["text"],
            ":x: upgrade of `web` in `shop` failed: revision 4 failed"
        );
        let fields = body["blocks"][1]["fields"].as_array().unwrap();
        assert!(fields.iter().any(|f| f["text"] == "*commit*\nabc123"));
        assert!(fields.iter().any(|f| f["text"] == "*Chart*\nweb 1.2.0"));
        assert_eq!(
            body["blocks"][2]["text"]["text"],
            "*Reason*\ncannot wait for Deployment `shop/web`"
        );
    }
}
