//! Translations of small templates, and what they render against a Tera engine with the
//! chart filters, compared with what Helm prints for the same template.

use super::*;
use crate::convert::gotmpl::parse;

fn defines(names: &[&str]) -> Defines {
    names
        .iter()
        .map(|n| (n.to_string(), component_name(n)))
        .collect()
}

fn tr(src: &str) -> String {
    tr_with(src, &[])
}

fn tr_with(src: &str, names: &[&str]) -> String {
    let d = defines(names);
    let (out, issues) = Translator::new(&d, "t.yaml", None).translate(&parse(src).unwrap());
    assert!(issues.is_empty(), "{issues:?}");
    out
}

/// Renders Go template `src` after translation, with `values` as `.Values`.
fn render(src: &str, values: serde_json::Value) -> String {
    let nodes = parse(src).unwrap();
    let mut names = Defines::new();
    for n in &nodes {
        if let Node::Define { name, .. } = n {
            names.insert(name.clone(), component_name(name));
        }
    }
    let (text, issues) = Translator::new(&names, "t.yaml", None).translate(&nodes);
    assert!(issues.is_empty(), "{issues:?}");
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    crate::render::engine::register_for_tests(&mut tera);
    tera.add_raw_template("t", &text)
        .unwrap_or_else(|e| panic!("{text}\n{e:?}"));
    let mut context = tera::Context::new();
    context.insert("Values", &values);
    context.insert(
        "Release",
        &serde_json::json!({"Name": "rel", "Namespace": "ns", "Service": "charts"}),
    );
    context.insert(
        "Chart",
        &serde_json::json!({"Name": "web", "Version": "1.0.0"}),
    );
    tera.render("t", &context)
        .unwrap_or_else(|e| panic!("{text}\n{e:?}"))
}

#[test]
fn fields_and_missing_values() {
    assert_eq!(tr("a: {{ .Values.a.b }}"), "a: {{ Values.a.b | show }}");
    assert_eq!(
        render("[{{ .Values.missing }}]", serde_json::json!({})),
        "[]"
    );
    assert_eq!(
        render("[{{ .Values.n }}]", serde_json::json!({"n": null})),
        "[]"
    );
    assert_eq!(
        render("{{ .Values.f }}", serde_json::json!({"f": 1.5})),
        "1.5"
    );
}

#[test]
fn pipelines_pass_the_value_last() {
    assert_eq!(
        tr("{{ .Values.name | trunc 63 | trimSuffix \"-\" }}"),
        "{{ Values.name | trunc(length=63) | trimSuffix(suffix=\"-\") }}"
    );
    assert_eq!(
        render(
            "{{ \"b\" | printf \"%s-%s\" \"a\" }}",
            serde_json::json!({})
        ),
        "a-b"
    );
}

#[test]
fn with_rebinds_the_dot_and_else_keeps_it() {
    let src = "{{- with .Values.a }}x={{ .x }}{{ else }}none{{ end }}";
    assert_eq!(render(src, serde_json::json!({"a": {"x": 1}})), "x=1");
    assert_eq!(render(src, serde_json::json!({"a": {}})), "none");
}

#[test]
fn range_sorts_map_keys_and_binds_variables() {
    let src = "{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}";
    assert_eq!(
        render(src, serde_json::json!({"m": {"b": 2, "a": 1, "B": 3}})),
        "B=3;a=1;b=2;"
    );
    let src = "{{ range $i, $v := .Values.l }}{{ $i }}:{{ . }}-{{ $.Release.Name }};{{ end }}";
    assert_eq!(
        render(src, serde_json::json!({"l": ["x", "y"]})),
        "0:x-rel;1:y-rel;"
    );
    let src = "{{ range .Values.none }}x{{ else }}empty{{ end }}";
    assert_eq!(render(src, serde_json::json!({})), "empty");
}

#[test]
fn if_else_if_chains_and_truthiness() {
    let src = "{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}";
    assert_eq!(render(src, serde_json::json!({"a": 0, "b": "0"})), "B");
    assert_eq!(render(src, serde_json::json!({"a": [], "b": ""})), "C");
}

#[test]
fn variables_assigned_in_blocks_change_the_outer_one() {
    let src = "{{ $found := false }}{{ range .Values.l }}{{ if eq . \"b\" }}{{ $found = true }}{{ end }}{{ end }}{{ $found }}";
    assert_eq!(render(src, serde_json::json!({"l": ["a", "b"]})), "true");
}

#[test]
fn defines_become_components_with_the_dot_as_argument() {
    let src = "{{- define \"web.name\" -}}{{ .Chart.Name }}-{{ .Values.x }}{{- end -}}\
               {{- define \"web.part\" -}}{{ .part }}/{{ include \"web.name\" .ctx }}{{- end -}}\
               {{ include \"web.name\" . }} {{ include \"web.part\" (dict \"part\" \"api\" \"ctx\" $) | upper }}";
    assert_eq!(render(src, serde_json::json!({"x": 1})), "web-1 API/WEB-1");
    assert!(
        tr_with("{{ include \"my-chart.name\" . }}", &["my-chart.name"])
            .contains("<my_chart.name dot={__tera_context} />")
    );
}

