//! Moving an object from Helm to us without touching what runs: one JSON merge patch of its
//! metadata only (a `resourceVersion` precondition, our ownership marks in, Helm's out) that
//! also hands Helm's field ownership (`managedFields`) to our field manager, so the next
//! `charts upgrade` or `rollback` (server-side apply as `charts`) owns every field Helm applied:
//! no conflicts with Helm's manager, and fields a later chart drops are removed as Helm would
//! have. Nothing outside `metadata` changes, so `generation` and the pod template stay as they
//! are and nothing restarts.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams};
use kube::discovery::Scope;
use serde_json::{Map, Value, json};

use crate::cluster::Cluster;
use crate::cluster::apply::{
    FIELD_MANAGER, MANAGED_BY, MANAGED_BY_LABEL, ObjectKey, RELEASE_NAME_ANNOTATION,
    RELEASE_NAMESPACE_ANNOTATION,
};
use crate::cluster::discovery::Discovery;
use crate::cluster::retry::retry;
use crate::error::{Error, Result};
use crate::helm;
use crate::render::Object;

/// Where an object's ownership marks stand.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkState {
    /// Helm's marks (or none): ours are to be written.
    Move,
    /// Ours already, Helm's gone.
    Ours,
    /// Not in the cluster (deleted by hand, or its kind is not served): the record still lists
    /// it, and the next upgrade or rollback creates it again.
    Missing,
}

/// One object of the adopted revision.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ObjectMark {
    #[serde(flatten)]
    pub key: ObjectKey,
    pub state: MarkState,
}

/// Where one object lives in the API.
pub(super) struct Located {
    pub mark: ObjectMark,
    resource: Option<ApiResource>,
}

/// Finds each object of the revision and how its marks stand. An object that another release
/// (Helm's or ours) owns is refused: the manifest and the cluster disagree about whose it is.
pub(super) async fn locate(
    cluster: &Cluster,
    discovery: &Discovery,
    objects: &[Object],
    release: &str,
    namespace: &str,
) -> Result<Vec<Located>> {
    let mut located = Vec::new();
    for object in objects {
        let (group, version) = object
            .api_version()
            .split_once('/')
            .unwrap_or(("", object.api_version()));
        let gvk = GroupVersionKind::gvk(group, version, object.kind());
        let Some((resource, capabilities)) = discovery.resolve_gvk(&gvk) else {
            located.push(Located {
                mark: ObjectMark {
                    key: ObjectKey::of(object),
                    state: MarkState::Missing,
                },
                resource: None,
            });
            continue;
        };
        let key = ObjectKey {
            namespace: (capabilities.scope == Scope::Namespaced)
                .then(|| object.namespace().unwrap_or(namespace).to_string()),
            ..ObjectKey::of(object)
        };
        let objects_api = api(cluster, &resource, &key);
        let live = retry(|| objects_api.get_opt(&key.name))
            .await
            .map_err(|e| read_error(cluster, e, "get", &resource, &key))?;
        let state = match live {
            None => MarkState::Missing,
            Some(live) => state_of(&live.metadata, release, namespace, &key)?,
        };
        located.push(Located {
            mark: ObjectMark { key, state },
            resource: Some(resource),
        });
    }
    Ok(located)
}

fn api(cluster: &Cluster, resource: &ApiResource, key: &ObjectKey) -> Api<DynamicObject> {
    match &key.namespace {
        Some(namespace) => Api::namespaced_with(cluster.client.clone(), namespace, resource),
        None => Api::all_with(cluster.client.clone(), resource),
    }
}

fn read_error(
    cluster: &Cluster,
    source: kube::Error,
    verb: &str,
    resource: &ApiResource,
    key: &ObjectKey,
) -> Error {
    crate::cluster::Error::from_kube(
        source,
        cluster,
        verb,
        &resource.plural,
        key.namespace.as_deref().unwrap_or("*"),
    )
    .into()
}

fn state_of(
    metadata: &kube::core::ObjectMeta,
    release: &str,
    namespace: &str,
    key: &ObjectKey,
) -> Result<MarkState> {
    let annotation = |name: &str| {
        metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(name))
            .map(String::as_str)
    };
    let claims = |name_key: &str, namespace_key: &str| match annotation(name_key) {
        Some(owner) => {
            let owner_namespace = annotation(namespace_key).unwrap_or_default();
            if owner != release || owner_namespace != namespace {
                Err(Error::with_hint(
                    format!(
                        "{key} belongs to release `{owner}` in namespace `{owner_namespace}`, not to `{release}` (annotation `{name_key}`)"
                    ),
                    "the Helm manifest lists an object another release owns: sort that out before adopting",
                ))
            } else {
                Ok(true)
            }
        }
        None => Ok(false),
    };
    let helms = claims(
        helm::RELEASE_NAME_ANNOTATION,
        helm::RELEASE_NAMESPACE_ANNOTATION,
    )?;
    let ours = claims(RELEASE_NAME_ANNOTATION, RELEASE_NAMESPACE_ANNOTATION)?;
    let managed_by_us = metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(MANAGED_BY_LABEL))
        .is_some_and(|v| v == MANAGED_BY);
    Ok(if ours && !helms && managed_by_us {
        MarkState::Ours
    } else {
        MarkState::Move
    })
}

