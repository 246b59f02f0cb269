//! One page of a metadata LIST of record Secrets, read as it is parsed: the page's continue
//! token is handed on as soon as the list's `metadata` has been read (the API server writes it
//! before `items`), so the next page can be requested while this one is still being parsed.
//! Of each item only the fields a summary reads are kept (the rest, `managedFields` above all,
//! is skipped without being built), and the record items become [`ReleaseSummary`]s.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::release::{ReleaseSummary, encoding};

/// Parses a `PartialObjectMetadataList` page, sending its continue token (`None` when it is
/// the last page) to `token` once known, and returns the summaries of its record items; with
/// `newest_only`, only of the newest revision of each release the page holds.
pub fn read(
    text: &str,
    newest_only: bool,
    token: tokio::sync::oneshot::Sender<Option<String>>,
) -> Result<Vec<ReleaseSummary>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let summaries = PageSeed {
        token: Some(token),
        newest_only,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(summaries)
}

struct PageSeed {
    token: Option<tokio::sync::oneshot::Sender<Option<String>>>,
    newest_only: bool,
}

impl<'de> DeserializeSeed<'de> for PageSeed {
    type Value = Vec<ReleaseSummary>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed {
    type Value = Vec<ReleaseSummary>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a PartialObjectMetadataList")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut summaries = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "metadata" => {
                    let meta: ListMeta = map.next_value()?;
                    if let Some(token) = self.token.take() {
                        // The receiver may be gone (the listing failed meanwhile): nothing to do.
                        let _ = token.send(meta.continue_.filter(|t| !t.is_empty()));
                    }
                }
                "items" => {
                    let items = map.next_value_seed(Items)?;
                    summaries = summarize(items, self.newest_only);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        // No list metadata at all: a single, last page.
        if let Some(token) = self.token.take() {
            let _ = token.send(None);
        }
        Ok(summaries)
    }
}

#[derive(Deserialize)]
struct ListMeta {
    #[serde(rename = "continue", default)]
    continue_: Option<String>,
}

/// The summaries of a page's record items (others are skipped); with `newest_only`, of the
/// newest revision of each release among them, so that no summary is built for the others.
fn summarize(items: Vec<ItemMeta>, newest_only: bool) -> Vec<ReleaseSummary> {
    let mut keep = vec![true; items.len()];
    if newest_only {
        let mut newest: HashMap<(&str, &str), (usize, u64)> = HashMap::new();
        for (index, item) in items.iter().enumerate() {
            let Some((release, revision)) = item.release() else {
                continue;
            };
            match newest.entry(release) {
                Entry::Vacant(entry) => {
                    entry.insert((index, revision));
                }
                Entry::Occupied(mut entry) => {
                    let (kept, kept_revision) = *entry.get();
                    if revision > kept_revision {
                        keep[kept] = false;
                        entry.insert((index, revision));
                    } else {
                        keep[index] = false;
                    }
                }
            }
        }
    }
    items
        .into_iter()
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .filter_map(|(item, _)| {
            encoding::summary(&ObjectMeta {
                namespace: item.namespace,
                labels: item.labels,
                annotations: item.annotations,
                ..ObjectMeta::default()
            })
        })
        .collect()
}

/// The `items` array: each item's metadata, the rest of it skipped.
struct Items;

impl<'de> DeserializeSeed<'de> for Items {
    type Value = Vec<ItemMeta>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        // `any`, for a Go server's `null` of an empty list.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Items {
    type Value = Vec<ItemMeta>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of PartialObjectMetadata")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<Item>()? {
            items.push(item.metadata);
        }
        Ok(items)
    }
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    metadata: ItemMeta,
}

/// What a summary reads of an item's metadata; every other field is skipped unbuilt.
#[derive(Deserialize, Default)]
struct ItemMeta {
    namespace: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    annotations: Option<BTreeMap<String, String>>,
}

impl ItemMeta {
    /// The release (namespace, name) and revision this record is of, from its labels.
    fn release(&self) -> Option<((&str, &str), u64)> {
        let labels = self.labels.as_ref()?;
        if labels.get("owner")? != encoding::OWNER {
            return None;
        }
        let name = labels.get("name")?;
        let revision = labels.get("version")?.parse().ok()?;
        Some((
            (self.namespace.as_deref().unwrap_or_default(), name),
            revision,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(namespace: &str, name: &str, revision: u64) -> serde_json::Value {
        serde_json::json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {
                "name": format!("charts.release.v1.{name}.v{revision}"),
                "namespace": namespace,
                "labels": {"owner": "charts", "name": name, "version": revision.to_string(),
                           "status": "deployed", "commit": "abc"},
                "annotations": {"charts.dev/chart": "web-1.0.0",
                                "charts.dev/images": "[\"nginx:1\"]"},
                "managedFields": [{"manager": "charts", "fieldsV1": {"f:data": {}}}],
            }
        })
    }

    #[test]
    fn reads_the_token_and_the_records_and_skips_the_rest() {
        let page = serde_json::json!({
            "kind": "PartialObjectMetadataList",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": "7", "continue": "next-page"},
            "items": [
                record("dev", "web", 2),
                {"metadata": {"name": "other", "labels": {"owner": "someone-else"}}},
                record("prod", "api", 1),
            ],
        });
        let (sender, mut receiver) = tokio::sync::oneshot::channel();
        let summaries = read(&page.to_string(), false, sender).unwrap();
        assert_eq!(receiver.try_recv().unwrap().as_deref(), Some("next-page"));
        let found: Vec<_> = summaries
            .iter()
            .map(|s| (s.namespace.as_str(), s.name.as_str(), s.revision))
            .collect();
        assert_eq!(found, [("dev", "web", 2), ("prod", "api", 1)]);
        assert_eq!(summaries[0].chart, "web-1.0.0");
        assert_eq!(summaries[0].labels["commit"], "abc");
        assert_eq!(summaries[0].inventory.images, ["nginx:1"]);
    }

    #[test]
    fn newest_only_keeps_the_newest_revision_of_each_release_of_the_page() {
        let page = serde_json::json!({
            "metadata": {},
            "items": [record("dev", "web", 2), record("dev", "web", 10), record("prod", "web", 1),
                      record("dev", "web", 9), record("dev", "api", 1)],
        });
        let text = page.to_string();
        let read_with = |newest_only| {
            let (sender, _receiver) = tokio::sync::oneshot::channel();
            read(&text, newest_only, sender)
                .unwrap()
                .iter()
                .map(|s| format!("{}/{}.v{}", s.namespace, s.name, s.revision))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            read_with(true),
            ["dev/web.v10", "prod/web.v1", "dev/api.v1"]
        );
        assert_eq!(read_with(false).len(), 5);
    }

    #[test]
    fn the_last_page_has_no_token_wherever_its_metadata_is() {
        for page in [
            r#"{"items": [], "metadata": {"resourceVersion": "7", "continue": ""}}"#,
            r#"{"items": []}"#,
            r#"{"metadata": {}, "items": null}"#,
        ] {
            let (sender, mut receiver) = tokio::sync::oneshot::channel();
            let summaries = read(page, true, sender);
            assert!(summaries.is_ok_and(|s| s.is_empty()), "{page}");
            assert_eq!(receiver.try_recv().unwrap(), None, "{page}");
        }
    }

    #[test]
    fn a_broken_page_is_an_error() {
        for page in [r#"{"items": [{"metadata": 3}]}"#, r#"{"items": ["#, "[]"] {
            let (sender, _receiver) = tokio::sync::oneshot::channel();
            assert!(read(page, false, sender).is_err(), "{page}");
        }
    }
}
