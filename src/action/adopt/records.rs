//! A Helm revision as our release record: the same history (statuses, user values, manifest,
//! notes, times, description, chart name/version/appVersion, hooks), marked as adopted.

use indexmap::IndexMap;

use crate::helm::HelmRelease;
use crate::hooks::{Hook, Phase, Run};
use crate::release::{ChartInfo, Release, Status};

/// The record label an imported revision carries (`adopted-from=helm`): how a second `adopt`
/// recognises its own work. Later revisions inherit it like any release label.
pub const ADOPTED_LABEL: &str = "adopted-from";
pub const ADOPTED_VALUE: &str = "helm";

/// Helm's status names are ours; `unknown` (a record Helm could not finish) is `failed`.
pub fn status(helm: &str) -> Status {
    Status::parse(helm).unwrap_or(Status::Failed)
}

/// The record of one Helm revision. `namespace` is where the records live (Helm's own field is
/// empty in old records).
pub fn to_record(helm: &HelmRelease, namespace: &str) -> Release {
    let config = match &helm.config {
        serde_json::Value::Object(map) => serde_json::Value::Object(map.clone()),
        _ => serde_json::json!({}),
    };
    // The values the templates saw, as far as the record tells: the chart's defaults (Helm
    // stores the parent chart only, not its subcharts) coalesced with the user's values.
    let mut computed = helm.chart_values();
    crate::values::coalesce(&mut computed, config.clone());
    let mut labels: IndexMap<String, String> = helm
        .labels
        .iter()
        .filter(|(k, _)| !crate::release::encoding::RESERVED_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    labels.insert(ADOPTED_LABEL.to_string(), ADOPTED_VALUE.to_string());
    let info = &helm.info;
    Release {
        name: helm.name.clone(),
        namespace: namespace.to_string(),
        revision: helm.version,
        status: status(&info.status),
        chart: ChartInfo {
            name: helm.chart_field("name").to_string(),
            version: helm.chart_field("version").to_string(),
            app_version: helm.chart_field("appVersion").to_string(),
            digest: String::new(),
            subcharts: Vec::new(),
        },
        config,
        computed_values: computed,
        manifest: helm.manifest.clone(),
        notes: info.notes.clone(),
        description: info.description.clone(),
        first_deployed: time(&info.first_deployed),
        last_deployed: time(&info.last_deployed),
        // Go's zero time is what some Helm versions write for "not deleted".
        deleted: Some(time(&info.deleted)).filter(|t| !t.is_empty() && !t.starts_with("0001-")),
        labels,
        created_namespace: false,
        hooks: helm.hooks.iter().map(hook).collect(),
        env: None,
        provenance: None,
    }
}

/// Helm writes Go's RFC 3339 with nanoseconds; ours are whole seconds, UTC.
fn time(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(time) => crate::support::clock::rfc3339(time),
        Err(_) => text.to_string(),
    }
}

fn hook(helm: &crate::helm::Hook) -> Hook {
    let phase = match helm.last_run.phase.as_str() {
        "Running" => Phase::Running,
        "Succeeded" => Phase::Succeeded,
        "Failed" => Phase::Failed,
        _ => Phase::Unknown,
    };
    Hook {
        name: helm.name.clone(),
        kind: helm.kind.clone(),
        path: helm.path.clone(),
        manifest: helm.manifest.clone(),
        events: helm.events.clone(),
        weight: helm.weight,
        delete_policies: helm.delete_policies.clone(),
        last_run: Run {
            started_at: time(&helm.last_run.started_at),
            completed_at: time(&helm.last_run.completed_at),
            phase,
            reason: String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helm_revision_becomes_our_record() {
        let helm: HelmRelease = serde_json::from_value(serde_json::json!({
            "name": "shop",
            "info": {
                "first_deployed": "2026-12-06T21:18:46.942008489Z",
                "last_deployed": "2026-12-06T21:18:49.079452937Z",
                "description": "new image", "status": "deployed", "notes": "hi\n"
            },
            "chart": {"metadata": {"name": "shop", "version": "1.0.0", "appVersion": "2.1"},
                      "values": {"replicas": 1, "image": "a", "nested": {"x": 1, "y": 2}}},
            "config": {"image": "b", "nested": {"y": 3}},
            "manifest": "---\n# Source: shop/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
            "hooks": [{"name": "m", "kind": "Job", "path": "shop/templates/m.yaml", "manifest": "x",
                       "events": ["pre-upgrade"], "weight": -2, "delete_policies": ["hook-succeeded"],
                       "last_run": {"started_at": "2026-12-06T21:18:48.029434679Z", "phase": "Succeeded"}}],
            "version": 3, "namespace": "shop", "labels": {"team": "a", "owner": "x"}
        }))
        .unwrap();
        let record = to_record(&helm, "shop");
        assert_eq!(record.revision, 3);
        assert_eq!(record.status, Status::Deployed);
        assert_eq!(record.chart.name, "shop");
        assert_eq!(record.chart.app_version, "2.1");
        assert_eq!(record.first_deployed, "2026-12-06T21:18:46Z");
        assert_eq!(
            record.config,
            serde_json::json!({"image": "b", "nested": {"y": 3}})
        );
        assert_eq!(
            record.computed_values,
            serde_json::json!({"replicas": 1, "image": "b", "nested": {"x": 1, "y": 3}})
        );
        assert_eq!(record.labels["team"], "a");
        assert!(
            !record.labels.contains_key("owner"),
            "reserved labels are dropped"
        );
        assert_eq!(record.labels[ADOPTED_LABEL], ADOPTED_VALUE);
        assert_eq!(record.hooks[0].weight, -2);
        assert_eq!(record.hooks[0].last_run.phase, Phase::Succeeded);
        assert_eq!(record.hooks[0].last_run.completed_at, "");
        assert_eq!(status("unknown"), Status::Failed);
        assert_eq!(status("pending-upgrade"), Status::PendingUpgrade);
        // The record encodes as ours does.
        crate::release::encoding::encode(&record).unwrap();
    }
}
