//! Fields that cannot change once an object exists: the sandbox refuses such changes with the
//! API server's 422 messages and causes, to kubectl as to kube, and a `dryRun=All` apply answers
//! as the write would without storing anything.

use charts_sandbox::Sandbox;
use serde_json::json;

use super::kubectl::Kubectl;
use super::{apply, client, status_of};

const STATEFULSET: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {tier: a, app: web}}
  template:
    metadata: {labels: {app: web, tier: a}}
    spec: {containers: [{name: web, image: nginx}]}
";

#[test]
fn kubectl_sees_the_api_servers_422_for_immutable_fields() {
    let sandbox = Sandbox::start_blocking().unwrap();
    let kubectl = Kubectl::new(&sandbox);
    let apply = ["apply", "--server-side", "-f", "-"];
    kubectl.ok_with_input(&apply, DEPLOYMENT);
    let error = kubectl.fails(&apply, &DEPLOYMENT.replace("tier: a", "tier: b"));
    assert_eq!(
        error.trim(),
        r#"The Deployment "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"b"}}: field is immutable"#
    );

    kubectl.ok_with_input(&apply, STATEFULSET);
    // replicas may change; serviceName may not.
    kubectl.ok_with_input(
        &apply,
        &STATEFULSET.replace("serviceName: db", "serviceName: db\n  replicas: 3"),
    );
    let error = kubectl.fails(
        &apply,
        &STATEFULSET.replace("serviceName: db", "serviceName: db2"),
    );
    assert_eq!(
        error.trim(),
        "The StatefulSet \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );

    let service =
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n";
    kubectl.ok_with_input(&apply, service);
    let error = kubectl.fails(
        &apply,
        &service.replace("spec: {", "spec: {clusterIP: None, "),
    );
    assert_eq!(
        error.trim(),
        r#"The Service "s" is invalid: spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set"#
    );

    kubectl.ok(&["create", "rolebinding", "rb", "--role=a", "--user=x"]);
    let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: b}\nsubjects: [{kind: User, name: x, apiGroup: rbac.authorization.k8s.io}]\n";
    let error = kubectl.fails(
        &["apply", "--server-side", "--force-conflicts", "-f", "-"],
        binding,
    );
    assert_eq!(
        error.trim(),
        r#"The RoleBinding "rb" is invalid: roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"b"}: cannot change roleRef"#
    );

    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n";
    kubectl.ok_with_input(&apply, claim);
    kubectl.ok_with_input(&apply, &claim.replace("1Gi", "2Gi"));
    let error = kubectl.fails(
        &apply,
        &claim
            .replace("ReadWriteOnce", "ReadWriteMany")
            .replace("1Gi", "2Gi"),
    );
    assert!(
        error.starts_with("The PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n"),
        "{error}"
    );

    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: j, image: busybox}]}}}\n";
    kubectl.ok_with_input(&apply, job);
    let error = kubectl.fails(&apply, &job.replace("busybox", "busybox:2"));
    assert!(
        error.starts_with("The Job \"j\" is invalid: spec.template: Invalid value: {\"metadata\":"),
        "{error}"
    );
    assert!(error.trim().ends_with(": field is immutable"), "{error}");

    let config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\nimmutable: true\ndata: {a: \"1\"}\n";
    kubectl.ok_with_input(&apply, config);
    let error = kubectl.fails(&apply, &config.replace("\"1\"", "\"2\""));
    assert_eq!(
        error.trim(),
        "The ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
    );
    // A server dry run answers the same, and an allowed change is answered but not stored.
    let error = kubectl.fails(
        &["apply", "--server-side", "--dry-run=server", "-f", "-"],
        &DEPLOYMENT.replace("tier: a", "tier: b"),
    );
    assert!(error.contains("field is immutable"), "{error}");
    let before = kubectl.json(&["get", "deployment", "web"]);
    let answered = kubectl.ok_with_input(
        &[
            "apply",
            "--server-side",
            "--dry-run=server",
            "-o",
            "json",
            "-f",
            "-",
        ],
        &DEPLOYMENT.replace("image: nginx", "image: nginx:2"),
    );
    let answered: serde_json::Value = serde_json::from_str(&answered).unwrap();
    assert_eq!(
        answered["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:2"
    );
    let after = kubectl.json(&["get", "deployment", "web"]);
    assert_eq!(
        after["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx"
    );
    assert_eq!(
        after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"],
        "a dry run does not bump the resourceVersion"
    );
    assert_eq!(
        answered["metadata"]["resourceVersion"],
        before["metadata"]["resourceVersion"]
    );
}

#[tokio::test]
async fn an_immutable_change_is_an_invalid_status_with_causes_naming_the_field() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox);
    let deployment = |app: &str| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": app}},
                "template": {"metadata": {"labels": {"app": app}},
                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}})
    };
    apply(&client, deployment("web"), "charts").await.unwrap();
    let status = status_of(apply(&client, deployment("web2"), "charts").await);
    assert_eq!((status.code, status.reason.as_str()), (422, "Invalid"));
    let details = status.details.as_ref().unwrap();
    assert_eq!(
        (details.kind.as_str(), details.group.as_str()),
        ("Deployment", "apps")
    );
    assert_eq!(details.causes.len(), 1);
    assert_eq!(details.causes[0].reason, "FieldValueInvalid");
    assert_eq!(details.causes[0].field, "spec.selector");
    assert_eq!(
        details.causes[0].message,
        r#"Invalid value: {"matchLabels":{"app":"web2"}}: field is immutable"#
    );
}
