//! Users and RBAC in the sandbox: bearer tokens (401 for unknown ones), RBAC objects evaluated
//! for every request (403 with the API's message), the default ClusterRoles, and the self
//! reviews behind `kubectl auth can-i` and `kubectl auth whoami`. Through the real `kubectl`
//! with a restricted user's kubeconfig, through raw HTTP, and through `charts install`.

use std::path::PathBuf;
use std::process::{Command, Output};

use charts_sandbox::{ADMIN_TOKEN, Options, Sandbox, User};
use serde_json::{Value, json};

use super::{raw_get, raw_request};
use crate::common::{TestChart, TestEnv, stderr, stdout};

const CI_TOKEN: &str = "ci-token-0123";

fn options() -> Options {
    Options::default().user(User::new("ci", CI_TOKEN).group("ci-team"))
}

/// kubectl with a private HOME and a kubeconfig whose current context is the user `ci`; the
/// admin's context is `sandbox`.
struct Kubectl {
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Kubectl {
    fn as_ci(sandbox: &Sandbox) -> Kubectl {
        let home = tempfile::tempdir().unwrap();
        let kubeconfig = home.path().join("kubeconfig");
        sandbox
            .write_kubeconfig_as(&kubeconfig, None, "ci")
            .unwrap();
        Kubectl { home, kubeconfig }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", self.home.path())
            .env_remove("KUBECONFIG")
            .output()
            .expect("kubectl runs (tests/sandbox/README.md)")
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "kubectl {args:?} failed:\n{}",
            stderr(&output)
        );
        stdout(&output)
    }

    /// As the admin (context `sandbox`).
    fn admin(&self, args: &[&str]) -> String {
        let mut all = vec!["--context", "sandbox"];
        all.extend_from_slice(args);
        self.ok(&all)
    }

    /// `kubectl auth can-i ARGS`: the answer line and whether kubectl exited 0.
    fn can_i(&self, args: &[&str]) -> (String, bool) {
        let mut all = vec!["auth", "can-i"];
        all.extend_from_slice(args);
        let output = self.run(&all);
        (stdout(&output).trim().to_string(), output.status.success())
    }
}

