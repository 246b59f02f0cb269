//! `charts template`: values precedence, the template context, helpers, umbrella charts, and the
//! errors users hit, all through the CLI.

use serde_json::json;

use crate::common::{
    TestChart, TestEnv, configmap, configmap_data, objects, stderr, stdout, testdata_chart,
};

fn template(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.charts().arg("template").args(args).output().unwrap()
}

fn ok(env: &TestEnv, args: &[&str]) -> String {
    let output = template(env, args);
    assert!(
        output.status.success(),
        "template failed:\n{}",
        stderr(&output)
    );
    stdout(&output)
}

fn fails(env: &TestEnv, args: &[&str]) -> String {
    let output = template(env, args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected exit 1, got {:?}\nstdout: {}",
        output.status,
        stdout(&output)
    );
    stderr(&output)
}

#[test]
fn prints_each_object_with_its_source_and_fills_the_namespace() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .template(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-cfg\n",
        )
        .template(
            "ns.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n",
        );
    let out = ok(&env, &["shop", &chart.arg(), "-n", "staging"]);
    assert!(
        out.starts_with("---\n# Source: web/templates/ns.yaml\n"),
        "Namespace first (install order):\n{out}"
    );
    assert!(out.contains("# Source: web/templates/cm.yaml\n"));
    let objects = objects(&out);
    let cm = objects.iter().find(|o| o["kind"] == "ConfigMap").unwrap();
    assert_eq!(cm["metadata"]["name"], "shop-cfg");
    assert_eq!(cm["metadata"]["namespace"], "staging");
    let ns = objects.iter().find(|o| o["kind"] == "Namespace").unwrap();
    assert!(
        ns["metadata"].get("namespace").is_none(),
        "cluster-scoped objects get no namespace"
    );
}

#[test]
fn values_precedence_follows_helm_whatever_the_flag_order() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .values("a: chart\nb: chart\nc: chart\nd: chart\ne: chart\nf: chart\ng: chart\n")
        .template(
            "cm.yaml",
            &configmap(
                "v",
                &[
                    ("a", "Values.a"),
                    ("b", "Values.b"),
                    ("c", "Values.c"),
                    ("d", "Values.d"),
                    ("e", "Values.e"),
                    ("f", "Values.f"),
                    ("g", "Values.g"),
                ],
            ),
        );
    env.write(
        "one.yaml",
        "a: one\nb: one\nc: one\nd: one\ne: one\nf: one\n",
    );
    env.write("two.yaml", "b: two\nc: two\nd: two\ne: two\nf: two\n");
    env.write("file.txt", "from-file");
    // Flags deliberately given in the reverse of Helm's precedence order.
    let out = ok(
        &env,
        &[
            &chart.arg(),
            "--set-literal",
            "f=lit,eral",
            "--set-file",
            "e=file.txt",
            "--set-string",
            "d=string",
            "--set",
            "c=set",
            "--set-json",
            "b=\"json\"",
            "-f",
            "one.yaml",
            "-f",
            "two.yaml",
        ],
    );
    let data = configmap_data(&out, "v");
    assert_eq!(
        json!(data),
        json!({"a": "one", "b": "json", "c": "set", "d": "string", "e": "from-file", "f": "lit,eral", "g": "chart"})
    );
}

#[test]
fn set_types_scalars_but_never_floats() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template(
        "cm.yaml",
        &configmap(
            "v",
            &[
                ("int", "Values.int"),
                ("bool", "Values.bool"),
                ("float", "Values.float"),
                ("zero", "Values.zero"),
                ("str", "Values.str"),
                ("list", "Values.list"),
                ("nested", "Values.a"),
            ],
        ),
    );
    let out = ok(
        &env,
        &[
            &chart.arg(),
            "--set",
            "int=42,bool=true,float=1.5,zero=007,list={x,y}",
            "--set",
            "a.b\\.c=1,a.items[1].name=n",
            "--set-string",
            "str=99",
        ],
    );
    let data = configmap_data(&out, "v");
    assert_eq!(data["int"], json!(42));
    assert_eq!(data["bool"], json!(true));
    assert_eq!(data["float"], json!("1.5"));
    assert_eq!(data["zero"], json!("007"));
    assert_eq!(data["str"], json!("99"));
    assert_eq!(data["list"], json!(["x", "y"]));
    assert_eq!(
        data["nested"],
        json!({"b.c": 1, "items": [null, {"name": "n"}]})
    );
}

