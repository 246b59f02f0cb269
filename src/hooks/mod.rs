//! Hooks as data: which rendered objects are hooks, for which events, in which order they run and
//! with which delete policies, and the record of each hook a release keeps (its manifest, so a
//! rollback can run it without the chart, and its last run). Pure: `action::hooks` runs them.
//!
//! The annotations are Helm's (`helm.sh/hook`, `helm.sh/hook-weight`,
//! `helm.sh/hook-delete-policy`) or our `charts.dev/` twins; the `charts.dev/` one wins when an
//! object has both.

use serde::{Deserialize, Serialize};

use crate::render::Object;

/// The events a hook can run at: Helm's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    PreInstall,
    PostInstall,
    PreUpgrade,
    PostUpgrade,
    PreRollback,
    PostRollback,
    PreDelete,
    PostDelete,
    Test,
}

impl Event {
    pub const ALL: [Event; 9] = [
        Event::PreInstall,
        Event::PostInstall,
        Event::PreUpgrade,
        Event::PostUpgrade,
        Event::PreRollback,
        Event::PostRollback,
        Event::PreDelete,
        Event::PostDelete,
        Event::Test,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::PreInstall => "pre-install",
            Event::PostInstall => "post-install",
            Event::PreUpgrade => "pre-upgrade",
            Event::PostUpgrade => "post-upgrade",
            Event::PreRollback => "pre-rollback",
            Event::PostRollback => "post-rollback",
            Event::PreDelete => "pre-delete",
            Event::PostDelete => "post-delete",
            Event::Test => "test",
        }
    }

    /// An event name as charts write it; `test-success` is Helm 2's name for `test`.
    pub fn parse(text: &str) -> Option<Event> {
        if text == "test-success" {
            return Some(Event::Test);
        }
        Event::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a hook object is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletePolicy {
    /// Delete the previous object of the same name before creating the hook (the default).
    BeforeHookCreation,
    /// Delete the object once the hook succeeded.
    HookSucceeded,
    /// Delete the object when the hook failed.
    HookFailed,
}

impl DeletePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletePolicy::BeforeHookCreation => "before-hook-creation",
            DeletePolicy::HookSucceeded => "hook-succeeded",
            DeletePolicy::HookFailed => "hook-failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeletePolicy> {
        [
            DeletePolicy::BeforeHookCreation,
            DeletePolicy::HookSucceeded,
            DeletePolicy::HookFailed,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }
}

/// How a hook's last run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Phase {
    /// Never run.
    #[default]
    Unknown,
    Running,
    Succeeded,
    Failed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Unknown => "Unknown",
            Phase::Running => "Running",
            Phase::Succeeded => "Succeeded",
            Phase::Failed => "Failed",
        }
    }
}

/// A hook's last run, as the release record keeps it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// RFC 3339; empty when the hook never ran.
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub completed_at: String,
    #[serde(default)]
    pub phase: Phase,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// A hook as the release record keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    pub name: String,
    pub kind: String,
    /// The template it came from: `<chart>/templates/<file>`.
    pub path: String,
    /// The object as one manifest document (what runs, without the chart).
    pub manifest: String,
    /// Event names (`pre-upgrade`, ...), as parsed.
    pub events: Vec<String>,
    #[serde(default)]
    pub weight: i64,
    /// Policy names, as parsed; empty means `before-hook-creation`.
    #[serde(default)]
    pub delete_policies: Vec<String>,
    #[serde(default)]
    pub last_run: Run,
}

/// A hook annotation with a value this version does not understand.
#[derive(Debug, thiserror::Error)]
#[error("hook {object} (from `{source_file}`): {annotation} `{value}` {problem}")]
pub struct Error {
    pub object: String,
    pub source_file: String,
    pub annotation: String,
    pub value: String,
    pub problem: String,
}

impl Error {
    pub fn hint(&self) -> String {
        if self.annotation.ends_with("/hook") {
            format!(
                "hook events are {}",
                Event::ALL.map(Event::as_str).join(", ")
            )
        } else if self.annotation.ends_with("hook-weight") {
            "a weight is a whole number, as a string: `\"-5\"`".to_string()
        } else {
            "delete policies are before-hook-creation, hook-succeeded and hook-failed".to_string()
        }
    }
}