#[test]
fn a_restricted_user_is_forbidden_until_a_rolebinding_grants_edit() {
    let sandbox = Sandbox::start_blocking_with(options()).unwrap();
    let kubectl = Kubectl::as_ci(&sandbox);

    let whoami = kubectl.ok(&["auth", "whoami", "-o", "json"]);
    let whoami: Value = serde_json::from_str(&whoami).unwrap();
    assert_eq!(whoami["status"]["userInfo"]["username"], "ci");
    assert_eq!(
        whoami["status"]["userInfo"]["groups"],
        json!(["ci-team", "system:authenticated"])
    );
    let admin: Value =
        serde_json::from_str(&kubectl.admin(&["auth", "whoami", "-o", "json"])).unwrap();
    assert_eq!(admin["status"]["userInfo"]["username"], "sandbox-admin");

    // Cluster scope: no namespaces for ci, everything for the admin.
    assert_eq!(
        kubectl.can_i(&["create", "namespaces"]),
        ("no".to_string(), false)
    );
    assert_eq!(
        kubectl.can_i(&["create", "namespaces", "--context", "sandbox"]),
        ("yes".to_string(), true)
    );
    let output = kubectl.run(&["create", "namespace", "ci-made"]);
    assert!(!output.status.success());
    assert_eq!(
        stderr(&output).trim(),
        "Error from server (Forbidden): namespaces is forbidden: User \"ci\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope"
    );

    kubectl.admin(&["create", "namespace", "team"]);
    kubectl.admin(&["create", "namespace", "other"]);
    assert_eq!(kubectl.can_i(&["list", "secrets", "-n", "team"]).0, "no");
    let output = kubectl.run(&["get", "configmaps", "-n", "team"]);
    assert_eq!(
        stderr(&output).trim(),
        "Error from server (Forbidden): configmaps is forbidden: User \"ci\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"team\""
    );

    // `edit` in team for ci's group: read-write workloads and secrets there, no RBAC objects,
    // nothing in other namespaces.
    kubectl.admin(&[
        "create",
        "rolebinding",
        "ci-edit",
        "-n",
        "team",
        "--clusterrole",
        "edit",
        "--group",
        "ci-team",
    ]);
    for (args, answer) in [
        (vec!["create", "deployments.apps", "-n", "team"], "yes"),
        (vec!["list", "secrets", "-n", "team"], "yes"),
        (
            vec!["get", "pods", "--subresource", "log", "-n", "team"],
            "yes",
        ),
        (vec!["delete", "namespaces/team", "-n", "team"], "no"),
        (vec!["get", "namespaces/team", "-n", "team"], "yes"),
        (vec!["create", "roles", "-n", "team"], "no"),
        (vec!["update", "resourcequotas", "-n", "team"], "no"),
        (vec!["list", "secrets", "-n", "other"], "no"),
    ] {
        assert_eq!(kubectl.can_i(&args).0, answer, "can-i {args:?}");
    }
    kubectl.ok(&[
        "create",
        "configmap",
        "settings",
        "-n",
        "team",
        "--from-literal",
        "a=b",
    ]);
    kubectl.ok(&[
        "create",
        "deployment",
        "web",
        "-n",
        "team",
        "--image",
        "nginx",
    ]);
    kubectl.ok(&[
        "scale",
        "deployment",
        "web",
        "-n",
        "team",
        "--replicas",
        "2",
    ]);
    assert!(
        kubectl
            .ok(&["get", "configmap", "settings", "-n", "team"])
            .contains("settings")
    );
    let output = kubectl.run(&["create", "configmap", "settings", "-n", "other"]);
    assert!(
        stderr(&output).contains(
            "configmaps is forbidden: User \"ci\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"other\""
        ),
        "{}",
        stderr(&output)
    );
    let output = kubectl.run(&[
        "create",
        "role",
        "r",
        "-n",
        "team",
        "--verb",
        "get",
        "--resource",
        "pods",
    ]);
    assert!(
        stderr(&output).contains(
            "roles.rbac.authorization.k8s.io is forbidden: User \"ci\" cannot create resource \"roles\" in API group \"rbac.authorization.k8s.io\" in the namespace \"team\""
        ),
        "{}",
        stderr(&output)
    );

    // `--list` shows the rules ci holds in team.
    let list = kubectl.ok(&["auth", "can-i", "--list", "-n", "team"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("secrets ") && l.contains("create")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("selfsubjectaccessreviews.authorization.k8s.io")),
        "{list}"
    );

    // Taking the binding away takes the rights away at once.
    kubectl.admin(&["delete", "rolebinding", "ci-edit", "-n", "team"]);
    assert_eq!(kubectl.can_i(&["list", "secrets", "-n", "team"]).0, "no");
    assert!(
        !kubectl
            .run(&["get", "configmaps", "-n", "team"])
            .status
            .success()
    );
}

fn ci_bearer() -> String {
    format!("Bearer {CI_TOKEN}")
}

async fn post(sandbox: &Sandbox, token: &str, path: &str, body: Value) -> super::RawResponse {
    raw_request(
        sandbox,
        "POST",
        path,
        &[
            ("Authorization", token),
            ("Content-Type", "application/json"),
        ],
        &body.to_string(),
    )
    .await
    .unwrap()
}

/// SelfSubjectAccessReview status for `attributes` as the user of `token`.
async fn review(sandbox: &Sandbox, token: &str, attributes: Value) -> Value {
    let body = json!({
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attributes},
    });
    let response = post(
        sandbox,
        token,
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        body,
    )
    .await;
    assert_eq!(response.status, 201, "{}", response.body);
    let answer = response.json();
    assert_eq!(answer["kind"], "SelfSubjectAccessReview");
    answer["status"].clone()
}

async fn allowed(sandbox: &Sandbox, attributes: Value) -> bool {
    review(sandbox, &ci_bearer(), attributes).await["allowed"]
        .as_bool()
        .unwrap()
}

async fn admin_create(sandbox: &Sandbox, path: &str, body: Value) {
    let response = post(sandbox, &format!("Bearer {ADMIN_TOKEN}"), path, body).await;
    assert_eq!(response.status, 201, "{path}: {}", response.body);
}

/// Creates a Role in `team` with these rules and binds it to the user `ci`.
async fn grant_ci_in_team(sandbox: &Sandbox, role: &str, rules: Value) {
    admin_create(
        sandbox,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles",
        json!({"metadata": {"name": role}, "rules": rules}),
    )
    .await;
    admin_create(
        sandbox,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
        json!({"metadata": {"name": format!("ci-{role}")},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
               "subjects": [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "ci"}]}),
    )
    .await;
}