#[test]
fn sprig_default_uses_emptiness() {
    let src = "{{ .Values.on | default true }} {{ .Values.port | default 80 }} {{ .Values.missing | default \"x\" }}";
    assert_eq!(
        render(src, serde_json::json!({"on": false, "port": 0})),
        "true 80 x"
    );
}

#[test]
fn whitespace_trimming_is_kept() {
    let src = "a:\n  {{- if true }}\n  b: 1\n  {{- end }}\nc: 2";
    assert_eq!(render(src, serde_json::json!({})), "a:\n  b: 1\nc: 2");
    assert_eq!(render("x {{- /* c */ -}} y", serde_json::json!({})), "xy");
}

#[test]
fn text_that_looks_like_tera_is_kept_literally() {
    assert_eq!(
        render("{% raw %} {# x #}", serde_json::json!({})),
        "{% raw %} {# x #}"
    );
    assert_eq!(
        render("{{ \"{{\" }} x }}", serde_json::json!({})),
        "{{ x }}"
    );
}

#[test]
fn functions_and_operators() {
    let v = serde_json::json!({"a": 3, "s": "Hello", "l": ["b", "a", "b"], "m": {"k": "v"}});
    assert_eq!(render("{{ and .Values.a .Values.s }}", v.clone()), "Hello");
    assert_eq!(render("{{ or .Values.missing \"z\" }}", v.clone()), "z");
    assert_eq!(
        render(
            "{{ ternary \"y\" \"n\" (gt (int .Values.a) 2) }}",
            v.clone()
        ),
        "y"
    );
    assert_eq!(
        render("{{ .Values.l | uniq | sortAlpha | join \",\" }}", v.clone()),
        "a,b"
    );
    assert_eq!(
        render(
            "{{ hasKey .Values.m \"k\" }} {{ get .Values.m \"x\" | quote }}",
            v.clone()
        ),
        "true \"\""
    );
    assert_eq!(
        render(
            "{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ toJson $d }}",
            v.clone()
        ),
        "{\"a\":1,\"b\":2}"
    );
    assert_eq!(
        render("{{ printf \"%s:%d\" .Values.s (add 1 2) }}", v.clone()),
        "Hello:3"
    );
    assert_eq!(
        render(
            "{{ index .Values.l 1 }} {{ (index .Values.m \"k\") }}",
            v.clone()
        ),
        "a v"
    );
    assert_eq!(
        render("{{ regexReplaceAll \"l+\" .Values.s \"L\" }}", v.clone()),
        "HeLo"
    );
    assert_eq!(
        render("{{ semverCompare \">=1.19-0\" \"v1.28.3-gke.1\" }}", v),
        "true"
    );
}

#[test]
fn refused_functions_are_located_issues_and_fail_at_their_place() {
    let d = Defines::new();
    let src = "a: 1\nb: {{ lookup \"v1\" \"Secret\" \"ns\" \"x\" }}\nc: {{ randAlphaNum 8 }}";
    let (out, issues) =
        Translator::new(&d, "templates/s.yaml", None).translate(&parse(src).unwrap());
    assert_eq!(issues.len(), 2);
    assert_eq!((issues[0].line, issues[0].col), (2, 7));
    assert!(issues[0].message.contains("lookup"));
    assert!(
        out.contains("fail(message=\"cannot convert: `lookup`"),
        "{out}"
    );
    assert!(out.contains("templates/s.yaml:2:7"), "{out}");
}

#[test]
fn capabilities_and_files() {
    assert_eq!(
        tr("{{ if .Capabilities.APIVersions.Has \"policy/v1\" }}x{{ end }}"),
        "{% if \"policy/v1\" in Capabilities.APIVersions %}x{% endif %}"
    );
    assert_eq!(
        tr("{{ .Files.Get \"a.txt\" }}"),
        "{{ filesGet(path=\"a.txt\") }}"
    );
    assert_eq!(
        tr("{{ include (print $.Template.BasePath \"/cm.yaml\") . | sha256sum }}"),
        "{{ include(template=\"templates/cm.yaml\") | sha256sum }}"
    );
    assert_eq!(
        tr("{{ tpl .Values.x . }}"),
        "{{ helmTpl(template=Values.x) }}"
    );
}

#[test]
fn mutations_inside_loops_reach_the_outer_map() {
    let src = "{{- $l := dict \"first\" true -}}{{- range .Values.l -}}{{- if not $l.first -}},{{- end -}}{{- . -}}{{- $_ := set $l \"first\" false -}}{{- end -}}";
    assert_eq!(
        render(src, serde_json::json!({"l": ["a", "b", "c"]})),
        "a,b,c"
    );
}
