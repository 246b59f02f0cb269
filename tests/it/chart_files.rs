//! Charts as files: loading packages, refusing unsafe archives, reproducible packaging,
//! `.chartsignore`, and `show`.

use std::io::Write;

use crate::common::{TestChart, TestEnv, stderr, stdout};

/// testdata/charts/packaged (a chart `web` with a `.chartsignore`, files it ignores, a README
/// and a CRD), copied to `<env>/web` so tests can change it.
fn web(env: &TestEnv) -> TestChart {
    TestChart::fixture_at(env.path().join("web"), "packaged")
}

fn package(env: &TestEnv, chart: &TestChart, dest: &str, extra: &[&str]) -> std::path::PathBuf {
    let output = env
        .charts()
        .args(["package", &chart.arg(), "-d", dest])
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let line = stdout(&output);
    let path = line.trim().rsplit(": ").next().unwrap().to_string();
    env.path().join(path)
}

fn entries(path: &std::path::Path) -> Vec<(String, u32, u64, u64)> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let h = e.header();
            (
                e.path().unwrap().display().to_string(),
                h.mode().unwrap(),
                h.mtime().unwrap(),
                h.uid().unwrap(),
            )
        })
        .collect()
}

#[test]
fn package_is_reproducible_and_renders_like_the_directory() {
    let env = TestEnv::new();
    let chart = web(&env);
    chart.subchart("db").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n",
    );
    let first = package(&env, &chart, "out1", &[]);
    // Touch every file: times on disk must not leak into the package.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let values = std::fs::read(chart.path().join("values.yaml")).unwrap();
    std::fs::write(chart.path().join("values.yaml"), values).unwrap();
    let second = package(&env, &chart, "out2", &[]);
    assert_eq!(first.file_name().unwrap(), "web-0.1.0.tgz");
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap(),
        "byte-identical packages"
    );

    let listed = entries(&first);
    let names: Vec<&str> = listed.iter().map(|e| e.0.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries are sorted");
    assert!(
        names.contains(&"web/Chart.yaml") && names.contains(&"web/charts/db/templates/cm.yaml"),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".bak") || n.contains("secrets/")),
        ".chartsignore applies: {names:?}"
    );
    assert!(
        listed.iter().all(|e| e.1 == 0o644 && e.2 == 0 && e.3 == 0),
        "{listed:?}"
    );

    let from_dir = env
        .charts()
        .args(["template", "r", &chart.arg()])
        .output()
        .unwrap();
    let from_tgz = env
        .charts()
        .args(["template", "r", first.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(from_tgz.status.success(), "{}", stderr(&from_tgz));
    assert_eq!(stdout(&from_dir), stdout(&from_tgz));
}

#[test]
fn package_version_overrides_and_source_date_epoch() {
    let env = TestEnv::new();
    let chart = web(&env);
    let path = package(
        &env,
        &chart,
        "out",
        &["--version", "2.3.4+build.1", "--app-version", "9.9"],
    );
    assert_eq!(path.file_name().unwrap(), "web-2.3.4+build.1.tgz");
    let shown = env
        .charts()
        .args(["show", "chart", path.to_str().unwrap()])
        .output()
        .unwrap();
    let text = stdout(&shown);
    assert!(
        text.contains("version: 2.3.4+build.1") && text.contains("appVersion: '9.9'")
            || text.contains("appVersion: \"9.9\""),
        "{text}"
    );

    let output = env
        .charts()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["package", &chart.arg(), "-d", "epoch"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        entries(&env.path().join("epoch/web-0.1.0.tgz"))
            .iter()
            .all(|e| e.2 == 1_700_000_000)
    );

    let bad = env
        .charts()
        .args(["package", &chart.arg(), "--version", "one"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("`one` is not SemVer 2"),
        "{}",
        stderr(&bad)
    );
}

/// Writes a gzip'd tar with the given raw entries.
fn raw_archive(
    env: &TestEnv,
    name: &str,
    build: impl FnOnce(&mut tar::Builder<Vec<u8>>),
) -> String {
    let mut builder = tar::Builder::new(Vec::new());
    build(&mut builder);
    let tar_bytes = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar_bytes).unwrap();
    let path = env.write(name, gz.finish().unwrap());
    path.display().to_string()
}

fn file_entry(builder: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]) {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    // Write the raw name so the builder's own path checks don't stop us making bad archives.
    let name = header.as_old_mut().name.as_mut();
    name[..path.len()].copy_from_slice(path.as_bytes());
    header.set_cksum();
    builder.append(&header, data).unwrap();
}

const CHART_YAML: &[u8] = b"apiVersion: v2\nname: evil\nversion: 1.0.0\n";

