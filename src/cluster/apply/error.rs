//! Why applying, deleting or reading an object failed: which object, doing what, and why, with
//! a hint the user can act on.

use std::collections::BTreeMap;
use std::time::Duration;

use kube::api::ApiResource;

use super::{Applier, ObjectKey, plural};

/// Why one object could not be applied or deleted.
#[derive(Debug, thiserror::Error)]
pub enum Reason {
    #[error("the cluster has no kind `{kind}` in `{api_version}`")]
    UnknownKind { api_version: String, kind: String },
    #[error("it exists and belongs to release `{release}` in namespace `{namespace}`")]
    OwnedByRelease { release: String, namespace: String },
    #[error("it exists and was not created by charts{}", managed_by.as_ref().map(|m| format!(" (managed by `{m}`)")).unwrap_or_default())]
    NotOurs { managed_by: Option<String> },
    #[error("{}", conflict_text(.0))]
    Conflict(Vec<(String, String)>),
    #[error("the API server rejected it ({code} {reason}): {message}")]
    Rejected {
        code: u16,
        reason: String,
        message: String,
    },
    #[error("it is gone only after more than {0:?}")]
    Timeout(Duration),
    #[error("it failed: {0}")]
    Failed(String),
    #[error("it was not ready after {after:?}: {reason}")]
    NotReady { after: Duration, reason: String },
    #[error(transparent)]
    Cluster(crate::cluster::Error),
}

fn conflict_text(conflicts: &[(String, String)]) -> String {
    let mut by_manager: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (manager, field) in conflicts {
        by_manager.entry(manager).or_default().push(field);
    }
    let parts: Vec<String> = by_manager
        .iter()
        .map(|(manager, fields)| format!("`{manager}` owns {}", fields.join(", ")))
        .collect();
    format!("conflict with other field managers: {}", parts.join("; "))
}

/// A failure to apply or delete an object: which one, doing what, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot {verb} {object}: {reason}{}", if *.others > 0 { format!(" (and {} more {} failed)", .others, plural("object", *.others)) } else { String::new() })]
pub struct Error {
    pub verb: &'static str,
    pub object: Box<ObjectKey>,
    pub reason: Box<Reason>,
    /// How many other objects of the same batch failed too.
    pub others: usize,
}

impl Error {
    pub(super) fn new(verb: &'static str, object: ObjectKey, reason: Reason) -> Error {
        Error {
            verb,
            object: Box::new(object),
            reason: Box::new(reason),
            others: 0,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match &*self.reason {
            Reason::UnknownKind { .. } => Some(
                "install the CRD that defines it first (or ship it in the chart's `crds/`); `kubectl api-resources` lists the kinds the cluster knows".into(),
            ),
            Reason::OwnedByRelease { .. } | Reason::NotOurs { .. } => Some(
                "pass `--take-ownership` to adopt it into this release, or rename it in the chart".into(),
            ),
            Reason::Conflict(_) => Some(
                "another tool changed these fields; pass `--force-conflicts` to take them, or stop setting them in the chart".into(),
            ),
            Reason::Cluster(error) => error.hint(),
            _ => None,
        }
    }
}

/// Extracts `(manager, field)` pairs from an apply conflict Status.
fn conflicts_of(status: &kube::core::Status) -> Vec<(String, String)> {
    status
        .details
        .iter()
        .flat_map(|d| d.causes.iter())
        .filter(|c| c.reason == "FieldManagerConflict")
        .map(|c| {
            let manager = c
                .message
                .split('"')
                .nth(1)
                .map(str::to_string)
                .unwrap_or_else(|| c.message.trim_start_matches("conflict with ").to_string());
            (manager, c.field.clone())
        })
        .collect()
}

/// Whether an API error is the server's answer about this object (invalid, conflicting, refused
/// by admission such as a quota) rather than about our access to the cluster. A 403 is about
/// access only when the authorizer wrote it: an admission plugin's 403 (`exceeded quota`, a
/// terminating namespace) names the object and is what the user needs to read.
fn is_about_the_object(status: &kube::core::Status) -> bool {
    match status.code {
        401 | 429 => false,
        403 => !crate::cluster::denied_by_authorization(&status.message),
        code => code < 500,
    }
}

impl Applier {
    /// The reason an API call failed: a conflict or a rejection of the object itself, or a
    /// failure to reach the cluster (named by the verb, resource and namespace).
    pub(super) fn cluster_error(
        &self,
        error: kube::Error,
        verb: &str,
        resource: &ApiResource,
        namespace: Option<&str>,
    ) -> Reason {
        match error {
            kube::Error::Api(status) if is_about_the_object(&status) => {
                let conflicts = conflicts_of(&status);
                if status.code == 409 && !conflicts.is_empty() {
                    Reason::Conflict(conflicts)
                } else {
                    Reason::Rejected {
                        code: status.code,
                        reason: status.reason.clone(),
                        message: status.message.clone(),
                    }
                }
            }
            other => Reason::Cluster(crate::cluster::Error::from_kube(
                other,
                &self.cluster,
                verb,
                &resource.plural,
                namespace.unwrap_or(""),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::apply::tests::object;

    #[test]
    fn conflict_causes_name_managers_and_fields() {
        let status = kube::core::Status::failure("Apply failed with 2 conflicts", "Conflict")
            .with_code(409)
            .with_details(kube::core::response::StatusDetails {
                causes: vec![
                    kube::core::response::StatusCause {
                        reason: "FieldManagerConflict".into(),
                        message: "conflict with \"kubectl\"".into(),
                        field: ".spec.replicas".into(),
                    },
                    kube::core::response::StatusCause {
                        reason: "FieldManagerConflict".into(),
                        message: "conflict with \"kubectl\" using apps/v1".into(),
                        field: ".data.x".into(),
                    },
                ],
                name: String::new(),
                group: String::new(),
                kind: String::new(),
                uid: String::new(),
                retry_after_seconds: 0,
            });
        let conflicts = conflicts_of(&status);
        assert_eq!(
            conflicts[0],
            ("kubectl".to_string(), ".spec.replicas".to_string())
        );
        assert_eq!(
            Reason::Conflict(conflicts).to_string(),
            "conflict with other field managers: `kubectl` owns .spec.replicas, .data.x"
        );
    }

    #[test]
    fn an_admission_403_is_about_the_object_and_an_authorizer_403_about_access() {
        let status = |code: u16, message: &str| {
            kube::core::Status::failure(message, "Forbidden").with_code(code)
        };
        assert!(is_about_the_object(&status(
            403,
            "configmaps \"b\" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1"
        )));
        assert!(!is_about_the_object(&status(
            403,
            "configmaps \"b\" is forbidden: User \"ci\" cannot patch resource \"configmaps\" in API group \"\" in the namespace \"x\""
        )));
        assert!(is_about_the_object(&status(422, "invalid")));
        assert!(!is_about_the_object(&status(401, "Unauthorized")));
        assert!(!is_about_the_object(&status(429, "slow down")));
        assert!(!is_about_the_object(&status(503, "unavailable")));
    }

    #[test]
    fn errors_count_the_other_failures_in_the_singular_and_plural() {
        let key = ObjectKey::of(&object(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        ));
        let failed = |others| Error {
            others,
            ..Error::new("apply", key.clone(), Reason::Failed("no".into()))
        };
        assert_eq!(
            failed(1).to_string(),
            "cannot apply ConfigMap `a`: it failed: no (and 1 more object failed)"
        );
        assert_eq!(
            failed(2).to_string(),
            "cannot apply ConfigMap `a`: it failed: no (and 2 more objects failed)"
        );
    }
}