#[test]
fn null_deletes_a_default_and_maps_merge_deeply() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .values("resources:\n  limits:\n    cpu: 1\n    memory: 1Gi\n  requests:\n    cpu: 1\nlist: [1, 2, 3]\n")
        .template("cm.yaml", &configmap("v", &[("resources", "Values.resources"), ("list", "Values.list")]));
    env.write(
        "prod.yaml",
        "resources:\n  limits:\n    memory: 2Gi\n  requests: null\nlist: [9]\n",
    );
    let out = ok(&env, &[&chart.arg(), "-f", "prod.yaml"]);
    let data = configmap_data(&out, "v");
    assert_eq!(
        data["resources"],
        json!({"limits": {"cpu": 1, "memory": "2Gi"}})
    );
    assert_eq!(data["list"], json!([9]), "lists replace, never merge");
}

#[test]
fn yaml_merge_keys_are_resolved() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .values("base: &base\n  zeta: 1\n  alpha: 2\nderived:\n  <<: *base\n  alpha: 3\n")
        .template("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\ndata:\n  derived: {{ Values.derived | toJson | quote }}\n");
    let out = ok(&env, &[&chart.arg()]);
    assert_eq!(
        configmap_data_raw(&out, "v")["derived"],
        r#"{"alpha":3,"zeta":1}"#,
        "{out}"
    );
}

#[test]
fn values_file_from_stdin() {
    let env = TestEnv::new();
    let chart =
        TestChart::new(&env, "web").template("cm.yaml", &configmap("v", &[("x", "Values.x")]));
    let output = env
        .charts()
        .args(["template", &chart.arg(), "-f", "-"])
        .write_stdin("x: piped\n")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(configmap_data(&stdout(&output), "v")["x"], json!("piped"));
}

#[test]
fn missing_values_file_is_named() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web");
    let err = fails(&env, &[&chart.arg(), "-f", "prod.yaml"]);
    assert!(
        err.starts_with("error: cannot read values file `prod.yaml`"),
        "{err}"
    );
    assert!(err.contains("Caused by:"), "{err}");
}

#[test]
fn bad_yaml_in_values_file_names_file_and_line() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web");
    env.write("bad.yaml", "a: 1\nb:\n  - x\n  y: [\n");
    let err = fails(&env, &[&chart.arg(), "-f", "bad.yaml"]);
    assert!(
        err.contains("`bad.yaml`") && err.contains("line 4"),
        "{err}"
    );
}

#[test]
fn bad_yaml_in_chart_values_names_the_chart_file() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").values("a: [1,\n");
    let err = fails(&env, &[&chart.arg()]);
    assert!(err.contains("web/values.yaml"), "{err}");
    assert!(err.contains("line"), "{err}");
}

#[test]
fn template_errors_name_chart_file_line_and_column() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Values.missing.deep }}\n",
    );
    let err = fails(&env, &[&chart.arg()]);
    assert!(
        err.contains("template error in `web/templates/cm.yaml` at line 4, column"),
        "{err}"
    );
    assert!(err.contains("missing"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn template_syntax_errors_name_the_position() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template("cm.yaml", "a: b\nc: {{ 1 +\n");
    let err = fails(&env, &[&chart.arg()]);
    assert!(err.contains("`web/templates/cm.yaml` at line 2"), "{err}");
}

#[test]
fn required_fails_with_its_message() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Values.host | required(message=\"set `host` to the public hostname\") }}\n",
    );
    let err = fails(&env, &[&chart.arg()]);
    assert!(err.contains("set `host` to the public hostname"), "{err}");
    assert!(err.contains("web/templates/cm.yaml"), "{err}");
    let out = ok(&env, &[&chart.arg(), "--set", "host=example.com"]);
    assert!(out.contains("name: example.com"));
}

#[test]
fn fail_stops_the_render() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template("x.yaml", "{% if Values.mode == \"bad\" %}{{ fail(message=\"mode `bad` is not supported\") }}{% endif %}");
    assert!(
        fails(&env, &[&chart.arg(), "--set", "mode=bad"]).contains("mode `bad` is not supported")
    );
}