fn refused(env: &TestEnv, archive: &str) -> String {
    let output = env.charts().args(["template", archive]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "unsafe archive accepted: {}",
        stdout(&output)
    );
    stderr(&output)
}

#[test]
fn unsafe_archives_are_refused() {
    let env = TestEnv::new();
    let dotdot = raw_archive(&env, "dotdot.tgz", |b| {
        file_entry(b, "evil/Chart.yaml", CHART_YAML);
        file_entry(b, "evil/../../escape.txt", b"x");
    });
    let err = refused(&env, &dotdot);
    assert!(
        err.contains("unsafe archive") && err.contains("`..`"),
        "{err}"
    );

    let absolute = raw_archive(&env, "abs.tgz", |b| {
        file_entry(b, "/etc/evil/Chart.yaml", CHART_YAML);
    });
    assert!(refused(&env, &absolute).contains("absolute path"));

    let link = raw_archive(&env, "link.tgz", |b| {
        file_entry(b, "evil/Chart.yaml", CHART_YAML);
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        b.append_link(&mut header, "evil/templates/x.yaml", "/etc/passwd")
            .unwrap();
    });
    assert!(refused(&env, &link).contains("is a link"));

    let device = raw_archive(&env, "dev.tgz", |b| {
        file_entry(b, "evil/Chart.yaml", CHART_YAML);
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Char);
        header.set_size(0);
        header.set_path("evil/null").unwrap();
        header.set_cksum();
        b.append(&header, std::io::empty()).unwrap();
    });
    assert!(refused(&env, &device).contains("device"));
}

#[test]
fn archives_over_100_mib_are_refused() {
    let env = TestEnv::new();
    // 101 MiB of zeros compresses to a small file: a classic bomb.
    let big = raw_archive(&env, "big.tgz", |b| {
        file_entry(b, "evil/Chart.yaml", CHART_YAML);
        let mut header = tar::Header::new_gnu();
        let size = 101 * 1024 * 1024;
        header.set_size(size);
        header.set_mode(0o644);
        header.set_path("evil/templates/big.yaml").unwrap();
        header.set_cksum();
        b.append(&header, std::io::repeat(0).take(size)).unwrap();
    });
    let err = refused(&env, &big);
    assert!(err.contains("more than 100 MiB"), "{err}");
}

use std::io::Read as _;

#[test]
fn not_a_chart_and_bad_chart_yaml() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.path().join("empty")).unwrap();
    let output = env.charts().args(["template", "empty"]).output().unwrap();
    assert!(stderr(&output).contains("no Chart.yaml found") && stderr(&output).contains("hint:"));

    let chart =
        TestChart::new(&env, "web").file("Chart.yaml", "apiVersion: v2\nname: web\nversion: one\n");
    let output = env
        .charts()
        .args(["template", &chart.arg()])
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("`version` `one` is not SemVer 2"),
        "{}",
        stderr(&output)
    );

    let chart =
        TestChart::new(&env, "api").file("Chart.yaml", "apiVersion: v2\nname: api\n  version: 1\n");
    let output = env
        .charts()
        .args(["template", &chart.arg()])
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("api/Chart.yaml") && stderr(&output).contains("line 3"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn show_prints_chart_values_readme_and_crds() {
    let env = TestEnv::new();
    let chart = web(&env).values("# how many\nreplicas: 2\n");
    let show = |what: &str| {
        stdout(
            &env.charts()
                .args(["show", what, &chart.arg()])
                .output()
                .unwrap(),
        )
    };
    assert!(show("chart").contains("name: web"));
    assert_eq!(show("values"), "# how many\nreplicas: 2\n", "comments kept");
    assert!(show("readme").contains("A web chart."));
    assert!(show("crds").contains("things.example.com"));
    let all = show("all");
    assert!(
        all.contains("name: web")
            && all.contains("# how many")
            && all.contains("A web chart.")
            && all.contains("things.example.com")
    );
}

/// Regression: a vendored directory and a packaged copy of the same subchart (left by
/// `dependency update` next to a `file://charts/x` directory) rendered whichever came first.
#[test]
fn two_copies_of_one_subchart_are_refused() {
    let env = TestEnv::new();
    let chart = TestChart::new(&env, "top");
    chart.subchart("api").template(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n",
    );
    let api = TestChart::new(&env, "api");
    let output = env
        .charts()
        .args([
            "package",
            &api.arg(),
            "-d",
            &chart.path().join("charts").display().to_string(),
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let output = env
        .charts()
        .args(["template", &chart.arg()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("subchart `api` is there twice"),
        "{}",
        stderr(&output)
    );
}
