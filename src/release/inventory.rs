//! The inventory annotations of a record Secret: what a revision runs and where it came from,
//! written when the record is encoded and read back by `list` from metadata alone.
//!
//! - `charts.dev/images`: JSON array of the image references of the revision's containers
//!   (`containers`, `initContainers` and `ephemeralContainers` of Pods and of every pod template:
//!   workloads, Jobs, CronJobs, and any kind with `spec.template.spec`), hooks included; sorted,
//!   unique.
//! - `charts.dev/subcharts`: JSON array of the rendered (enabled) subcharts,
//!   `{"name", "version", "alias"?, "parent"?}` (see [`SubchartInfo`]).
//! - `charts.dev/provenance`: compact JSON of [`Provenance`], for a promoted revision.
//!
//! A Secret's annotations may hold 256 KiB in all, so each list is capped at
//! [`MAX_LIST_BYTES`] of JSON: what does not fit is left out and counted by a last element
//! `"+N more"`, which [`read`] turns back into a count.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Inventory, Provenance, Release, SubchartInfo};

pub const ANNOTATION_IMAGES: &str = "charts.dev/images";
pub const ANNOTATION_SUBCHARTS: &str = "charts.dev/subcharts";
pub const ANNOTATION_PROVENANCE: &str = "charts.dev/provenance";
/// Most bytes of JSON one inventory list may take in the annotations.
pub const MAX_LIST_BYTES: usize = 64 * 1024;

/// The inventory annotations of `release` (a list that is empty is left out).
pub fn annotations(release: &Release) -> BTreeMap<String, String> {
    let mut annotations = BTreeMap::new();
    let images = images(release);
    if !images.is_empty() {
        let items: Vec<Value> = images.into_iter().map(Value::String).collect();
        annotations.insert(ANNOTATION_IMAGES.to_string(), capped(items));
    }
    if !release.chart.subcharts.is_empty() {
        let items: Vec<Value> = release
            .chart
            .subcharts
            .iter()
            .map(|s| serde_json::to_value(s).expect("a subchart is JSON"))
            .collect();
        annotations.insert(ANNOTATION_SUBCHARTS.to_string(), capped(items));
    }
    if let Some(provenance) = &release.provenance {
        annotations.insert(
            ANNOTATION_PROVENANCE.to_string(),
            serde_json::to_string(provenance).expect("provenance is JSON"),
        );
    }
    annotations
}

/// The image references of the revision's objects and hooks, sorted and unique. A manifest that
/// does not parse (it was written by this tool, so only a hand-made record) gives none.
pub fn images(release: &Release) -> BTreeSet<String> {
    let mut images = BTreeSet::new();
    let manifests = std::iter::once(release.manifest.as_str())
        .chain(release.hooks.iter().map(|h| h.manifest.as_str()));
    for manifest in manifests {
        // Cheap test first: most objects (ConfigMaps, Services...) have no images.
        if !manifest.contains("image") {
            continue;
        }
        let Ok(objects) = crate::render::manifest::parse_documents("record", manifest) else {
            continue;
        };
        for object in &objects {
            collect_images(&object.value, &mut images);
        }
    }
    images
}

/// Pod specs of an object: a Pod's own, a pod template's (`spec.template.spec`), a CronJob's
/// (`spec.jobTemplate.spec.template.spec`).
fn collect_images(object: &Value, images: &mut BTreeSet<String>) {
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    let pod_specs = [
        (kind == "Pod").then(|| object.get("spec")).flatten(),
        object.pointer("/spec/template/spec"),
        object.pointer("/spec/jobTemplate/spec/template/spec"),
    ];
    for spec in pod_specs.into_iter().flatten() {
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            let Some(containers) = spec.get(list).and_then(Value::as_array) else {
                continue;
            };
            for container in containers {
                if let Some(image) = container.get("image").and_then(Value::as_str)
                    && !image.trim().is_empty()
                {
                    images.insert(image.trim().to_string());
                }
            }
        }
    }
}

