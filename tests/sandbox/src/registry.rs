//! The resource types the server knows: the built-in table plus kinds registered by CRDs.

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::util::get_str;

/// One REST resource (`deployments` in `apps`), served at one or more versions.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceType {
    pub group: String,
    /// Served versions; the first is the preferred and storage version.
    pub versions: Vec<String>,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    /// Whether writes to the main resource keep `status` (it has a `status` subresource).
    pub status_subresource: bool,
    /// Defined by a CustomResourceDefinition rather than built in.
    pub custom: bool,
}

impl ResourceType {
    pub fn api_version(&self, version: &str) -> String {
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{version}", self.group)
        }
    }

    pub fn storage_api_version(&self) -> String {
        self.api_version(&self.versions[0])
    }

    pub fn group_resource(&self) -> String {
        crate::error::group_resource(&self.group, &self.plural)
    }

    pub fn key(&self) -> ResourceKey {
        (self.group.clone(), self.plural.clone())
    }

    /// The verbs discovery lists and the server accepts.
    pub fn verbs(&self) -> &'static [&'static str] {
        if !self.custom
            && matches!(
                self.group.as_str(),
                "authorization.k8s.io" | "authentication.k8s.io"
            )
        {
            &["create"]
        } else if self.is("", "namespaces") {
            NAMESPACE_VERBS
        } else {
            VERBS
        }
    }

    /// Whether `/scale` is served (autoscaling/v1 Scale over `spec.replicas`).
    pub fn has_scale(&self) -> bool {
        !self.custom
            && self.group == "apps"
            && matches!(
                self.kind.as_str(),
                "Deployment" | "StatefulSet" | "ReplicaSet"
            )
    }

    pub fn is(&self, group: &str, plural: &str) -> bool {
        self.group == group && self.plural == plural
    }
}

/// `(group, plural)`: how objects of one resource are stored, whatever version is asked for.
pub type ResourceKey = (String, String);

const VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// Namespaces are the one kind without `deletecollection`.
const NAMESPACE_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];

#[derive(Debug, Clone)]
pub struct Registry {
    types: Vec<ResourceType>,
}

// group, version, kind, plural, namespaced, short names, in category "all", status subresource
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    bool,
    bool,
);

const BUILTIN: &[Row] = &[
    (
        "",
        "v1",
        "Namespace",
        "namespaces",
        false,
        &["ns"],
        false,
        true,
    ),
    ("", "v1", "Node", "nodes", false, &["no"], false, true),
    ("", "v1", "Secret", "secrets", true, &[], false, false),
    (
        "",
        "v1",
        "ConfigMap",
        "configmaps",
        true,
        &["cm"],
        false,
        false,
    ),
    ("", "v1", "Service", "services", true, &["svc"], true, true),
    (
        "",
        "v1",
        "ServiceAccount",
        "serviceaccounts",
        true,
        &["sa"],
        false,
        false,
    ),
    ("", "v1", "Pod", "pods", true, &["po"], true, true),
    (
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
        &["pvc"],
        false,
        true,
    ),
    (
        "",
        "v1",
        "PersistentVolume",
        "persistentvolumes",
        false,
        &["pv"],
        false,
        true,
    ),
    (
        "",
        "v1",
        "ResourceQuota",
        "resourcequotas",
        true,
        &["quota"],
        false,
        true,
    ),
    (
        "",
        "v1",
        "LimitRange",
        "limitranges",
        true,
        &["limits"],
        false,
        false,
    ),
    ("", "v1", "Event", "events", true, &["ev"], false, false),
    (
        "apps",
        "v1",
        "Deployment",
        "deployments",
        true,
        &["deploy"],
        true,
        true,
    ),
    (
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
        true,
        &["sts"],
        true,
        true,
    ),
    (
        "apps",
        "v1",
        "DaemonSet",
        "daemonsets",
        true,
        &["ds"],
        true,
        true,
    ),
    (
        "apps",
        "v1",
        "ReplicaSet",
        "replicasets",
        true,
        &["rs"],
        true,
        true,
    ),
    ("batch", "v1", "Job", "jobs", true, &[], true, true),
    (
        "batch",
        "v1",
        "CronJob",
        "cronjobs",
        true,
        &["cj"],
        true,
        true,
    ),
    (
        "networking.k8s.io",
        "v1",
        "Ingress",
        "ingresses",
        true,
        &["ing"],
        false,
        true,
    ),
    (
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
        &["netpol"],
        false,
        false,
    ),
    (
        "networking.k8s.io",
        "v1",
        "IngressClass",
        "ingressclasses",
        false,
        &[],
        false,
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "Role",
        "roles",
        true,
        &[],
        false,
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
        &[],
        false,
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
        &[],
        false,
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
        &[],
        false,
        false,
    ),
    // Create-only reviews, answered by the auth module rather than stored.
    (
        "authorization.k8s.io",
        "v1",
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        false,
        &[],
        false,
        false,
    ),
    (
        "authorization.k8s.io",
        "v1",
        "SelfSubjectRulesReview",
        "selfsubjectrulesreviews",
        false,
        &[],
        false,
        false,
    ),
    (
        "authentication.k8s.io",
        "v1",
        "SelfSubjectReview",
        "selfsubjectreviews",
        false,
        &[],
        false,
        false,
    ),
    (
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
        &["pdb"],
        false,
        true,
    ),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
        &["hpa"],
        true,
        true,
    ),
    (
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        false,
        &["sc"],
        false,
        false,
    ),
    (
        "coordination.k8s.io",
        "v1",
        "Lease",
        "leases",
        true,
        &[],
        false,
        false,
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
        &["crd", "crds"],
        false,
        true,
    ),
];