impl From<Error> for crate::error::Error {
    fn from(error: Error) -> crate::error::Error {
        let hint = error.hint();
        crate::error::Error::with_hint(error.to_string(), hint)
    }
}

/// The value of `charts.dev/<name>`, else `helm.sh/<name>`, with the key that held it.
fn annotation<'a>(object: &'a Object, name: &str) -> Option<(String, &'a str)> {
    for prefix in ["charts.dev/", "helm.sh/"] {
        let key = format!("{prefix}{name}");
        if let Some(value) = object.annotation(&key) {
            return Some((key, value));
        }
    }
    None
}

fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|e| !e.is_empty())
}

/// The hook records of rendered hook objects, checked: every event, weight and delete policy
/// must be one this version knows (Helm ignores what it does not know; a typo in a migration
/// hook's event would then skip the migration silently).
pub fn from_objects(objects: &[Object]) -> Result<Vec<Hook>, Error> {
    objects.iter().map(hook_of).collect()
}

fn hook_of(object: &Object) -> Result<Hook, Error> {
    let error = |key: &str, value: &str, problem: &str| Error {
        object: object.display_name(),
        source_file: object.source.clone(),
        annotation: key.to_string(),
        value: value.to_string(),
        problem: problem.to_string(),
    };
    let mut events = Vec::new();
    if let Some((key, value)) = annotation(object, "hook") {
        for event in list(value) {
            let parsed =
                Event::parse(event).ok_or_else(|| error(&key, event, "is not a hook event"))?;
            events.push(parsed.as_str().to_string());
        }
    }
    let weight = match annotation(object, "hook-weight") {
        Some((key, value)) => value
            .trim()
            .parse::<i64>()
            .map_err(|_| error(&key, value, "is not a whole number"))?,
        None => 0,
    };
    let mut delete_policies = Vec::new();
    if let Some((key, value)) = annotation(object, "hook-delete-policy") {
        for policy in list(value) {
            DeletePolicy::parse(policy)
                .ok_or_else(|| error(&key, policy, "is not a delete policy"))?;
            delete_policies.push(policy.to_string());
        }
    }
    let mut manifest = String::new();
    crate::render::manifest::push_document(&mut manifest, object).map_err(|e| {
        error(
            "manifest",
            &object.display_name(),
            &format!("cannot be written: {e}"),
        )
    })?;
    Ok(Hook {
        name: object.name().to_string(),
        kind: object.kind().to_string(),
        path: object.source.clone(),
        manifest,
        events,
        weight,
        delete_policies,
        last_run: Run::default(),
    })
}

impl Hook {
    pub fn runs_at(&self, event: Event) -> bool {
        self.events.iter().any(|e| Event::parse(e) == Some(event))
    }

    /// The delete policies; `before-hook-creation` when none is set.
    pub fn delete_policies(&self) -> Vec<DeletePolicy> {
        let policies: Vec<DeletePolicy> = self
            .delete_policies
            .iter()
            .filter_map(|p| DeletePolicy::parse(p))
            .collect();
        if policies.is_empty() {
            vec![DeletePolicy::BeforeHookCreation]
        } else {
            policies
        }
    }

    pub fn has_policy(&self, policy: DeletePolicy) -> bool {
        // CRDs are never deleted by a hook policy: that would delete every object of the kind.
        self.kind != "CustomResourceDefinition" && self.delete_policies().contains(&policy)
    }

    /// `Job/migrate`, for messages.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// The indexes of the hooks that run at `event`, in the order they run: by weight, then by name,
/// then by kind in install order (Helm sorts by kind first, then stably by weight and name).
pub fn order(hooks: &[Hook], event: Event) -> Vec<usize> {
    let mut indexes: Vec<usize> = (0..hooks.len())
        .filter(|&i| hooks[i].runs_at(event))
        .collect();
    let kind_rank = |kind: &str| {
        let order = crate::render::manifest::INSTALL_ORDER;
        order
            .iter()
            .position(|k| *k == kind)
            .map_or((order.len(), kind.to_string()), |rank| {
                (rank, String::new())
            })
    };
    indexes.sort_by_cached_key(|&i| {
        let hook = &hooks[i];
        (hook.weight, hook.name.clone(), kind_rank(&hook.kind))
    });
    indexes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &str, name: &str, annotations: &str) -> Object {
        crate::render::manifest::parse_documents(
            "web/templates/hooks.yaml",
            &format!(
                "apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations: {{{annotations}}}\n"
            ),
        )
        .unwrap()
        .remove(0)
    }