/// The JSON array of `items`, as many as fit in [`MAX_LIST_BYTES`], then `"+N more"` if some did
/// not.
fn capped(items: Vec<Value>) -> String {
    let full = Value::Array(items).to_string();
    if full.len() <= MAX_LIST_BYTES {
        return full;
    }
    let Value::Array(items) = serde_json::from_str(&full).expect("just written") else {
        unreachable!("an array was written");
    };
    let total = items.len();
    // Room for the marker: `,"+<count> more"` with the widest count.
    let room = MAX_LIST_BYTES - format!(",\"+{total} more\"").len();
    let mut kept = Vec::new();
    let mut size = 2; // `[` and `]`
    for item in items {
        let item_size = item.to_string().len() + usize::from(!kept.is_empty());
        if size + item_size > room {
            break;
        }
        size += item_size;
        kept.push(item);
    }
    let omitted = total - kept.len();
    kept.push(Value::String(format!("+{omitted} more")));
    Value::Array(kept).to_string()
}

/// The inventory from a record's annotations; what is missing or unreadable is left empty (a
/// listing never fails on another tool's annotations).
pub fn read(annotations: Option<&BTreeMap<String, String>>) -> Inventory {
    let Some(annotations) = annotations else {
        return Inventory::default();
    };
    let (images, images_omitted) = list(annotations.get(ANNOTATION_IMAGES), |v| match v {
        Value::String(image) => Some(image),
        _ => None,
    });
    let (subcharts, subcharts_omitted) = list(annotations.get(ANNOTATION_SUBCHARTS), |v| {
        serde_json::from_value::<SubchartInfo>(v).ok()
    });
    let provenance = annotations
        .get(ANNOTATION_PROVENANCE)
        .and_then(|text| serde_json::from_str::<Provenance>(text).ok());
    Inventory {
        images,
        images_omitted,
        subcharts,
        subcharts_omitted,
        provenance,
    }
}

/// The items of a capped JSON array and the count its `"+N more"` marker gives.
fn list<T>(text: Option<&String>, item: impl Fn(Value) -> Option<T>) -> (Vec<T>, usize) {
    let Some(Ok(Value::Array(mut values))) = text.map(|t| serde_json::from_str::<Value>(t)) else {
        return (Vec::new(), 0);
    };
    let omitted = values
        .last()
        .and_then(Value::as_str)
        .and_then(|s| s.strip_prefix('+'))
        .and_then(|s| s.strip_suffix(" more"))
        .and_then(|n| n.parse().ok());
    if omitted.is_some() {
        values.pop();
    }
    let items = values.into_iter().filter_map(item).collect();
    (items, omitted.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_spec(images: &[&str]) -> String {
        let containers: String = images
            .iter()
            .enumerate()
            .map(|(i, image)| format!("      - name: c{i}\n        image: {image}\n"))
            .collect();
        containers
    }

    #[test]
    fn images_of_pods_workloads_jobs_and_cronjobs_sorted_unique() {
        let manifest = format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: busybox:1.36\n  ephemeralContainers:\n  - name: debug\n    image: debug:1\n\
             ---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      initContainers:\n{}      containers:\n{}\
             ---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: x\n            image: cron:2\n\
             ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\ndata:\n  image: not-an-image\n",
            pod_spec(&["migrate:1"]),
            pod_spec(&["web:2", "busybox:1.36"]),
        );
        let mut release = crate::release::encoding::tests::release(manifest);
        release.hooks = Vec::new();
        let images: Vec<String> = images(&release).into_iter().collect();
        assert_eq!(
            images,
            ["busybox:1.36", "cron:2", "debug:1", "migrate:1", "web:2"]
        );
    }

    #[test]
    fn a_list_over_the_cap_keeps_what_fits_and_counts_the_rest() {
        let items: Vec<Value> = (0..10_000)
            .map(|i| Value::String(format!("registry.example.com/team/image-{i:05}:1.0.0")))
            .collect();
        let text = capped(items);
        assert!(text.len() <= MAX_LIST_BYTES, "{}", text.len());
        let annotations = BTreeMap::from([(ANNOTATION_IMAGES.to_string(), text)]);
        let inventory = read(Some(&annotations));
        assert!(inventory.images.len() > 1000);
        assert_eq!(inventory.images.len() + inventory.images_omitted, 10_000);
        assert_eq!(
            inventory.images[0],
            "registry.example.com/team/image-00000:1.0.0"
        );
    }

    #[test]
    fn unreadable_annotations_give_an_empty_inventory() {
        let annotations = BTreeMap::from([
            (ANNOTATION_IMAGES.to_string(), "not json".to_string()),
            (ANNOTATION_SUBCHARTS.to_string(), "{}".to_string()),
            (ANNOTATION_PROVENANCE.to_string(), "[1]".to_string()),
        ]);
        assert_eq!(read(Some(&annotations)), Inventory::default());
        assert_eq!(read(None), Inventory::default());
    }
}
