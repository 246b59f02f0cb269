//! RBAC evaluation over the Roles, ClusterRoles and bindings stored in the sandbox. The objects
//! are read into an index (bindings by subject, roles with their rules parsed, aggregated
//! ClusterRoles resolved) that is rebuilt only when one of them changes.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::{Attributes, Identity};
use crate::store::Store;
use crate::util::{name_of, namespace_of};

pub const GROUP: &str = "rbac.authorization.k8s.io";
const KINDS: [&str; 4] = [
    "roles",
    "clusterroles",
    "rolebindings",
    "clusterrolebindings",
];

/// What RBAC decided, with the reason the API gives (`RBAC: allowed by ...`, or the problems
/// met on the way to a denial, such as a binding to a missing role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: String,
}

impl Decision {
    pub fn allowed(reason: String) -> Decision {
        Decision {
            allowed: true,
            reason,
        }
    }
}

/// Changes whenever an RBAC object is created, changed or deleted: per kind, how many objects
/// there are and the newest resourceVersion among them. Writes always take a resourceVersion
/// above every stored one, so an unchanged pair means an unchanged set of objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint([(usize, u64); 4]);

impl Fingerprint {
    pub fn of(store: &Store) -> Fingerprint {
        Fingerprint(KINDS.map(|plural| {
            let objects = store.all(GROUP, plural);
            let newest = objects
                .iter()
                .filter_map(|o| {
                    o.pointer("/metadata/resourceVersion")?
                        .as_str()?
                        .parse()
                        .ok()
                })
                .max()
                .unwrap_or(0);
            (objects.len(), newest)
        }))
    }
}

/// One PolicyRule.
#[derive(Debug, Clone)]
struct Rule {
    verbs: Vec<String>,
    api_groups: Vec<String>,
    resources: Vec<String>,
    resource_names: Vec<String>,
    non_resource_urls: Vec<String>,
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

impl Rule {
    fn parse(value: &Value) -> Rule {
        Rule {
            verbs: strings(value, "verbs"),
            api_groups: strings(value, "apiGroups"),
            resources: strings(value, "resources"),
            resource_names: strings(value, "resourceNames"),
            non_resource_urls: strings(value, "nonResourceURLs"),
        }
    }

    fn matches(&self, request: &Attributes) -> bool {
        if !self.verbs.iter().any(|v| v == "*" || *v == request.verb) {
            return false;
        }
        if !request.resource_request {
            return self.non_resource_urls.iter().any(|url| {
                url == "*"
                    || *url == request.path
                    || url
                        .strip_suffix('*')
                        .is_some_and(|prefix| request.path.starts_with(prefix))
            });
        }
        let full = request.full_resource();
        self.api_groups
            .iter()
            .any(|g| g == "*" || *g == request.group)
            && self.resources.iter().any(|r| {
                r == "*"
                    || *r == full
                    || (!request.subresource.is_empty()
                        && r.strip_prefix("*/") == Some(request.subresource.as_str()))
            })
            && (self.resource_names.is_empty() || self.resource_names.contains(&request.name))
    }

    fn to_json(&self) -> Value {
        let mut rule = serde_json::Map::new();
        rule.insert("verbs".into(), json!(self.verbs));
        if self.non_resource_urls.is_empty() {
            rule.insert("apiGroups".into(), json!(self.api_groups));
            rule.insert("resources".into(), json!(self.resources));
            if !self.resource_names.is_empty() {
                rule.insert("resourceNames".into(), json!(self.resource_names));
            }
        } else {
            rule.insert("nonResourceURLs".into(), json!(self.non_resource_urls));
        }
        Value::Object(rule)
    }
}

/// Whom a binding names: users (service accounts as their user names) and groups.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    User(String),
    Group(String),
}

