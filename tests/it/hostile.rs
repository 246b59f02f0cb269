//! Hostile input through the CLI: values and templates that recurse or nest without end, and
//! inputs too long to quote back whole. Each must end in a clear error and exit code 1, never a
//! crash. A stack overflow aborts the process and cannot be caught in-process, so these run the
//! binary (the in-process fuzz test over the readers is `src/fuzz.rs`).

use crate::common::{TestChart, TestEnv, stderr, stdout};

/// Runs `charts template` and expects a clean failure: exit code 1 (an abort is 134, a crash
/// has no code) and a message on stderr, which is returned.
fn fails(env: &TestEnv, args: &[&str]) -> String {
    let output = env.charts().arg("template").args(args).output().unwrap();
    let stderr = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected exit 1, got {:?}\nstdout: {}\nstderr: {}",
        output.status,
        stdout(&output),
        stderr
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

const TPL_ITSELF: &str = "x: \"{{ tpl(template=Values.x) }}\"\n";

fn tpl_template() -> &'static str {
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: {{ tpl(template=Values.x) }}\n"
}

/// Bug: a value that rendered itself through `tpl` overflowed the stack and aborted.
#[test]
fn a_value_rendering_itself_through_tpl_is_an_error() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web")
        .values(TPL_ITSELF)
        .template("cm.yaml", tpl_template());
    let stderr = fails(&env, &["r", &chart.arg()]);
    assert!(
        stderr.starts_with(
            "error: template error in `web/templates/cm.yaml` at line 6, column 9: tpl: more than \
             64 nested `include` and `tpl` calls (does the value `Values.x` render itself?)\n"
        ),
        "{stderr}"
    );
    // Reported once, at the call the chart's author wrote, not once per nested call.
    assert_eq!(stderr.matches("-->").count(), 1, "{stderr}");
}

/// Bug: the same, in subcharts, which render on threads with smaller stacks than the main one.
#[test]
fn tpl_recursion_in_subcharts_rendered_on_worker_threads_is_an_error() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "top")
        .values(TPL_ITSELF)
        .template("cm.yaml", tpl_template());
    for name in ["one", "two", "three"] {
        chart
            .subchart(name)
            .values(TPL_ITSELF)
            .template("cm.yaml", tpl_template());
    }
    let stderr = fails(&env, &["r", &chart.arg()]);
    assert!(
        stderr.contains("(does the value `Values.x` render itself?)"),
        "{stderr}"
    );
}

#[test]
fn a_template_including_itself_is_reported_once() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template(
        "cm.yaml",
        "a: {{ include(template=\"templates/cm.yaml\") }}\n",
    );
    let stderr = fails(&env, &["r", &chart.arg()]);
    assert!(
        stderr.contains(
            "include: more than 64 nested `include` and `tpl` calls (does \
             `web/templates/cm.yaml` include itself?)"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("-->").count(), 1, "{stderr}");
}

/// Bug: values files nested 100,000 levels deep overflowed the stack of the YAML reader.
#[test]
fn values_files_nested_without_end_are_an_error_naming_file_and_line() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web");
    let depth = 100_000;
    let cases = [
        (
            "flow.yaml",
            format!("{}{}\n", "[".repeat(depth), "]".repeat(depth)),
            1,
        ),
        (
            "flow-value.yaml",
            format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
            1,
        ),
        (
            "flow-map.yaml",
            format!("b: 1\na: {}1{}\n", "{a: ".repeat(depth), "}".repeat(depth)),
            2,
        ),
        ("compact.yaml", format!("a:\n{}x\n", "- ".repeat(depth)), 2),
        (
            "block.yaml",
            (0..3_000)
                .map(|level| format!("{}a:\n", " ".repeat(level)))
                .collect(),
            129,
        ),
    ];
    for (name, text, line) in cases {
        env.write(name, text);
        let stderr = fails(&env, &["r", &chart.arg(), "-f", name]);
        let expected = format!("error: cannot parse `{name}` at line {line}, column ");
        assert!(stderr.starts_with(&expected), "{name}: {stderr}");
        assert!(
            stderr.contains(": collections nest more than 128 levels deep"),
            "{name}: {stderr}"
        );
    }
}

/// Bug: a template writing YAML nested without end overflowed the stack of the object reader.
#[test]
fn a_template_writing_yaml_nested_without_end_is_an_error() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web").template(
        "cm.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nx: {}{}\n",
            "[".repeat(5_000),
            "]".repeat(5_000)
        ),
    );
    let stderr = fails(&env, &["r", &chart.arg()]);
    assert!(
        stderr.starts_with(
            "error: `web/templates/cm.yaml` rendered invalid YAML at rendered line 5: \
             collections nest more than 128 levels deep"
        ),
        "{stderr}"
    );
}