#[tokio::test]
async fn unknown_tokens_get_401_and_forbidden_requests_a_403_status() {
    let sandbox = Sandbox::start_with(options()).await.unwrap();
    let response = raw_get(
        &sandbox,
        "/api/v1/namespaces",
        &[("Authorization", "Bearer nope")],
    )
    .await;
    assert_eq!(response.status, 401);
    assert_eq!(
        response.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "Unauthorized", "reason": "Unauthorized", "code": 401})
    );

    let response = raw_get(
        &sandbox,
        "/apis/apps/v1/namespaces/x/deployments/web",
        &[("Authorization", &ci_bearer())],
    )
    .await;
    assert_eq!(response.status, 403);
    assert_eq!(
        response.json(),
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "deployments.apps \"web\" is forbidden: User \"ci\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"x\"",
            "reason": "Forbidden",
            "details": {"name": "web", "group": "apps", "kind": "deployments"},
            "code": 403,
        })
    );
    // Subresources are named with their resource; a watch is its own verb.
    let response = raw_get(
        &sandbox,
        "/api/v1/namespaces/x/pods/p/log",
        &[("Authorization", &ci_bearer())],
    )
    .await;
    assert_eq!(
        response.json()["message"],
        "pods \"p\" is forbidden: User \"ci\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"x\""
    );
    let response = raw_get(
        &sandbox,
        "/api/v1/secrets?watch=true",
        &[("Authorization", &ci_bearer())],
    )
    .await;
    assert_eq!(
        response.json()["message"],
        "secrets is forbidden: User \"ci\" cannot watch resource \"secrets\" in API group \"\" at the cluster scope"
    );
    // Discovery is open to every authenticated user (system:discovery).
    for path in [
        "/api",
        "/apis",
        "/api/v1",
        "/apis/apps/v1",
        "/version",
        "/healthz",
    ] {
        let response = raw_get(&sandbox, path, &[("Authorization", &ci_bearer())]).await;
        assert_eq!(response.status, 200, "{path}: {}", response.body);
    }
    // Without a token the default sandbox answers as the admin, so plain clients keep working.
    let response = raw_get(&sandbox, "/api/v1/secrets", &[]).await;
    assert_eq!(response.status, 200);
    // The user's own port serves requests without a token as that user (kubectl sends no token
    // over http).
    let ci_url = sandbox.url_for("ci").unwrap();
    assert_ne!(ci_url, sandbox.url());
}

