//! Objects whose change hits a field that cannot change once they exist (a Deployment's selector,
//! a Job's template...): found before anything changes, with a dry-run apply of only those
//! objects whose kind has such fields and whose fields differ from the deployed revision's
//! rendering (so a release without such changes pays nothing). Without `--force-replace`, and
//! without `charts.dev/replace-on-change: "true"` on the object, the operation refuses before it
//! changes anything; with it, they are deleted (foreground propagation), waited for, and created
//! again by the apply that follows.

use std::collections::HashMap;

use crate::cluster::apply::{Applier, DryRunOutcome, ImmutableField, ObjectKey, immutable};
use crate::error::{Error, Result};
use crate::render::Object;

/// An object to replace, and the fields that make it so.
pub(in crate::action) struct Replacement<'a> {
    pub object: &'a Object,
    pub key: ObjectKey,
    pub fields: Vec<ImmutableField>,
}

/// The objects of `objects` whose change from the deployed revision's `deployed` hits a field
/// the API server will not change. A dry run refused for another reason finds nothing: the apply
/// reports it as it would.
pub(in crate::action) async fn find<'a>(
    applier: &Applier,
    objects: &'a [Object],
    deployed: &[Object],
) -> Vec<Replacement<'a>> {
    let before: HashMap<ObjectKey, &Object> =
        deployed.iter().map(|o| (applier.key_of(o), o)).collect();
    let candidates: Vec<&Object> = objects
        .iter()
        .filter(|o| {
            before
                .get(&applier.key_of(o))
                .is_some_and(|old| immutable::may_hit_immutable_field(o, old))
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let Ok(outcomes) = applier.dry_run_apply(&candidates).await else {
        return Vec::new();
    };
    candidates
        .into_iter()
        .zip(outcomes)
        .filter_map(|(object, (key, outcome))| match outcome {
            DryRunOutcome::Immutable(fields) => Some(Replacement {
                object,
                key,
                fields,
            }),
            _ => None,
        })
        .collect()
}

/// `Deployment `dev/web` (spec.selector)`.
pub(in crate::action) fn describe(replacement: &Replacement) -> String {
    let fields: Vec<&str> = replacement
        .fields
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    format!("{} ({})", replacement.key, fields.join(", "))
}

/// Refuses when an object needs replacing and neither `--force-replace` nor its annotation
/// allows it: names each object and field, and how to proceed.
pub(in crate::action) fn allowed(
    replacements: &[Replacement],
    force_replace: bool,
    release: &str,
) -> Result<()> {
    if force_replace {
        return Ok(());
    }
    let refused: Vec<String> = replacements
        .iter()
        .filter(|r| !immutable::replace_on_change(r.object))
        .map(|r| {
            let messages: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.field, shortened(&f.message)))
                .collect();
            format!("{}: {}", describe(r), messages.join("; "))
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::with_hint(
        format!(
            "nothing was changed: {} would change {} that cannot change once {} (the API server refuses it):\n  {}",
            if refused.len() == 1 {
                "this object"
            } else {
                "these objects"
            },
            if refused.len() == 1 {
                "a field"
            } else {
                "fields"
            },
            if refused.len() == 1 {
                "it exists"
            } else {
                "they exist"
            },
            refused.join("\n  ")
        ),
        format!(
            "pass `--force-replace` to delete and recreate them (waiting for the deletion), annotate them with `{}: \"true\"` in the chart, or run `charts plan {release} CHART` to see every change",
            immutable::REPLACE_ON_CHANGE_ANNOTATION
        ),
    ))
}

fn shortened(message: &str) -> String {
    match message.char_indices().nth(200) {
        Some((at, _)) => format!("{}...", &message[..at]),
        None => message.to_string(),
    }
}