impl Registry {
    pub fn builtin() -> Registry {
        let types = BUILTIN
            .iter()
            .map(
                |&(group, version, kind, plural, namespaced, short_names, all, status)| {
                    ResourceType {
                        group: group.into(),
                        versions: vec![version.into()],
                        kind: kind.into(),
                        plural: plural.into(),
                        singular: kind.to_lowercase(),
                        namespaced,
                        short_names: short_names.iter().map(|s| s.to_string()).collect(),
                        categories: if all { vec!["all".into()] } else { vec![] },
                        status_subresource: status,
                        custom: false,
                    }
                },
            )
            .collect();
        Registry { types }
    }

    /// The type served at `/apis/group/version/plural`.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<&ResourceType> {
        self.types.iter().find(|t| {
            t.group == group && t.plural == plural && t.versions.iter().any(|v| v == version)
        })
    }

    pub fn by_key(&self, group: &str, plural: &str) -> Option<&ResourceType> {
        self.types.iter().find(|t| t.is(group, plural))
    }

    /// Groups in registration order, each with its versions (preferred first).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for resource in &self.types {
            let entry = match groups.iter_mut().find(|(g, _)| *g == resource.group) {
                Some(entry) => entry,
                None => {
                    groups.push((resource.group.clone(), Vec::new()));
                    groups.last_mut().unwrap()
                }
            };
            for version in &resource.versions {
                if !entry.1.contains(version) {
                    entry.1.push(version.clone());
                }
            }
        }
        groups
    }

    pub fn in_group_version(&self, group: &str, version: &str) -> Vec<&ResourceType> {
        self.types
            .iter()
            .filter(|t| t.group == group && t.versions.iter().any(|v| v == version))
            .collect()
    }

    /// Reads a CustomResourceDefinition into the type it defines.
    pub fn type_from_crd(crd: &Value) -> ApiResult<ResourceType> {
        let spec = crd
            .get("spec")
            .ok_or_else(|| ApiError::bad_request("CustomResourceDefinition has no spec"))?;
        let group = get_str(spec, &["group"]).unwrap_or_default().to_string();
        let names = spec.get("names").cloned().unwrap_or(Value::Null);
        let plural = get_str(&names, &["plural"]).unwrap_or_default().to_string();
        let kind = get_str(&names, &["kind"]).unwrap_or_default().to_string();
        let mut versions: Vec<(bool, String)> = Vec::new();
        let mut status_subresource = false;
        for version in spec
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if version.get("served").and_then(Value::as_bool) != Some(false) {
                let storage = version.get("storage").and_then(Value::as_bool) == Some(true);
                versions.push((
                    storage,
                    get_str(version, &["name"]).unwrap_or_default().to_string(),
                ));
            }
            if version.pointer("/subresources/status").is_some() {
                status_subresource = true;
            }
        }
        // Storage version first: it is what objects are kept at.
        versions.sort_by_key(|(storage, _)| !*storage);
        let strings = |key: &str| -> Vec<String> {
            names
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        };
        Ok(ResourceType {
            singular: get_str(&names, &["singular"])
                .map(String::from)
                .unwrap_or_else(|| kind.to_lowercase()),
            group,
            versions: versions.into_iter().map(|(_, v)| v).collect(),
            kind,
            plural,
            namespaced: get_str(spec, &["scope"]) != Some("Cluster"),
            short_names: strings("shortNames"),
            categories: strings("categories"),
            status_subresource,
            custom: true,
        })
    }

    /// Adds or replaces the type defined by a CRD.
    pub fn register(&mut self, resource: ResourceType) {
        match self
            .types
            .iter_mut()
            .find(|t| t.is(&resource.group, &resource.plural))
        {
            Some(existing) => *existing = resource,
            None => self.types.push(resource),
        }
    }

    pub fn unregister(&mut self, group: &str, plural: &str) {
        self.types.retain(|t| !(t.custom && t.is(group, plural)));
    }
}
