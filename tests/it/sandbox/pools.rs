//! The API details environment pools rely on, through the real `kubectl` as the admin and as a
//! restricted user: optimistic concurrency on namespaces (stale updates, resourceVersion
//! preconditions in merge patches, JSON patch `test`), RBAC `resourceNames` on namespaces next to
//! a cluster-wide list, the `kube-root-ca.crt` ConfigMap of every namespace, and ResourceQuota on
//! updates that raise usage.

use std::path::PathBuf;
use std::process::Output;

use charts_sandbox::{Options, Sandbox, User};
use serde_json::{Value, json};

use super::kubectl::Kubectl;
use crate::common::{TestChart, TestEnv, stderr, stdout};

const STALE: &str = "Operation cannot be fulfilled on namespaces \"pool-1\": the object has been modified; please apply your changes to the latest version and try again";

fn resource_version(object: &Value) -> String {
    object["metadata"]["resourceVersion"]
        .as_str()
        .expect("a resourceVersion")
        .to_string()
}

#[test]
fn namespace_writes_are_optimistic_as_on_the_api_server() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok(&["create", "namespace", "pool-1"]);
    let first = kubectl.json(&["get", "namespace", "pool-1"]);
    let stale = resource_version(&first);
    kubectl.ok(&["label", "namespace", "pool-1", "charts.dev/pool=ci"]);

    // An update carrying the version it read is refused once someone else wrote.
    let mut replaced = first.clone();
    replaced["metadata"]["annotations"] = json!({"charts.dev/claimed-by": "a"});
    let refused = kubectl.fails(&["replace", "-f", "-"], &replaced.to_string());
    assert!(refused.contains(STALE), "{refused}");

    // A merge patch carrying metadata.resourceVersion is a precondition.
    let claim = |version: &str, who: &str| {
        json!({"metadata": {"resourceVersion": version, "annotations": {"charts.dev/claimed-by": who}}})
            .to_string()
    };
    let refused = kubectl.fails(
        &[
            "patch",
            "namespace",
            "pool-1",
            "--type",
            "merge",
            "-p",
            &claim(&stale, "a"),
        ],
        "",
    );
    assert!(refused.contains(STALE), "{refused}");
    let current = resource_version(&kubectl.json(&["get", "namespace", "pool-1"]));
    // Two claimers that read the same version: the first wins, the second gets the conflict.
    kubectl.ok(&[
        "patch",
        "namespace",
        "pool-1",
        "--type",
        "merge",
        "-p",
        &claim(&current, "first"),
    ]);
    let second = kubectl.fails(
        &[
            "patch",
            "namespace",
            "pool-1",
            "--type",
            "merge",
            "-p",
            &claim(&current, "second"),
        ],
        "",
    );
    assert!(second.contains(STALE), "{second}");
    let claimed = kubectl.json(&["get", "namespace", "pool-1"]);
    assert_eq!(
        claimed["metadata"]["annotations"]["charts.dev/claimed-by"],
        "first"
    );

    // A JSON patch whose `test` fails changes nothing (422 Invalid); one that passes applies.
    let take_if_free = |holder: &str, who: &str| {
        json!([
            {"op": "test", "path": "/metadata/annotations/charts.dev~1claimed-by", "value": holder},
            {"op": "replace", "path": "/metadata/annotations/charts.dev~1claimed-by", "value": who},
        ])
        .to_string()
    };
    let refused = kubectl.fails(
        &[
            "patch",
            "namespace",
            "pool-1",
            "--type",
            "json",
            "-p",
            &take_if_free("nobody", "third"),
        ],
        "",
    );
    assert!(
        refused.contains("The request is invalid")
            && refused
                .contains("testing value /metadata/annotations/charts.dev~1claimed-by failed"),
        "{refused}"
    );
    kubectl.ok(&[
        "patch",
        "namespace",
        "pool-1",
        "--type",
        "json",
        "-p",
        &take_if_free("first", "third"),
    ]);
    let taken = kubectl.json(&["get", "namespace", "pool-1"]);
    assert_eq!(
        taken["metadata"]["annotations"]["charts.dev/claimed-by"],
        "third"
    );
}