    #[test]
    fn events_weights_and_policies_are_read_from_either_annotation() {
        let hooks = from_objects(&[
            object(
                "Job",
                "migrate",
                "helm.sh/hook: 'pre-upgrade, pre-install', helm.sh/hook-weight: '-5', helm.sh/hook-delete-policy: 'hook-succeeded,hook-failed'",
            ),
            object(
                "Pod",
                "ping",
                "charts.dev/hook: test-success, helm.sh/hook: pre-install",
            ),
        ])
        .unwrap();
        assert_eq!(hooks[0].events, ["pre-upgrade", "pre-install"]);
        assert_eq!(hooks[0].weight, -5);
        assert_eq!(
            hooks[0].delete_policies(),
            [DeletePolicy::HookSucceeded, DeletePolicy::HookFailed]
        );
        assert_eq!(hooks[1].events, ["test"], "charts.dev/ wins; the old name");
        assert_eq!(
            hooks[1].delete_policies(),
            [DeletePolicy::BeforeHookCreation]
        );
        assert!(hooks[0].manifest.contains("name: migrate"));
        assert_eq!(hooks[0].path, "web/templates/hooks.yaml");
    }

    #[test]
    fn unknown_events_weights_and_policies_are_errors_naming_the_object() {
        let error = from_objects(&[object("Job", "m", "helm.sh/hook: pre-upgarde")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "hook Job/m (from `web/templates/hooks.yaml`): helm.sh/hook `pre-upgarde` is not a hook event"
        );
        assert!(error.hint().contains("pre-upgrade"));
        let error = from_objects(&[object(
            "Job",
            "m",
            "helm.sh/hook: test, charts.dev/hook-weight: high",
        )])
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("charts.dev/hook-weight `high` is not a whole number")
        );
        let error = from_objects(&[object(
            "Job",
            "m",
            "helm.sh/hook: test, helm.sh/hook-delete-policy: always",
        )])
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`always` is not a delete policy")
        );
    }

    #[test]
    fn hooks_run_by_weight_then_name_then_kind() {
        let hooks = from_objects(&[
            object("Job", "b", "helm.sh/hook: pre-install"),
            object(
                "ConfigMap",
                "z",
                "helm.sh/hook: pre-install, helm.sh/hook-weight: '-1'",
            ),
            object("Job", "a", "helm.sh/hook: pre-install"),
            object("Pod", "a", "helm.sh/hook: pre-install"),
            object(
                "Secret",
                "late",
                "helm.sh/hook: 'pre-install,post-install', helm.sh/hook-weight: '10'",
            ),
            object("Pod", "test", "helm.sh/hook: test"),
        ])
        .unwrap();
        let names = |event| {
            order(&hooks, event)
                .into_iter()
                .map(|i| hooks[i].display_name())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Event::PreInstall),
            ["ConfigMap/z", "Pod/a", "Job/a", "Job/b", "Secret/late"]
        );
        assert_eq!(names(Event::PostInstall), ["Secret/late"]);
        assert_eq!(names(Event::Test), ["Pod/test"]);
        assert!(names(Event::PreDelete).is_empty());
    }

    #[test]
    fn crds_are_never_deleted_by_a_policy() {
        let mut hook = from_objects(&[object(
            "CustomResourceDefinition",
            "x",
            "helm.sh/hook: pre-install, helm.sh/hook-delete-policy: hook-succeeded",
        )])
        .unwrap()
        .remove(0);
        assert!(!hook.has_policy(DeletePolicy::HookSucceeded));
        hook.kind = "ConfigMap".into();
        assert!(hook.has_policy(DeletePolicy::HookSucceeded));
    }
}