#[tokio::test]
async fn anonymous_requests_may_only_read_health_and_version_when_not_taken_as_the_admin() {
    let sandbox = Sandbox::start_with(options().anonymous_is_admin(false))
        .await
        .unwrap();
    for path in ["/version", "/healthz", "/readyz"] {
        assert_eq!(raw_get(&sandbox, path, &[]).await.status, 200, "{path}");
    }
    let response = raw_get(&sandbox, "/apis", &[]).await;
    assert_eq!(response.status, 403);
    assert_eq!(
        response.json()["message"],
        "forbidden: User \"system:anonymous\" cannot get path \"/apis\""
    );
    let response = raw_get(&sandbox, "/api/v1/namespaces/default", &[]).await;
    assert_eq!(
        response.json()["message"],
        "namespaces \"default\" is forbidden: User \"system:anonymous\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"default\""
    );
    // The admin's token still works.
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let response = raw_get(
        &sandbox,
        "/api/v1/namespaces/default",
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn rbac_rules_match_verbs_resources_subresources_names_and_groups() {
    let sandbox = Sandbox::start_with(options()).await.unwrap();
    admin_create(
        &sandbox,
        "/api/v1/namespaces",
        json!({"metadata": {"name": "team"}}),
    )
    .await;
    grant_ci_in_team(
        &sandbox,
        "narrow",
        json!([
            {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["settings"], "verbs": ["get", "update"]},
            {"apiGroups": ["apps"], "resources": ["*/scale"], "verbs": ["update"]},
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]},
        ]),
    )
    .await;
    let ns = "team";
    for (attributes, expected) in [
        (
            json!({"namespace": ns, "verb": "get", "resource": "configmaps", "name": "settings"}),
            true,
        ),
        (
            json!({"namespace": ns, "verb": "get", "resource": "configmaps", "name": "other"}),
            false,
        ),
        (
            json!({"namespace": ns, "verb": "list", "resource": "configmaps"}),
            false,
        ),
        (
            json!({"namespace": ns, "verb": "update", "group": "apps", "resource": "deployments", "subresource": "scale"}),
            true,
        ),
        (
            json!({"namespace": ns, "verb": "update", "group": "apps", "resource": "deployments"}),
            false,
        ),
        (
            json!({"namespace": ns, "verb": "update", "group": "", "resource": "deployments", "subresource": "scale"}),
            false,
        ),
        (
            json!({"namespace": ns, "verb": "delete", "resource": "pods", "name": "p"}),
            true,
        ),
        // `pods` does not cover `pods/log`.
        (
            json!({"namespace": ns, "verb": "get", "resource": "pods", "subresource": "log"}),
            false,
        ),
        (
            json!({"namespace": "default", "verb": "get", "resource": "pods"}),
            false,
        ),
    ] {
        assert_eq!(
            allowed(&sandbox, attributes.clone()).await,
            expected,
            "{attributes}"
        );
    }
    let status = review(
        &sandbox,
        &ci_bearer(),
        json!({"namespace": ns, "verb": "get", "resource": "configmaps", "name": "settings"}),
    )
    .await;
    assert_eq!(
        status["reason"],
        "RBAC: allowed by RoleBinding \"ci-narrow/team\" of Role \"narrow\" to User \"ci\""
    );

    // A binding to a role that does not exist grants nothing and says why.
    admin_create(
        &sandbox,
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        json!({"metadata": {"name": "ci-missing"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "nope"},
               "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "ci-team"}]}),
    )
    .await;
    let status = review(
        &sandbox,
        &ci_bearer(),
        json!({"namespace": ns, "verb": "list", "resource": "secrets"}),
    )
    .await;
    assert_eq!(
        status,
        json!({"allowed": false, "reason": "RBAC: clusterrole.rbac.authorization.k8s.io \"nope\" not found"})
    );
    let response = raw_get(
        &sandbox,
        "/api/v1/namespaces/team/secrets",
        &[("Authorization", &ci_bearer())],
    )
    .await;
    assert_eq!(
        response.json()["message"],
        "secrets is forbidden: User \"ci\" cannot list resource \"secrets\" in API group \"\" in the namespace \"team\": RBAC: clusterrole.rbac.authorization.k8s.io \"nope\" not found"
    );

    // Non-resource URLs and the admin's short-circuit.
    let body = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                      "spec": {"nonResourceAttributes": {"path": "/apis/apps", "verb": "get"}}});
    let path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    let answer = post(&sandbox, &ci_bearer(), path, body).await.json();
    assert_eq!(answer["status"]["allowed"], true, "{answer}");
    let admin = format!("Bearer {ADMIN_TOKEN}");
    let status = review(
        &sandbox,
        &admin,
        json!({"verb": "delete", "resource": "nodes"}),
    )
    .await;
    assert_eq!(status["allowed"], true);
    // Neither kind of attributes: 422.
    let body = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": {}});
    let response = post(&sandbox, &ci_bearer(), path, body).await;
    assert_eq!(response.status, 422, "{}", response.body);
}