/// Moves the marks of one located object (a no-op unless its state is [`MarkState::Move`]).
pub(super) async fn move_marks(
    cluster: &Cluster,
    located: &Located,
    release: &str,
    namespace: &str,
) -> Result<()> {
    let (MarkState::Move, Some(resource)) = (&located.mark.state, &located.resource) else {
        return Ok(());
    };
    let key = &located.mark.key;
    let api = api(cluster, resource, key);
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_string()),
        ..PatchParams::default()
    };
    // A write between our read and our patch (a controller, a scale) is a 409: read again.
    let mut attempts = 0;
    loop {
        attempts += 1;
        let Some(live) = retry(|| api.get_opt(&key.name))
            .await
            .map_err(|e| read_error(cluster, e, "get", resource, key))?
        else {
            return Ok(());
        };
        let live = serde_json::to_value(&live).unwrap_or(Value::Null);
        let patch = mark_patch(
            &live,
            release,
            namespace,
            &crate::support::clock::now_rfc3339(),
        );
        match api.patch(&key.name, &params, &Patch::Merge(&patch)).await {
            Ok(_) => return Ok(()),
            Err(kube::Error::Api(status)) if status.code == 409 && attempts < 5 => continue,
            Err(e) => return Err(read_error(cluster, e, "patch", resource, key)),
        }
    }
}

/// The metadata-only merge patch that moves `live` from Helm to `release`.
pub fn mark_patch(live: &Value, release: &str, namespace: &str, now: &str) -> Value {
    let mut metadata = json!({
        "resourceVersion": live["metadata"]["resourceVersion"],
        "labels": { MANAGED_BY_LABEL: MANAGED_BY },
        "annotations": {
            RELEASE_NAME_ANNOTATION: release,
            RELEASE_NAMESPACE_ANNOTATION: namespace,
            helm::RELEASE_NAME_ANNOTATION: null,
            helm::RELEASE_NAMESPACE_ANNOTATION: null,
        },
    });
    let entries = live["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let api_version = live["apiVersion"].as_str().unwrap_or_default();
    if let Some(entries) = transfer_ownership(&entries, api_version, now) {
        metadata["managedFields"] = Value::Array(entries);
    }
    json!({ "metadata": metadata })
}

/// The entry's field set, if it is a main-resource entry (not `status` or `scale`).
fn main_fields(entry: &Value) -> Option<&Value> {
    if entry.get("subresource").is_some_and(|s| !s.is_null()) {
        return None;
    }
    entry.get("fieldsV1")
}

/// Whether a field set owns Helm's release-name annotation: that entry is Helm's (whatever
/// its manager is called: Helm uses the name it was run as).
fn owns_helm_mark(fields: &Value) -> bool {
    fields
        .get("f:metadata")
        .and_then(|m| m.get("f:annotations"))
        .and_then(|a| a.get(format!("f:{}", helm::RELEASE_NAME_ANNOTATION)))
        .is_some()
}

/// Helm's entries (and any `Apply` entry of ours) merged into one `Apply` entry of ours, with
/// the marks' fields renamed; `None` when no entry is Helm's (nothing to hand over).
pub fn transfer_ownership(entries: &[Value], api_version: &str, now: &str) -> Option<Vec<Value>> {
    let is_helms = |entry: &Value| main_fields(entry).is_some_and(owns_helm_mark);
    let is_our_apply = |entry: &Value| {
        main_fields(entry).is_some()
            && entry["manager"] == FIELD_MANAGER
            && entry["operation"] == "Apply"
    };
    if !entries.iter().any(is_helms) {
        return None;
    }
    let mut fields = Value::Object(Map::new());
    let mut kept = Vec::new();
    for entry in entries {
        if is_helms(entry) || is_our_apply(entry) {
            union(&mut fields, main_fields(entry).unwrap_or(&Value::Null));
        } else {
            kept.push(entry.clone());
        }
    }
    let metadata = object_at(&mut fields, "f:metadata");
    let annotations = object_at(metadata, "f:annotations");
    if let Some(map) = annotations.as_object_mut() {
        map.remove(&format!("f:{}", helm::RELEASE_NAME_ANNOTATION));
        map.remove(&format!("f:{}", helm::RELEASE_NAMESPACE_ANNOTATION));
        map.insert(format!("f:{RELEASE_NAME_ANNOTATION}"), json!({}));
        map.insert(format!("f:{RELEASE_NAMESPACE_ANNOTATION}"), json!({}));
    }
    let labels = object_at(metadata, "f:labels");
    if let Some(map) = labels.as_object_mut() {
        map.insert(format!("f:{MANAGED_BY_LABEL}"), json!({}));
    }
    kept.push(json!({
        "manager": FIELD_MANAGER,
        "operation": "Apply",
        "apiVersion": api_version,
        "time": now,
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
    }));
    Some(kept)
}

fn object_at<'a>(value: &'a mut Value, key: &str) -> &'a mut Value {
    if !value[key].is_object() {
        value[key] = Value::Object(Map::new());
    }
    &mut value[key]
}