#[test]
fn schema_violations_are_all_listed() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .values("replicas: 1\nimage: {tag: v1}\n")
        .file("values.schema.json", r#"{"type":"object","required":["image"],"properties":{"replicas":{"type":"integer","minimum":1},"image":{"type":"object","properties":{"tag":{"type":"string"}}}}}"#);
    let err = fails(
        &env,
        &[
            &chart.arg(),
            "--set",
            "replicas=0",
            "--set-json",
            "image={\"tag\":5}",
        ],
    );
    assert!(err.contains("schema of chart `web`"), "{err}");
    assert!(err.contains("/replicas"), "{err}");
    assert!(err.contains("/image/tag"), "{err}");
    // The same values pass when the check is skipped.
    ok(
        &env,
        &[
            &chart.arg(),
            "--set",
            "replicas=0",
            "--skip-schema-validation",
        ],
    );
}

#[test]
fn objects_without_kind_or_name_are_refused_naming_the_template() {
    let env = TestEnv::new();
    let chart =
        TestChart::new(&env, "web").template("bad.yaml", "apiVersion: v1\nmetadata:\n  name: x\n");
    let err = fails(&env, &[&chart.arg()]);
    assert!(
        err.contains("web/templates/bad.yaml") && err.contains("`kind`"),
        "{err}"
    );

    let chart = TestChart::new(&env, "api").template(
        "bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
    );
    let err = fails(&env, &[&chart.arg()]);
    assert!(
        err.contains("api/templates/bad.yaml") && err.contains("metadata.name"),
        "{err}"
    );
}

#[test]
fn invalid_rendered_yaml_names_the_template_and_line() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ Values.v }}\n   b: 2\n");
    let err = fails(&env, &[&chart.arg(), "--set", "v=1"]);
    assert!(
        err.contains("web/templates/bad.yaml") && err.contains("rendered line"),
        "{err}"
    );
}

#[test]
fn context_objects_and_filters() {
    let env = TestEnv::new();
    let chart = testdata_chart("context").display().to_string();
    let out = ok(
        &env,
        &["rel", &chart, "--kube-version", "1.31.2", "-n", "ns1"],
    );
    let cm = objects(&out)
        .into_iter()
        .find(|o| o["kind"] == "ConfigMap")
        .unwrap();
    let data = &cm["data"];
    let release: serde_json::Value =
        serde_json::from_str(data["release"].as_str().unwrap()).unwrap();
    assert_eq!(
        release,
        json!({"Name": "rel", "Namespace": "ns1", "Revision": 1, "IsInstall": true, "IsUpgrade": false, "Service": "charts"})
    );
    assert_eq!(cm["metadata"]["labels"], json!({"a": "b"}));
    assert_eq!(data["chart"], "web-0.1.0-1.0");
    assert_eq!(data["kube"], "v1.31.2");
    assert_eq!(data["policy"], "true");
    assert_eq!(data["template"], "web/templates/cm.yaml web/templates");
    assert_eq!(data["dns"], "my-service-name");
    assert_eq!(data["b64"], "aHVudGVyMg==");
    assert_eq!(data["back"], "hunter2");
    assert_eq!(
        data["sum"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(data["tpl"], "rel-x");
    assert_eq!(data["file"], "hello");
    assert_eq!(data["trunc"], "abc-ef");
    assert_eq!(data["squote"], "it's");
    assert_eq!(data["semver"], "true");
    assert_eq!(data["fallback"], "dflt");
    assert_eq!(data["keepfalse"], "false");
}

#[test]
fn helper_components_pipe_into_filters_and_include_renders_other_templates() {
    let env = TestEnv::new();
    let chart = testdata_chart("checksum").display().to_string();
    let out1 = ok(&env, &["r", &chart]);
    let out2 = ok(&env, &["r", &chart, "--set", "port=9090"]);
    let checksum = |out: &str| {
        objects(out)
            .into_iter()
            .find(|o| o["kind"] == "Deployment")
            .unwrap()["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
            .clone()
    };
    let deployment = objects(&out1)
        .into_iter()
        .find(|o| o["kind"] == "Deployment")
        .unwrap();
    assert_eq!(
        deployment["metadata"]["labels"],
        json!({"app": "web", "instance": "r"})
    );
    assert_eq!(checksum(&out1).as_str().unwrap().len(), 64);
    assert_ne!(
        checksum(&out1),
        checksum(&out2),
        "the checksum follows the ConfigMap"
    );
    assert!(
        !out1.contains("_helpers"),
        "helpers are never rendered as manifests"
    );
}

#[test]
fn show_only_output_dir_and_crds() {
    let env = TestEnv::new();
    let chart = testdata_chart("widgets").display().to_string();
    let out = ok(&env, &[&chart, "--show-only", "templates/a.yaml"]);
    assert_eq!(objects(&out).len(), 1);
    assert!(out.contains("name: a"));
    let err = fails(&env, &[&chart, "--show-only", "templates/nope.yaml"]);
    assert!(
        err.contains("could not find template `templates/nope.yaml`"),
        "{err}"
    );

    let plain = ok(&env, &[&chart]);
    assert!(!plain.contains("CustomResourceDefinition"));
    let widget = objects(&plain)
        .into_iter()
        .find(|o| o["kind"] == "Widget")
        .unwrap();
    assert!(
        widget["metadata"].get("namespace").is_none(),
        "the chart's CRD says Widget is cluster-scoped"
    );
    let with_crds = ok(&env, &[&chart, "--include-crds"]);
    assert!(
        with_crds.starts_with("---\n# Source: web/crds/widget.yaml\n"),
        "{with_crds}"
    );

    let dir = env.path().join("out");
    let listing = ok(&env, &[&chart, "--output-dir", dir.to_str().unwrap()]);
    assert!(listing.contains("wrote "));
    let written = std::fs::read_to_string(dir.join("web/templates/b.yaml")).unwrap();
    assert!(written.contains("kind: Secret"));
}

#[test]
fn kube_version_constraint_and_api_versions() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .file("Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \">=1.30.0-0\"\n")
        .template("x.yaml", "{% if \"monitoring.coreos.com/v1\" in Capabilities.APIVersions %}apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\n{% endif %}");
    let err = fails(&env, &[&chart.arg(), "--kube-version", "v1.28.3"]);
    assert!(
        err.contains("requires kubeVersion `>=1.30.0-0`") && err.contains("v1.28.3"),
        "{err}"
    );
    assert!(objects(&ok(&env, &[&chart.arg()])).is_empty());
    let out = ok(
        &env,
        &[&chart.arg(), "--api-versions", "monitoring.coreos.com/v1"],
    );
    assert!(out.contains("kind: ServiceMonitor"));
}

#[test]
fn is_upgrade_flag_reaches_templates() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template(
        "cm.yaml",
        &configmap(
            "v",
            &[
                ("up", "Release.IsUpgrade"),
                ("install", "Release.IsInstall"),
            ],
        ),
    );
    let data = configmap_data(&ok(&env, &[&chart.arg(), "--is-upgrade"]), "v");
    assert_eq!(
        (data["up"].clone(), data["install"].clone()),
        (json!(true), json!(false))
    );
}

#[test]
fn hooks_and_tests_come_last_and_can_be_skipped() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .template("tests/t.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    charts.dev/hook: test\n")
        .template("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n");
    let out = ok(&env, &[&chart.arg()]);
    let kinds: Vec<_> = objects(&out)
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["s", "t"]);
    assert_eq!(objects(&ok(&env, &[&chart.arg(), "--skip-tests"])).len(), 1);
}