#[test]
fn set_json_nested_without_end_is_an_error() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web");
    let deep = format!("a={}", "[".repeat(100_000));
    let stderr = fails(&env, &["r", &chart.arg(), "--set-json", &deep]);
    assert!(
        stderr.contains("invalid JSON value: recursion limit exceeded"),
        "{stderr}"
    );
    assert!(stderr.len() < 400, "{} characters", stderr.len());
}

/// Bug: `--set a[0].a[0]…` nested one level per dot after an index without limit and
/// overflowed the stack (found by the fuzz test).
#[test]
fn set_paths_through_list_items_nest_at_most_30_levels() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web");
    let deep = format!("{}b=1", "a[0].".repeat(20_000));
    let stderr = fails(&env, &["r", &chart.arg(), "--set", &deep]);
    assert!(
        stderr.contains(": names nest deeper than the maximum of 30 levels"),
        "{stderr}"
    );
}

/// Bug: an error about a 6,000-character `--set-json` quoted all of it back.
#[test]
fn long_flag_values_are_cut_in_errors() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "web");
    let list = vec!["1"; 2_999].join(",");
    let long = format!("a=[{list}]]");
    assert!(long.len() > 6_000);
    let stderr = fails(&env, &["r", &chart.arg(), "--set-json", &long]);
    let shown = format!("a=[{}", &list[..77]);
    assert_eq!(
        stderr.lines().next().unwrap(),
        format!(
            "error: invalid --set-json expression `{shown}…({} more characters)`: key `]` has \
             no value",
            long.len() - 80
        )
    );
    let key = "k".repeat(6_000);
    let stderr = fails(&env, &["r", &chart.arg(), "--set", &key]);
    assert!(stderr.len() < 400, "{stderr}");
    assert!(
        stderr.contains("…(5920 more characters)` has no value"),
        "{stderr}"
    );
}

#[test]
fn long_chart_yaml_fields_are_cut_in_errors() {
    let env = TestEnv::new();
    let version = "9".repeat(6_000);
    let chart = TestChart::new(&env, "web").file(
        "Chart.yaml",
        &format!("apiVersion: v2\nname: web\nversion: x{version}\n"),
    );
    let stderr = fails(&env, &["r", &chart.arg()]);
    assert!(stderr.len() < 400, "{stderr}");
    assert!(stderr.contains("…(5921 more characters)"), "{stderr}");
}

/// A packaged chart `name` holding `files` (under `name/`), gzip'd quickly.
fn package(name: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut archive = tar::Builder::new(Vec::new());
    let chart_yaml = format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n");
    let all = std::iter::once(("Chart.yaml", chart_yaml.as_bytes())).chain(files.iter().copied());
    for (path, data) in all {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        archive
            .append_data(&mut header, format!("{name}/{path}"), data)
            .unwrap();
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gzip.write_all(&archive.into_inner().unwrap()).unwrap();
    gzip.finish().unwrap()
}

/// Bug: a chart archive holding itself as a subchart 3,000 times over overflowed the stack
/// (loading and rendering recurse once per level). 100 levels are past the limit and quick to
/// build: each level packs the one inside it again.
#[test]
fn subchart_archives_nested_without_end_are_an_error() {
    let env = TestEnv::new();
    let mut archive = package("c", &[]);
    for _ in 0..100 {
        archive = package("c", &[("charts/c-0.1.0.tgz", &archive)]);
    }
    env.write("c-0.1.0.tgz", &archive);
    let stderr = fails(&env, &["r", "c-0.1.0.tgz"]);
    assert!(
        stderr.starts_with("error: invalid `c-0.1.0.tgz/charts/c-0.1.0.tgz/charts/"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`: subcharts nest more than 64 levels deep"),
        "{stderr}"
    );
}

/// Bug: each subchart archive had its own 100 MiB cap, so a chart of many subchart archives
/// that each unpack to just under it could take all memory.
#[test]
fn subchart_archives_share_the_unpacked_size_cap() {
    let env = TestEnv::new();
    let zeros = vec![0u8; 40 * 1024 * 1024];
    let bomb = package("bomb", &[("zeros", &zeros)]);
    let subcharts: Vec<(String, Vec<u8>)> = (0..3)
        .map(|index| (format!("charts/bomb{index}-0.1.0.tgz"), bomb.clone()))
        .collect();
    let files: Vec<(&str, &[u8])> = subcharts
        .iter()
        .map(|(path, data)| (path.as_str(), data.as_slice()))
        .collect();
    env.write("top-0.1.0.tgz", package("top", &files));
    let stderr = fails(&env, &["r", "top-0.1.0.tgz"]);
    assert!(
        stderr
            .contains("`: the chart and its subchart archives unpack to more than 100 MiB in all"),
        "{stderr}"
    );
}
