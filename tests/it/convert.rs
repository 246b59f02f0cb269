//! `charts convert`: Helm charts written here (helpers, with/range/$, dict includes, tpl,
//! .Files, a subchart, a .tgz) converted, then rendered with `charts template` and compared
//! with the objects Helm renders for them.

use serde_json::json;

use crate::common::{TestChart, TestEnv, objects, stderr, stdout};

fn convert(env: &TestEnv, chart: &TestChart, out: &str) -> std::process::Output {
    env.charts()
        .args(["convert", &chart.arg(), "-o"])
        .arg(env.path().join(out))
        .output()
        .unwrap()
}

fn template(env: &TestEnv, dir: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let output = env
        .charts()
        .args(["template", "r"])
        .arg(env.path().join(dir))
        .args(["-n", "ns"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "template failed:\n{}",
        stderr(&output)
    );
    objects(&stdout(&output))
}

fn find<'a>(objects: &'a [serde_json::Value], kind: &str, name: &str) -> &'a serde_json::Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name} in {objects:#?}"))
}

const HELPERS: &str = r#"{{/* Helm-style helpers */}}
{{- define "web.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "web.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "web.selectorLabels" -}}
app.kubernetes.io/name: {{ include "web.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "web.componentLabels" -}}
{{ include "web.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
"#;

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.componentLabels" (dict "component" "api" "ctx" $) | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "web.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      labels:
        {{- include "web.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          env:
            {{- range $key, $value := .Values.env }}
            - name: {{ $key }}
              value: {{ $value | quote }}
            {{- end }}
            - name: GREETING
              value: {{ tpl .Values.greeting . | quote }}
          args:
            {{- range .Values.hosts }}
            - --host={{ . }}.{{ $.Release.Namespace }}
            {{- end }}
          {{- if .Values.missing.flag }}
          broken: true
          {{- end }}
"#;

const VALUES: &str = r#"replicaCount: 2
nameOverride: ""
fullnameOverride: ""
image:
  repository: nginx
  tag: ""
podAnnotations:
  zeta: "1"
  alpha: "2"
env:
  ZED: z
  ALPHA: a
hosts: [one, two]
greeting: "hello {{ .Release.Name }}"
missing: {}
"#;

#[test]
fn a_helm_chart_with_helpers_with_range_dict_includes_and_tpl_renders_as_helm_does() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .values(VALUES)
        .template("_helpers.tpl", HELPERS)
        .template("deployment.yaml", DEPLOYMENT);
    let output = convert(&env, &chart, "conv/web");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Converted 1 chart and 2 templates"),
        "{}",
        stdout(&output)
    );
    let helpers =
        std::fs::read_to_string(env.path().join("conv/web/templates/_helpers.tera")).unwrap();
    assert!(
        helpers.contains("{%- component web.fullname(dot=none) -%}"),
        "{helpers}"
    );
    assert!(!env.path().join("conv/web/templates/_helpers.tpl").exists());

    let objects = template(&env, "conv/web", &[]);
    let deployment = find(&objects, "Deployment", "r-web");
    // What Helm v4 renders for this chart (checked with helm-python-sdk), as data.
    assert_eq!(
        deployment["metadata"]["labels"],
        json!({"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "r", "app.kubernetes.io/component": "api"})
    );
    assert_eq!(deployment["spec"]["replicas"], 2);
    let pod = &deployment["spec"]["template"];
    assert_eq!(
        pod["metadata"]["annotations"],
        json!({"alpha": "2", "zeta": "1"})
    );
    let container = &pod["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.0");
    assert_eq!(
        container["env"],
        json!([
            {"name": "ALPHA", "value": "a"},
            {"name": "ZED", "value": "z"},
            {"name": "GREETING", "value": "hello r"},
        ])
    );
    assert_eq!(container["args"], json!(["--host=one.ns", "--host=two.ns"]));
    assert!(container.get("broken").is_none());

    // The converted chart is a chart like any other: lint passes, values still apply.
    let lint = env
        .charts()
        .arg("lint")
        .arg(env.path().join("conv/web"))
        .output()
        .unwrap();
    assert!(lint.status.success(), "{}{}", stdout(&lint), stderr(&lint));
    let objects = template(
        &env,
        "conv/web",
        &["--set", "fullnameOverride=api", "--set", "image.tag=1.27"],
    );
    let deployment = find(&objects, "Deployment", "api");
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.27"
    );
}

#[test]
fn files_subcharts_and_tgz_subcharts_are_converted() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "app")
        .values("sub:\n  port: 8080\nglobal:\n  team: core\n")
        .file("files/app.conf", "key=value\n")
        .file("config/a.properties", "a=1\n")
        .template(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-files\ndata:\n  app.conf: {{ .Files.Get \"files/app.conf\" | quote }}\n  absent: {{ .Files.Get \"nope\" | quote }}\n{{ (.Files.Glob \"config/*\").AsConfig | indent 2 }}\n  last: \"1\"\n",
        );
    chart
        .subchart("sub")
        .values("port: 80\n")
        .template(
            "svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\n  labels:\n    team: {{ .Values.global.team }}\nspec:\n  ports:\n    - port: {{ .Values.port }}\n",
        );
    // A packaged subchart (.tgz), as `helm dependency build` leaves them.
    let packed = TestChart::new(&env, "packed").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-packed\ndata:\n  upper: {{ \"x\" | upper | quote }}\n",
    );
    let package = env
        .charts()
        .args(["package", &packed.arg(), "-d"])
        .arg(chart.path().join("charts"))
        .output()
        .unwrap();
    assert!(package.status.success(), "{}", stderr(&package));

    let output = convert(&env, &chart, "out");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        env.path()
            .join("out/charts/sub/templates/svc.yaml")
            .exists()
    );
    assert!(
        env.path()
            .join("out/charts/packed/templates/cm.yaml")
            .exists()
    );
    assert!(env.path().join("out/files/app.conf").exists());

    let objects = template(&env, "out", &[]);
    let cm = find(&objects, "ConfigMap", "r-files");
    assert_eq!(
        cm["data"],
        json!({"app.conf": "key=value\n", "absent": "", "a.properties": "a=1\n", "last": "1"})
    );
    let svc = find(&objects, "Service", "r-sub");
    assert_eq!(svc["spec"]["ports"][0]["port"], 8080);
    assert_eq!(svc["metadata"]["labels"]["team"], "core");
    assert_eq!(
        find(&objects, "ConfigMap", "r-packed")["data"]["upper"],
        "X"
    );
}

#[test]
fn what_cannot_be_converted_is_reported_with_its_place_and_exit_code_3() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "legacy").values("existing: \"\"\n").template(
        "secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  {{- if .Values.existing }}\n  password: {{ .Values.existing | b64enc }}\n  {{- else }}\n  password: {{ randAlphaNum 16 | b64enc }}\n  {{- end }}\n",
    );
    let output = convert(&env, &chart, "out");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("templates/secret.yaml:9:16: cannot convert: `randAlphaNum`"),
        "{err}"
    );
    assert!(err.contains("1 place could not be converted"), "{err}");
    // The chart is written; the place fails when it renders, naming itself.
    let failed = env
        .charts()
        .args(["template", "r"])
        .arg(env.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).contains("cannot convert: `randAlphaNum`"),
        "{}",
        stderr(&failed)
    );
    // With the value set, the refused branch is not taken.
    let objects = template(&env, "out", &["--set", "existing=c2VjcmV0"]);
    assert!(find(&objects, "Secret", "r")["data"]["password"].is_string());
}

#[test]
fn an_unparseable_template_is_an_error_naming_file_line_and_column() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "broken").template("cm.yaml", "a: 1\nb: {{ if .Values.x }}\n");
    let output = convert(&env, &chart, "out");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("templates/cm.yaml:2:4"), "{err}");
    assert!(err.contains("without {{end}}"), "{err}");

    let not_a_chart = env
        .charts()
        .args(["convert"])
        .arg(env.path())
        .args(["-o"])
        .arg(env.path().join("o2"))
        .output()
        .unwrap();
    assert_eq!(not_a_chart.status.code(), Some(1));
    assert!(
        stderr(&not_a_chart).contains("no Chart.yaml"),
        "{}",
        stderr(&not_a_chart)
    );
}