#[test]
fn umbrella_scopes_values_globals_aliases_conditions_tags_imports_and_libraries() {
    let env = TestEnv::new();
    // An umbrella with a library, an aliased subchart used twice, conditions, tags, globals
    // and both forms of import-values.
    let chart = testdata_chart("umbrella").display().to_string();
    let out = ok(
        &env,
        &["r", &chart, "--set", "api.replicas=3,global.env=prod"],
    );
    let api = configmap_data(&out, "api");
    assert_eq!(
        api["replicas"],
        json!(3),
        "parent values under the subchart's name override its defaults"
    );
    assert_eq!(
        api["global"],
        json!({"env": "prod", "registry": "r.example.com"})
    );
    assert_eq!(api["chart"], json!("api"));
    assert_eq!(api["root"], json!(false));
    let top = configmap_data(&out, "top");
    assert_eq!(
        top["port"],
        json!(1),
        "imported values sit below the parent's own"
    );
    assert_eq!(
        top["exported"],
        json!("hello"),
        "`exports.data` is imported at the parent's top level"
    );
    assert_eq!(
        top["apiReplicas"],
        json!(3),
        "the parent sees the subchart's computed values"
    );

    let all = objects(&out);
    let names: Vec<&str> = all
        .iter()
        .filter(|o| o["kind"] == "ConfigMap")
        .map(|o| o["metadata"]["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"worker-a"),
        "an alias renames the chart: {names:?}"
    );
    assert!(
        !names.contains(&"worker-b"),
        "condition false disables: {names:?}"
    );
    assert!(names.contains(&"ui"), "tag true enables");
    let worker = configmap_data_raw(&out, "worker-a");
    assert_eq!(worker["queue"], "a");
    assert_eq!(worker["env"], "prod");
    assert!(
        out.contains("# Source: shop/charts/worker-a/templates/cm.yaml"),
        "{out}"
    );
    let lib_user = all
        .iter()
        .find(|o| o["metadata"]["name"] == "lib-user")
        .unwrap();
    assert_eq!(
        lib_user["metadata"]["labels"],
        json!({"lib": "common", "chart": "shop"})
    );

    // Conditions override tags; tags off disables.
    let out = ok(
        &env,
        &[
            "r",
            &chart,
            "--set",
            "worker-b.enabled=true,tags.frontend=false",
        ],
    );
    let names: Vec<String> = objects(&out)
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.contains(&"worker-b".to_string()) && !names.contains(&"ui".to_string()),
        "{names:?}"
    );
}