/// A ServiceAccount subject without a namespace means the binding's; groups of service
/// accounts work as subjects too.
#[tokio::test]
async fn service_accounts_are_users_with_their_groups() {
    let deployer = User::service_account("ci", "deployer", "sa-token");
    let sandbox = Sandbox::start_with(Options::default().user(deployer))
        .await
        .unwrap();
    let bearer = "Bearer sa-token";
    for namespace in ["ci", "team"] {
        let body = json!({"metadata": {"name": namespace}});
        admin_create(&sandbox, "/api/v1/namespaces", body).await;
    }
    admin_create(
        &sandbox,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/ci/rolebindings",
        json!({"metadata": {"name": "deployer-edit"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
               "subjects": [{"kind": "ServiceAccount", "name": "deployer"}]}),
    )
    .await;
    admin_create(
        &sandbox,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
        json!({"metadata": {"name": "ci-accounts-view"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
               "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "system:serviceaccounts:ci"}]}),
    )
    .await;
    let status = review(
        &sandbox,
        bearer,
        json!({"namespace": "ci", "verb": "create", "group": "apps", "resource": "deployments"}),
    )
    .await;
    assert_eq!(
        status["reason"],
        "RBAC: allowed by RoleBinding \"deployer-edit/ci\" of ClusterRole \"edit\" to ServiceAccount \"deployer/ci\""
    );
    let list_pods =
        |namespace: &str| json!({"namespace": namespace, "verb": "list", "resource": "pods"});
    assert_eq!(
        review(&sandbox, bearer, list_pods("team")).await["allowed"],
        true
    );
    let create = json!({"namespace": "team", "verb": "create", "resource": "pods"});
    assert_eq!(review(&sandbox, bearer, create).await["allowed"], false);
    let response = raw_get(
        &sandbox,
        "/api/v1/namespaces/kube-system/pods",
        &[("Authorization", bearer)],
    )
    .await;
    assert_eq!(
        response.json()["message"],
        "pods is forbidden: User \"system:serviceaccount:ci:deployer\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\""
    );
}

#[tokio::test]
async fn default_cluster_roles_are_bootstrapped_and_aggregate() {
    let sandbox = Sandbox::start_with(options()).await.unwrap();
    let admin = format!("Bearer {ADMIN_TOKEN}");
    for name in [
        "cluster-admin",
        "admin",
        "edit",
        "view",
        "system:basic-user",
        "system:discovery",
    ] {
        let path = format!("/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}");
        let response = raw_get(&sandbox, &path, &[("Authorization", &admin)]).await;
        assert_eq!(response.status, 200, "{name}: {}", response.body);
    }
    let path = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cluster-admin";
    let binding = raw_get(&sandbox, path, &[("Authorization", &admin)])
        .await
        .json();
    assert_eq!(binding["subjects"][0]["name"], "system:masters");

    admin_create(
        &sandbox,
        "/api/v1/namespaces",
        json!({"metadata": {"name": "team"}}),
    )
    .await;
    admin_create(
        &sandbox,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings",
        json!({"metadata": {"name": "ci-view"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
               "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "ci-team"}]}),
    )
    .await;
    let widgets =
        json!({"namespace": "team", "verb": "list", "group": "example.com", "resource": "widgets"});
    assert!(
        allowed(
            &sandbox,
            json!({"namespace": "team", "verb": "list", "group": "apps", "resource": "deployments"})
        )
        .await
    );
    assert!(
        !allowed(
            &sandbox,
            json!({"namespace": "team", "verb": "get", "resource": "secrets"})
        )
        .await
    );
    assert!(!allowed(&sandbox, widgets.clone()).await);
    // A ClusterRole labelled to aggregate to `view` extends it, and through `view` also `edit`.
    admin_create(
        &sandbox,
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        json!({"metadata": {"name": "widgets-view", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
               "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get", "list", "watch"]}]}),
    )
    .await;
    assert!(allowed(&sandbox, widgets).await);
}

#[tokio::test]
async fn a_patch_that_would_create_an_object_also_needs_create() {
    let sandbox = Sandbox::start_with(options()).await.unwrap();
    admin_create(
        &sandbox,
        "/api/v1/namespaces",
        json!({"metadata": {"name": "team"}}),
    )
    .await;
    admin_create(
        &sandbox,
        "/api/v1/namespaces/team/configmaps",
        json!({"metadata": {"name": "old"}, "data": {"a": "1"}}),
    )
    .await;
    grant_ci_in_team(
        &sandbox,
        "patcher",
        json!([
            {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["patch"]},
        ]),
    )
    .await;
    let apply = |name: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: team\ndata:\n  a: \"2\"\n"
        )
    };
    let bearer = ci_bearer();
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/apply-patch+yaml"),
    ];
    let path = "/api/v1/namespaces/team/configmaps/old?fieldManager=ci&force=true";
    let response = raw_request(&sandbox, "PATCH", path, &headers, &apply("old"))
        .await
        .unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    let path = "/api/v1/namespaces/team/configmaps/new?fieldManager=ci";
    let response = raw_request(&sandbox, "PATCH", path, &headers, &apply("new"))
        .await
        .unwrap();
    assert_eq!(response.status, 403, "{}", response.body);
    assert_eq!(
        response.json()["message"],
        "configmaps \"new\" is forbidden: User \"ci\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"team\""
    );
    // A merge patch never creates: a missing object is a 404, whatever the user may create.
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/merge-patch+json"),
    ];
    let path = "/api/v1/namespaces/team/configmaps/absent";
    let response = raw_request(&sandbox, "PATCH", path, &headers, r#"{"data":{"a":"3"}}"#)
        .await
        .unwrap();
    assert_eq!(response.status, 404, "{}", response.body);
}

/// `charts install` as a CI user who holds `edit` in one namespace only.
#[test]
fn charts_install_as_a_restricted_user_works_where_it_has_edit_and_names_what_is_missing_elsewhere()
{
    let env = TestEnv::builder()
        .sandbox(options())
        .namespaces(&["team", "other"])
        .build();
    let kubeconfig = env.join("kubeconfig");
    env.sandbox
        .write_kubeconfig_as(&kubeconfig, None, "ci")
        .unwrap();
    let admin = |args: &[&str]| {
        let mut all = vec!["--context", "sandbox"];
        all.extend_from_slice(args);
        let output = env.kubectl(&all);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    admin(&[
        "create",
        "rolebinding",
        "ci-edit",
        "-n",
        "team",
        "--clusterrole",
        "edit",
        "--group",
        "ci-team",
    ]);
    let chart = TestChart::fixture(&env, "web").arg();
    let out = env.ok(&["install", "web", &chart, "-n", "team"]);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let configmap = env.kubectl(&["get", "configmap", "web-config", "-n", "team", "-o", "name"]);
    assert_eq!(stdout(&configmap).trim(), "configmap/web-config");

    // The first thing install needs in `other` is its lock, a Lease; the error names the verb,
    // the resource and the namespace, and the hint the `kubectl auth can-i` to check it with.
    let error = env.fails(&["install", "web", &chart, "-n", "other"]);
    let url = env.sandbox.url_for("ci").unwrap();
    assert_eq!(
        error.lines().next().unwrap(),
        format!(
            "error: the cluster at `{url}` does not allow us to get leases in namespace `other` (403): leases.coordination.k8s.io \"charts.lock.web\" is forbidden: User \"ci\" cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"other\""
        )
    );
    assert!(
        error.contains("hint: ask for RBAC permission to get leases in `other` (`kubectl auth can-i get leases -n other`)"),
        "{error}"
    );
    let records = admin(&[
        "get",
        "secrets",
        "-l",
        "owner=charts",
        "-n",
        "other",
        "-o",
        "name",
    ]);
    assert_eq!(records, "", "no release record in `other`");
    let records = admin(&[
        "get",
        "secrets",
        "-l",
        "owner=charts",
        "-n",
        "team",
        "-o",
        "name",
    ]);
    assert_eq!(records.lines().count(), 1, "{records}");
}

/// The `charts-sandbox` binary, built on demand (as the kubectl tests do).
fn sandbox_binary() -> PathBuf {
    let build = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "-p",
            "charts-sandbox",
            "--bin",
            "charts-sandbox",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(build.success(), "building charts-sandbox failed");
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("charts-sandbox")
}

/// `serve --user` adds a user with a context of its own; a malformed one is refused by name.
#[test]
fn the_binary_serves_users_given_with_user_flags() {
    let binary = sandbox_binary();
    let output = Command::new(&binary)
        .args(["serve", "--user", "ci"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "invalid value 'ci' for '--user <NAME:TOKEN[:GROUPS]>': `ci` is not `NAME:TOKEN[:GROUP,GROUP...]`"
        ),
        "{}",
        stderr(&output)
    );

    let directory = tempfile::tempdir().unwrap();
    let kubeconfig = directory.path().join("kubeconfig");
    let mut server = Command::new(&binary)
        .args([
            "serve",
            "--user",
            "ci:secret-1:ci-team,deployers",
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("charts-sandbox starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let kubectl = Kubectl {
        home: tempfile::tempdir().unwrap(),
        kubeconfig,
    };
    let whoami = kubectl.ok(&["--context", "ci", "auth", "whoami", "-o", "json"]);
    let whoami: Value = serde_json::from_str(&whoami).unwrap();
    assert_eq!(
        whoami["status"]["userInfo"],
        json!({"username": "ci", "groups": ["ci-team", "deployers", "system:authenticated"]})
    );
    assert_eq!(kubectl.can_i(&["create", "namespaces"]).0, "yes");
    assert_eq!(
        kubectl
            .can_i(&["--context", "ci", "create", "namespaces"])
            .0,
        "no"
    );
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success());

    // `--anonymous unauthenticated`: no token, no namespaces. Then a SIGTERM right after one
    // quick request. Bug: the binary installed its SIGTERM handler only after printing its
    // address, so a signal sent as soon as it was read killed it (exit by signal, not 0).
    let mut server = Command::new(&binary)
        .args(["serve", "--anonymous", "unauthenticated"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("charts-sandbox starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let address = line.trim().trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    std::io::Write::write_all(
        &mut stream,
        b"GET /api/v1/namespaces HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains(r#"User \"system:anonymous\" cannot list resource \"namespaces\""#),
        "{answer}"
    );
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success());
}