/// kubectl as the restricted user `ci` (its own context), and as the admin (`--context sandbox`).
struct AsCi {
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl AsCi {
    fn new(sandbox: &Sandbox) -> AsCi {
        let home = tempfile::tempdir().unwrap();
        let kubeconfig = home.path().join("kubeconfig");
        sandbox
            .write_kubeconfig_as(&kubeconfig, None, "ci")
            .unwrap();
        AsCi { home, kubeconfig }
    }

    fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new("kubectl")
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

    fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            !output.status.success(),
            "kubectl {args:?} should have failed:\n{}",
            stdout(&output)
        );
        stderr(&output)
    }
}

#[test]
fn resource_names_limit_gets_and_patches_of_namespaces_but_not_lists() {
    let sandbox =
        Sandbox::start_blocking_with(Options::default().user(User::new("ci", "ci-token-pools")))
            .unwrap();
    let ci = AsCi::new(&sandbox);
    for name in ["pool-1", "pool-2", "pool-3"] {
        ci.ok(&["--context", "sandbox", "create", "namespace", name]);
        ci.ok(&[
            "--context",
            "sandbox",
            "label",
            "namespace",
            name,
            "charts.dev/pool=ci",
        ]);
    }
    ci.ok(&["--context", "sandbox", "create", "namespace", "other"]);
    let role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "pool-ci"},
        "rules": [
            {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": ["pool-1", "pool-2"], "verbs": ["get", "patch"]},
            {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["list"]},
        ],
    });
    let binding = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": {"name": "pool-ci"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pool-ci"},
        "subjects": [{"kind": "User", "name": "ci", "apiGroup": "rbac.authorization.k8s.io"}],
    });
    let admin = Kubectl::new(&sandbox);
    admin.ok_with_input(&["apply", "-f", "-"], &role.to_string());
    admin.ok_with_input(&["apply", "-f", "-"], &binding.to_string());

    // The list is cluster-wide and never narrowed by resourceNames.
    let listed = ci.ok(&[
        "get",
        "namespaces",
        "-l",
        "charts.dev/pool=ci",
        "-o",
        "name",
    ]);
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        ["namespace/pool-1", "namespace/pool-2", "namespace/pool-3"]
    );
    assert!(
        ci.ok(&["get", "namespaces", "-o", "name"])
            .contains("namespace/other")
    );

    ci.ok(&["get", "namespace", "pool-1"]);
    ci.ok(&[
        "patch",
        "namespace",
        "pool-2",
        "--type",
        "merge",
        "-p",
        r#"{"metadata":{"annotations":{"charts.dev/claimed-by":"ci"}}}"#,
    ]);
    let denied = ci.fails(&["get", "namespace", "pool-3"]);
    assert!(
        denied.contains("namespaces \"pool-3\" is forbidden: User \"ci\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"pool-3\""),
        "{denied}"
    );
    let denied = ci.fails(&[
        "patch",
        "namespace",
        "pool-3",
        "--type",
        "merge",
        "-p",
        r#"{"metadata":{"annotations":{"charts.dev/claimed-by":"ci"}}}"#,
    ]);
    // kubectl reads the object before patching it: the read is what is refused.
    assert!(
        denied.contains("namespaces \"pool-3\" is forbidden: User \"ci\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"pool-3\""),
        "{denied}"
    );
    let denied = ci.fails(&["delete", "namespace", "pool-1"]);
    assert!(
        denied.contains("cannot delete resource \"namespaces\""),
        "{denied}"
    );
    let denied = ci.fails(&["create", "namespace", "pool-4"]);
    assert!(
        denied.contains("namespaces is forbidden: User \"ci\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope"),
        "{denied}"
    );
    let can_i = |args: &[&str]| {
        stdout(&ci.run(&[&["auth", "can-i"], args].concat()))
            .trim()
            .to_string()
    };
    assert_eq!(can_i(&["patch", "namespaces/pool-1"]), "yes");
    assert_eq!(can_i(&["patch", "namespaces/pool-3"]), "no");
    assert_eq!(can_i(&["list", "namespaces"]), "yes");
    assert_eq!(can_i(&["get", "namespaces"]), "no");
    let claimed = admin.json(&["get", "namespace", "pool-2"]);
    assert_eq!(
        claimed["metadata"]["annotations"]["charts.dev/claimed-by"],
        "ci"
    );
}