fn configmap_data_raw(out: &str, name: &str) -> serde_json::Value {
    objects(out)
        .into_iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == name)
        .unwrap()["data"]
        .clone()
}

#[test]
fn nested_umbrellas_and_missing_dependencies() {
    let env = TestEnv::new();
    let top = TestChart::new(&env, "platform").values("global:\n  team: core\n");
    let mid = top.subchart("mid").values("leaf:\n  color: blue\n");
    mid.subchart("leaf").values("color: red\n").template(
        "cm.yaml",
        &configmap(
            "leaf",
            &[("color", "Values.color"), ("team", "Values.global.team")],
        ),
    );
    let out = ok(&env, &[&top.arg(), "--set", "mid.leaf.color=green"]);
    let leaf = configmap_data(&out, "leaf");
    assert_eq!(leaf["color"], json!("green"));
    assert_eq!(leaf["team"], json!("core"));
    assert!(out.contains("# Source: platform/charts/mid/charts/leaf/templates/cm.yaml"));

    let broken = TestChart::new(&env, "broken").file("Chart.yaml", "apiVersion: v2\nname: broken\nversion: 1.0.0\ndependencies:\n  - name: gone\n    version: 1.0.0\n");
    let err = fails(&env, &[&broken.arg()]);
    assert!(
        err.contains("depends on `gone`") && err.contains("charts dependency build"),
        "{err}"
    );
}

#[test]
fn subchart_schema_is_checked_against_its_scoped_values() {
    let env = TestEnv::new();
    let top = TestChart::new(&env, "top");
    top.subchart("api").values("port: 80\n").file(
        "values.schema.json",
        r#"{"type":"object","properties":{"port":{"type":"integer"}}}"#,
    );
    let err = fails(&env, &[&top.arg(), "--set-string", "api.port=eighty"]);
    assert!(
        err.contains("schema of chart `api`") && err.contains("/port"),
        "{err}"
    );
}

/// Each subchart renders with its own values even where the parent cannot hold them: two
/// subcharts known by one name (the parent sees the later one's), and subcharts of a chart
/// whose values are not a map.
#[test]
fn subcharts_sharing_a_name_or_under_scalar_values_keep_their_own_values() {
    let env = TestEnv::new();
    let top = TestChart::new(&env, "top")
        .file(
            "Chart.yaml",
            "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n  - name: a\n    version: 1.0.0\n    alias: b\n",
        )
        .values("mid: 5\n")
        .template("cm.yaml", &configmap("top", &[("seen", "Values.b.who")]));
    for name in ["a", "b"] {
        top.subchart(name)
            .values(&format!("who: {name}\n"))
            .template(
                "cm.yaml",
                &configmap(&format!("from-{name}"), &[("who", "Values.who")]),
            );
    }
    let mid = top.subchart("mid").values("color: red\n");
    mid.subchart("leaf")
        .values("color: blue\n")
        .template("cm.yaml", &configmap("leaf", &[("color", "Values.color")]));
    let out = ok(&env, &[&top.arg()]);
    assert_eq!(configmap_data(&out, "from-a")["who"], json!("a"));
    assert_eq!(configmap_data(&out, "from-b")["who"], json!("b"));
    assert_eq!(configmap_data(&out, "top")["seen"], json!("b"));
    assert_eq!(configmap_data(&out, "leaf")["color"], json!("blue"));
}