impl Subject {
    /// `binding_namespace` is where a ServiceAccount without a namespace lives.
    fn parse(value: &Value, binding_namespace: &str) -> Option<(Subject, String)> {
        let name = value.get("name")?.as_str()?.to_string();
        match value.get("kind")?.as_str()? {
            "User" => Some((Subject::User(name.clone()), format!("User \"{name}\""))),
            "Group" => Some((Subject::Group(name.clone()), format!("Group \"{name}\""))),
            "ServiceAccount" => {
                let namespace = value
                    .get("namespace")
                    .and_then(Value::as_str)
                    .filter(|ns| !ns.is_empty())
                    .unwrap_or(binding_namespace);
                Some((
                    Subject::User(format!("system:serviceaccount:{namespace}:{name}")),
                    format!("ServiceAccount \"{name}/{namespace}\""),
                ))
            }
            _ => None,
        }
    }
}

/// One binding's grant to one subject: the rules of its role, or why there are none.
#[derive(Debug)]
struct Grant {
    /// `ClusterRoleBinding "x" of ClusterRole "y" to User "z"`, for the allow reason.
    description: String,
    rules: Result<Arc<[Rule]>, String>,
}

#[derive(Debug)]
pub struct Index {
    pub fingerprint: Fingerprint,
    cluster: HashMap<Subject, Vec<Grant>>,
    /// RoleBindings by (namespace, subject).
    namespaced: HashMap<(String, Subject), Vec<Grant>>,
}

fn not_found(resource: &str, name: &str) -> String {
    format!("{resource}.{GROUP} \"{name}\" not found")
}

impl Index {
    pub fn build(store: &Store, fingerprint: Fingerprint) -> Index {
        let cluster_roles = cluster_roles(store);
        let roles: HashMap<(String, String), Arc<[Rule]>> = store
            .all(GROUP, "roles")
            .iter()
            .map(|role| {
                let key = (namespace_of(role).to_string(), name_of(role).to_string());
                (key, parse_rules(role))
            })
            .collect();
        let mut index = Index {
            fingerprint,
            cluster: HashMap::new(),
            namespaced: HashMap::new(),
        };
        for binding in store.all(GROUP, "clusterrolebindings") {
            let role = get(&binding, "/roleRef/name");
            let rules = match get(&binding, "/roleRef/kind") {
                "ClusterRole" => cluster_roles
                    .get(role)
                    .cloned()
                    .ok_or_else(|| not_found("clusterrole", role)),
                other => Err(format!("unsupported roleRef kind {other:?}")),
            };
            for (subject, who) in subjects(&binding, "") {
                index.cluster.entry(subject).or_default().push(Grant {
                    description: format!(
                        "ClusterRoleBinding \"{}\" of ClusterRole \"{role}\" to {who}",
                        name_of(&binding)
                    ),
                    rules: rules.clone(),
                });
            }
        }
        for binding in store.all(GROUP, "rolebindings") {
            let namespace = namespace_of(&binding).to_string();
            let role = get(&binding, "/roleRef/name");
            let kind = get(&binding, "/roleRef/kind");
            let rules = match kind {
                "ClusterRole" => cluster_roles
                    .get(role)
                    .cloned()
                    .ok_or_else(|| not_found("clusterrole", role)),
                "Role" => roles
                    .get(&(namespace.clone(), role.to_string()))
                    .cloned()
                    .ok_or_else(|| not_found("role", role)),
                other => Err(format!("unsupported roleRef kind {other:?}")),
            };
            for (subject, who) in subjects(&binding, &namespace) {
                index
                    .namespaced
                    .entry((namespace.clone(), subject))
                    .or_default()
                    .push(Grant {
                        description: format!(
                            "RoleBinding \"{}/{namespace}\" of {kind} \"{role}\" to {who}",
                            name_of(&binding)
                        ),
                        rules: rules.clone(),
                    });
            }
        }
        index
    }