/// Field sets are trees of `{}` leaves: their union is a deep merge.
fn union(into: &mut Value, from: &Value) {
    let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) else {
        return;
    };
    for (key, value) in from {
        match into.get_mut(key) {
            Some(existing) => union(existing, value),
            None => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Deployment Helm v4 applied in testdata/helm/adopt (its manager is named after the
    /// program that ran Helm: `python` there).
    fn helm_deployment() -> Value {
        let path = format!(
            "{}/testdata/helm/adopt/live.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let live: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        live["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["kind"] == "Deployment")
            .unwrap()
            .clone()
    }

    #[test]
    fn helm_ownership_becomes_ours_and_nothing_outside_metadata_changes() {
        let mut live = helm_deployment();
        live["metadata"]["managedFields"]
            .as_array_mut()
            .unwrap()
            .push(
                json!({"manager": "kube-controller-manager", "operation": "Update",
                         "apiVersion": "apps/v1", "subresource": "status",
                         "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {}}}),
            );
        let patch = mark_patch(&live, "shop", "shop", "2026-12-06T22:00:00Z");
        assert_eq!(
            patch.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["metadata"]
        );
        let metadata = &patch["metadata"];
        assert_eq!(
            metadata["resourceVersion"],
            live["metadata"]["resourceVersion"]
        );
        assert_eq!(
            metadata["annotations"]["meta.helm.sh/release-name"],
            Value::Null
        );
        assert_eq!(metadata["annotations"][RELEASE_NAME_ANNOTATION], "shop");
        assert_eq!(metadata["labels"][MANAGED_BY_LABEL], "charts");
        let entries = metadata["managedFields"].as_array().unwrap();
        assert_eq!(entries.len(), 2, "{entries:#?}");
        assert_eq!(entries[0]["manager"], "kube-controller-manager");
        let ours = &entries[1];
        assert_eq!(
            (ours["manager"].as_str(), ours["operation"].as_str()),
            (Some("charts"), Some("Apply"))
        );
        let fields = &ours["fieldsV1"];
        assert!(
            fields["f:spec"]["f:template"].is_object(),
            "the spec is ours now"
        );
        let annotations = fields["f:metadata"]["f:annotations"].as_object().unwrap();
        assert!(annotations.contains_key("f:charts.dev/release-name"));
        assert!(!annotations.contains_key("f:meta.helm.sh/release-name"));
    }

    /// Helm v3 (client-side apply) records its fields under an `Update` entry: they become
    /// ours all the same, merged with what we applied already.
    #[test]
    fn a_client_side_helm_entry_is_handed_over_too() {
        let entries = vec![
            json!({"manager": "helm", "operation": "Update", "apiVersion": "v1",
                   "fieldsV1": {"f:data": {"f:a": {}},
                                "f:metadata": {"f:annotations": {"f:meta.helm.sh/release-name": {},
                                                                 "f:meta.helm.sh/release-namespace": {}}}}}),
            json!({"manager": "charts", "operation": "Apply", "apiVersion": "v1",
                   "fieldsV1": {"f:data": {"f:b": {}}}}),
        ];
        let handed = transfer_ownership(&entries, "v1", "t").unwrap();
        assert_eq!(handed.len(), 1);
        assert_eq!(
            handed[0]["fieldsV1"],
            json!({"f:data": {"f:a": {}, "f:b": {}},
                   "f:metadata": {"f:annotations": {"f:charts.dev/release-name": {},
                                                    "f:charts.dev/release-namespace": {}},
                                  "f:labels": {"f:app.kubernetes.io/managed-by": {}}}})
        );
    }

    #[test]
    fn entries_that_are_not_helms_are_left_alone() {
        let entries = vec![json!({"manager": "kubectl", "operation": "Update",
                                  "fieldsV1": {"f:data": {"f:a": {}}}})];
        assert!(transfer_ownership(&entries, "v1", "t").is_none());
        let mut a = json!({"f:a": {"f:b": {}}});
        union(&mut a, &json!({"f:a": {"f:c": {}}, "f:d": {}}));
        assert_eq!(a, json!({"f:a": {"f:b": {}, "f:c": {}}, "f:d": {}}));
    }
}