/// Regression: an import into `global` only reached subcharts listed after the exporting one,
/// so the dependency order in Chart.yaml changed what got rendered.
#[test]
fn imports_into_global_reach_every_subchart_whatever_the_order() {
    let env = TestEnv::new();
    let top = TestChart::new(&env, "top").file(
        "Chart.yaml",
        "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n  - name: ui\n    version: 1.0.0\n  - name: api\n    version: 1.0.0\n    import-values:\n      - child: service\n        parent: global.api\n",
    );
    top.subchart("api").values("service:\n  port: 8080\n");
    top.subchart("ui").template(
        "cm.yaml",
        &configmap("ui", &[("port", "Values.global.api.port")]),
    );
    let out = ok(&env, &[&top.arg(), "--set", "api.service.port=9090"]);
    assert_eq!(configmap_data(&out, "ui")["port"], json!(9090));
}

/// Charts of a tree render on several threads; the output must still come in tree order
/// (each chart, then its subcharts, in directory order) and the first failing chart in that
/// order must be the one reported.
#[test]
fn parallel_render_keeps_tree_order_and_reports_the_first_error() {
    let env = TestEnv::new();
    let top = TestChart::new(&env, "top").template("cm.yaml", &configmap("top", &[]));
    for name in ["a", "b", "c", "d", "e", "f"] {
        let sub = top
            .subchart(name)
            .template("cm.yaml", &configmap(name, &[]));
        sub.subchart(&format!("{name}-leaf"))
            .template("cm.yaml", &configmap(&format!("{name}-leaf"), &[]));
    }
    let out = ok(&env, &[&top.arg()]);
    let names: Vec<String> = objects(&out)
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    let mut expected = vec!["top".to_string()];
    for name in ["a", "b", "c", "d", "e", "f"] {
        expected.push(name.to_string());
        expected.push(format!("{name}-leaf"));
    }
    assert_eq!(names, expected);

    top.subchart("c").template("bad.yaml", "kind: [\n");
    top.subchart("e")
        .template("bad.yaml", "{{ fail(message=\"e fails\") }}");
    let err = fails(&env, &[&top.arg()]);
    assert!(err.contains("top/charts/c/templates/bad.yaml"), "{err}");
}

/// Subcharts with byte-identical templates (one chart under two aliases, or two charts made
/// from one starter) share one compiled engine; each must still render with its own values,
/// names and files, and an error must name the chart it happened in.
#[test]
fn subcharts_with_identical_templates_render_their_own_values_and_errors() {
    let env = TestEnv::new();
    let top = testdata_chart("twin-workers").display().to_string();
    let out = ok(&env, &["r", &top, "--set", "worker-b.queue=b"]);
    for (name, queue, file) in [
        ("worker-a", "default", "worker"),
        ("worker-b", "b", "worker"),
        ("twin", "twin", "twin"),
    ] {
        let data = configmap_data_raw(&out, name);
        assert_eq!(data["queue"], queue, "{name}");
        assert_eq!(data["file"], file, "{name}");
        assert_eq!(
            data["template"],
            format!("shop/charts/{name}/templates/cm.yaml"),
            "{name}"
        );
        assert_eq!(
            data["included"],
            format!("shop/charts/{name}/templates/_part.tera"),
            "{name}"
        );
    }

    let error = fails(&env, &["r", &top, "--set", "worker-b.queue="]);
    assert!(
        error.contains("template error in `shop/charts/worker-b/templates/_helpers.tera`")
            && error.contains("--> shop/charts/worker-b/templates/_helpers.tera:")
            && error.contains("called from shop/charts/worker-b/templates/cm.yaml:"),
        "{error}"
    );
    assert!(
        !error.contains("worker-a") && !error.contains('\u{F8FF}'),
        "{error}"
    );
}

/// Subcharts made from one starter share one compiled engine, compiled while the rest of the
/// tree loads: each still renders as itself, and a template error names the first one's file.
#[test]
fn subcharts_from_one_starter_render_as_themselves_and_errors_name_their_own_files() {
    let env = TestEnv::new();
    // Subcharts `a` and `b` with the same helpers and template, and a color each.
    let top = TestChart::fixture_at(env.path().join("twins"), "starter-twins");
    let out = ok(&env, &["rel", &top.arg()]);
    assert_eq!(configmap_data_raw(&out, "rel-a")["color"], "red", "{out}");
    assert_eq!(configmap_data_raw(&out, "rel-b")["color"], "blue", "{out}");

    let broken = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ <fullname /> }\n";
    for name in ["a", "b"] {
        top.subchart(name).template("cm.yaml", broken);
    }
    let err = fails(&env, &["rel", &top.arg()]);
    assert!(
        err.contains("twins/charts/a/templates/cm.yaml") && !err.contains("charts/b/"),
        "{err}"
    );
}