    /// The grants that apply to `user` in `namespace` ("" = cluster scope only).
    fn grants<'a>(&'a self, user: &Identity, namespace: &str) -> Vec<&'a Grant> {
        let subjects = std::iter::once(Subject::User(user.name.clone()))
            .chain(user.groups.iter().cloned().map(Subject::Group));
        let mut grants = Vec::new();
        for subject in subjects {
            grants.extend(self.cluster.get(&subject).into_iter().flatten());
            if !namespace.is_empty() {
                let key = (namespace.to_string(), subject);
                grants.extend(self.namespaced.get(&key).into_iter().flatten());
            }
        }
        grants
    }

    pub fn decide(&self, user: &Identity, request: &Attributes) -> Decision {
        let mut errors = Vec::new();
        for grant in self.grants(user, &request.namespace) {
            match &grant.rules {
                Ok(rules) if rules.iter().any(|rule| rule.matches(request)) => {
                    return Decision::allowed(format!("RBAC: allowed by {}", grant.description));
                }
                Ok(_) => {}
                Err(error) => errors.push(error.clone()),
            }
        }
        let reason = match errors.as_slice() {
            [] => String::new(),
            [one] => format!("RBAC: {one}"),
            many => format!("RBAC: [{}]", many.join(", ")),
        };
        Decision {
            allowed: false,
            reason,
        }
    }

    /// SelfSubjectRulesReview status: every rule `user` holds in `namespace`.
    pub fn rules_for(&self, user: &Identity, namespace: &str) -> Value {
        let mut resource_rules = Vec::new();
        let mut non_resource_rules = Vec::new();
        let mut errors = Vec::new();
        for grant in self.grants(user, namespace) {
            match &grant.rules {
                Ok(rules) => {
                    for rule in rules.iter() {
                        let target = if rule.non_resource_urls.is_empty() {
                            &mut resource_rules
                        } else {
                            &mut non_resource_rules
                        };
                        let rule = rule.to_json();
                        if !target.contains(&rule) {
                            target.push(rule);
                        }
                    }
                }
                Err(error) => errors.push(error.clone()),
            }
        }
        let mut status = json!({
            "resourceRules": resource_rules,
            "nonResourceRules": non_resource_rules,
            "incomplete": !errors.is_empty(),
        });
        if !errors.is_empty() {
            status["evaluationError"] = json!(errors.join(", "));
        }
        status
    }
}

fn get<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn parse_rules(role: &Value) -> Arc<[Rule]> {
    role.get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(Rule::parse)
        .collect()
}

fn subjects(binding: &Value, namespace: &str) -> Vec<(Subject, String)> {
    binding
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|subject| Subject::parse(subject, namespace))
        .collect()
}

/// ClusterRoles by name with their rules; an aggregated ClusterRole (`aggregationRule`) holds
/// its own rules plus those of every ClusterRole its selectors match (aggregated ones included,
/// through any depth), as the aggregation controller would have written them.
fn cluster_roles(store: &Store) -> HashMap<String, Arc<[Rule]>> {
    let all = store.all(GROUP, "clusterroles");
    let mut resolved = HashMap::new();
    for role in &all {
        let rules = effective_rules(role, &all, &mut Vec::new());
        resolved.insert(name_of(role).to_string(), rules.into());
    }
    resolved
}

/// `visiting` holds the roles on the path, so a cycle of aggregations ends.
fn effective_rules<'a>(
    role: &'a Value,
    all: &'a [Arc<Value>],
    visiting: &mut Vec<&'a str>,
) -> Vec<Rule> {
    let mut rules: Vec<Rule> = parse_rules(role).to_vec();
    let Some(selectors) = role
        .pointer("/aggregationRule/clusterRoleSelectors")
        .and_then(Value::as_array)
    else {
        return rules;
    };
    visiting.push(name_of(role));
    for other in all {
        if !visiting.contains(&name_of(other))
            && selectors.iter().any(|s| selector_matches(s, other))
        {
            rules.extend(effective_rules(other, all, visiting));
        }
    }
    visiting.pop();
    rules
}

/// A metav1.LabelSelector (`matchLabels`, `matchExpressions`) against an object's labels.
fn selector_matches(selector: &Value, object: &Value) -> bool {
    let empty = serde_json::Map::new();
    let labels = crate::util::labels(object).unwrap_or(&empty);
    let label = |key: &str| labels.get(key).and_then(Value::as_str);
    let match_labels = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .all(|(key, value)| label(key) == value.as_str());
    let expressions = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .all(|expression| {
            let values = strings(expression, "values");
            let value = label(get(expression, "/key"));
            match get(expression, "/operator") {
                "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
                "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        });
    match_labels && expressions
}