#[test]
fn every_namespace_gets_the_root_ca_configmap_and_charts_leaves_it_alone() {
    let env = TestEnv::builder().sandbox(Options::default()).build();
    let kubectl = Kubectl::new(&env.sandbox);
    for namespace in ["default", "kube-system"] {
        let found = kubectl.json(&["-n", namespace, "get", "configmap", "kube-root-ca.crt"]);
        assert!(
            found["data"]["ca.crt"]
                .as_str()
                .is_some_and(|pem| pem.starts_with("-----BEGIN CERTIFICATE-----")),
            "{found}"
        );
    }
    let chart = TestChart::new(&env, "app").template(
        "configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: '1'\n",
    );
    env.ok(&[
        "install",
        "app",
        &chart.arg(),
        "-n",
        "fresh",
        "--create-namespace",
    ]);
    let names = kubectl.ok(&["-n", "fresh", "get", "configmaps", "-o", "name"]);
    assert_eq!(
        names.lines().collect::<Vec<_>>(),
        ["configmap/kube-root-ca.crt", "configmap/settings"]
    );
    let root = kubectl.json(&[
        "-n",
        "fresh",
        "get",
        "configmap",
        "kube-root-ca.crt",
        "--show-managed-fields",
    ]);
    assert!(
        root["metadata"]["annotations"]["kubernetes.io/description"]
            .as_str()
            .is_some_and(|d| d.starts_with("Contains a CA bundle")),
        "{root}"
    );
    assert_eq!(
        root["metadata"]["managedFields"][0]["manager"],
        "kube-controller-manager"
    );
    // An upgrade that drops the release's ConfigMap prunes it, and only it.
    let chart = chart.template(
        "configmap.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: other\nstringData:\n  a: '1'\n",
    );
    env.ok(&["upgrade", "app", &chart.arg(), "-n", "fresh"]);
    let names = kubectl.ok(&["-n", "fresh", "get", "configmaps", "-o", "name"]);
    assert_eq!(names.trim(), "configmap/kube-root-ca.crt");
    env.ok(&["uninstall", "app", "-n", "fresh"]);
    let names = kubectl.ok(&["-n", "fresh", "get", "configmaps", "-o", "name"]);
    assert_eq!(names.trim(), "configmap/kube-root-ca.crt");
}

#[test]
fn a_quota_refuses_an_update_that_raises_usage_past_it() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    kubectl.ok(&["create", "namespace", "shop"]);
    let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: lb, namespace: shop}\nspec:\n  hard: {services: '5', services.loadbalancers: '1', count/configmaps: '3'}\n";
    kubectl.ok_with_input(&["apply", "-f", "-"], quota);
    let service = |name: &str, kind: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: shop}}\nspec:\n  type: {kind}\n  selector: {{app: {name}}}\n  ports: [{{port: 80}}]\n"
        )
    };
    kubectl.ok_with_input(&["apply", "-f", "-"], &service("a", "LoadBalancer"));
    kubectl.ok_with_input(&["apply", "-f", "-"], &service("b", "ClusterIP"));
    let refused = kubectl.fails(
        &[
            "-n",
            "shop",
            "patch",
            "service",
            "b",
            "-p",
            r#"{"spec":{"type":"LoadBalancer"}}"#,
        ],
        "",
    );
    assert!(
        refused.contains("services \"b\" is forbidden: exceeded quota: lb, requested: services.loadbalancers=1, used: services.loadbalancers=1, limited: services.loadbalancers=1"),
        "{refused}"
    );
    let b = kubectl.json(&["-n", "shop", "get", "service", "b"]);
    assert_eq!(b["spec"]["type"], "ClusterIP");
    // The same through server-side apply; an update that does not add usage goes through.
    let refused = kubectl.fails(
        &["apply", "--server-side", "--force-conflicts", "-f", "-"],
        &service("b", "LoadBalancer"),
    );
    assert!(refused.contains("exceeded quota: lb"), "{refused}");
    kubectl.ok(&["-n", "shop", "label", "service", "b", "tier=web"]);
    // Freeing the load balancer makes room for the change.
    kubectl.ok(&[
        "-n",
        "shop",
        "patch",
        "service",
        "a",
        "-p",
        r#"{"spec":{"type":"ClusterIP"}}"#,
    ]);
    kubectl.ok(&[
        "-n",
        "shop",
        "patch",
        "service",
        "b",
        "-p",
        r#"{"spec":{"type":"LoadBalancer"}}"#,
    ]);
    let used = kubectl.json(&["-n", "shop", "get", "quota", "lb"]);
    // The namespace's kube-root-ca.crt counts, as on a real cluster.
    assert_eq!(
        used["status"]["used"],
        json!({"services": "2", "services.loadbalancers": "1", "count/configmaps": "1"})
    );
}
