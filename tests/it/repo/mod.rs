//! Chart repositories, OCI registries and dependencies, against real servers on 127.0.0.1.

use std::path::Path;

use crate::common::servers::{Registry, StaticServer, TokenFront, closed_port};
use crate::common::{TestEnv, copy_dir};

/// A hermetic environment whose packages and indexes carry a fixed time
/// (`SOURCE_DATE_EPOCH=1700000000`, 2023-11-14T22:13:20Z).
fn repo_env() -> TestEnv {
    // Index and lock times come from the clock, not `SOURCE_DATE_EPOCH` (as in Helm).
    TestEnv::builder()
        .source_date_epoch("1700000000")
        .now("2023-11-14T22:13:20Z")
        .build()
}

/// Writes a small chart: one ConfigMap naming the chart and its version.
fn write_chart(dir: &Path, name: &str, version: &str, dependencies: &str) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: {version}\ndescription: The {name} chart\nkeywords: [demo]\n{dependencies}"),
    )
    .unwrap();
    std::fs::write(dir.join("values.yaml"), "greeting: hello\n").unwrap();
    std::fs::write(
        dir.join("templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-{{ Chart.Name }}\ndata:\n  version: \"{{ Chart.Version }}\"\n  greeting: {{ Values.greeting }}\n",
    )
    .unwrap();
}

/// Packages `web` 1.0.0 and 1.1.0 into `<env>/served/` and indexes them.
fn served_repository(env: &TestEnv) -> StaticServer {
    for version in ["1.0.0", "1.1.0"] {
        let dir = env.join(&format!("src/web-{version}"));
        write_chart(&dir, "web", version, "");
        env.ok(&["package", dir.to_str().unwrap(), "-d", "served"]);
    }
    let server = StaticServer::start(&env.join("served"), None);
    env.ok(&["repo", "index", "served", "--url", &server.url]);
    server
}

#[test]
fn repo_index_is_helm_shaped() {
    let env = repo_env();
    let server = served_repository(&env);
    let index: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(env.join("served/index.yaml")).unwrap())
            .unwrap();
    assert_eq!(index["apiVersion"], "v1");
    let versions = index["entries"]["web"].as_array().unwrap();
    assert_eq!(versions[0]["version"], "1.1.0", "newest first");
    assert_eq!(versions[1]["version"], "1.0.0");
    let bytes = std::fs::read(env.join("served/web-1.0.0.tgz")).unwrap();
    use sha2::Digest as _;
    assert_eq!(
        versions[1]["digest"],
        hex::encode(sha2::Sha256::digest(&bytes))
    );
    assert_eq!(
        versions[1]["urls"][0],
        format!("{}/web-1.0.0.tgz", server.url)
    );
    assert_eq!(versions[1]["created"], "2023-11-14T22:13:20Z");

    // --merge keeps entries the directory no longer has.
    std::fs::create_dir_all(env.join("other")).unwrap();
    write_chart(&env.join("src/db"), "db", "2.0.0", "");
    env.ok(&["package", "src/db", "-d", "other"]);
    env.ok(&[
        "repo",
        "index",
        "other",
        "--url",
        "http://x",
        "--merge",
        "served/index.yaml",
    ]);
    let merged: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(env.join("other/index.yaml")).unwrap())
            .unwrap();
    assert_eq!(merged["entries"]["db"][0]["version"], "2.0.0");
    assert_eq!(merged["entries"]["web"].as_array().unwrap().len(), 2);
}

#[test]
fn add_search_pull_and_template_from_an_http_repository() {
    let env = repo_env();
    let server = served_repository(&env);
    let out = env.ok(&["repo", "add", "stable", &server.url]);
    assert_eq!(out, "\"stable\" has been added to your repositories\n");
    assert!(env.join("cache/repository/stable-index.yaml").is_file());
    assert_eq!(
        env.ok(&["repo", "list"]),
        format!("NAME  \tURL\nstable\t{}\n", server.url)
    );

    let found = env.ok(&["search", "repo", "web"]);
    assert!(found.contains("stable/web\t1.1.0"), "{found}");
    assert!(!found.contains("1.0.0"), "{found}");
    let all = env.ok(&["search", "repo", "demo", "--versions"]);
    assert!(all.contains("1.1.0") && all.contains("1.0.0"), "{all}");
    let constrained = env.ok(&["search", "repo", "web", "--versions", "--version", "<1.1"]);
    assert!(constrained.contains("1.0.0") && !constrained.contains("1.1.0"));

    env.ok(&["pull", "stable/web", "--version", "1.0.0", "-d", "pulled"]);
    assert_eq!(
        std::fs::read(env.join("pulled/web-1.0.0.tgz")).unwrap(),
        std::fs::read(env.join("served/web-1.0.0.tgz")).unwrap()
    );
    env.ok(&["pull", "stable/web", "--untar", "-d", "pulled"]);
    assert!(
        std::fs::read_to_string(env.join("pulled/web/Chart.yaml"))
            .unwrap()
            .contains("version: 1.1.0")
    );
    // A URL works without `repo add`.
    env.ok(&[
        "pull",
        &format!("{}/web-1.0.0.tgz", server.url),
        "-d",
        "by-url",
    ]);
    assert!(env.join("by-url/web-1.0.0.tgz").is_file());

    let rendered = env.ok(&["template", "demo", "stable/web", "--version", "^1.0"]);
    assert!(rendered.contains("name: demo-web"), "{rendered}");
    assert!(rendered.contains("version: \"1.1.0\""), "{rendered}");

    // Offline: the cached package is enough.
    drop(server);
    let offline = env.ok(&["template", "stable/web", "--version", "1.1.0", "--offline"]);
    assert!(offline.contains("version: \"1.1.0\""));

    env.ok(&["repo", "remove", "stable"]);
    assert!(!env.join("cache/repository/stable-index.yaml").exists());
    let error = env.fails(&["pull", "stable/web"]);
    assert!(
        error.contains("repository `stable` is not known"),
        "{error}"
    );
}

#[test]
fn tampered_package_is_refused_and_nothing_is_written() {
    let env = repo_env();
    let server = served_repository(&env);
    env.ok(&["repo", "add", "stable", &server.url]);
    // Replace the served 1.1.0 package with another chart's bytes after indexing.
    write_chart(
        &env.join("src/evil"),
        "web",
        "1.1.0",
        "home: https://evil.example\n",
    );
    std::fs::write(env.join("src/evil/values.yaml"), "greeting: pwned\n").unwrap();
    env.ok(&["package", "src/evil", "-d", "evil"]);
    std::fs::copy(
        env.join("evil/web-1.1.0.tgz"),
        env.join("served/web-1.1.0.tgz"),
    )
    .unwrap();

    std::fs::create_dir_all(env.join("pulled")).unwrap();
    let error = env.fails(&["pull", "stable/web", "-d", "pulled"]);
    assert!(
        error.contains(
            "error: digest mismatch for chart `web` version `1.1.0` from repository `stable`"
        ),
        "{error}"
    );
    assert!(error.contains("hint:"), "{error}");
    assert_eq!(std::fs::read_dir(env.join("pulled")).unwrap().count(), 0);
    let error = env.fails(&["template", "stable/web"]);
    assert!(error.contains("digest mismatch"), "{error}");
    assert!(
        !env.join("cache/content").exists() || {
            // Only verified packages may be in the cache.
            walk(&env.join("cache/content")).iter().all(|p| {
                let bytes = std::fs::read(p).unwrap();
                use sha2::Digest as _;
                p.file_stem().unwrap().to_string_lossy()
                    == hex::encode(sha2::Sha256::digest(&bytes))
            })
        }
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

#[test]
fn missing_version_and_unreachable_repository_are_clear_errors() {
    let env = repo_env();
    let server = served_repository(&env);
    env.ok(&["repo", "add", "stable", &server.url]);
    let error = env.fails(&["pull", "stable/web", "--version", "9.9.9", "-d", "out"]);
    assert!(
        error.contains("chart `web` has no version matching `9.9.9` in repository `stable` (available: 1.1.0, 1.0.0)"),
        "{error}"
    );
    assert!(error.contains("hint: run `charts repo update`"), "{error}");
    assert!(!env.join("out").exists());
    let error = env.fails(&["pull", "stable/nope"]);
    assert!(
        error.contains("chart `nope` not found in repository `stable`"),
        "{error}"
    );

    let dead = format!("http://127.0.0.1:{}", closed_port());
    let error = env.fails(&["repo", "add", "dead", &dead]);
    assert!(
        error.contains(&format!("cannot reach `{dead}/index.yaml`")),
        "{error}"
    );
    assert!(!env.ok(&["repo", "list"]).contains("dead"));

    // A repository that later goes away: update fails and names it, the old cache stays.
    drop(server);
    let error = env.fails(&["repo", "update"]);
    assert!(error.contains("\"stable\""), "{error}");
    assert!(
        error.contains("failed to update repositories: stable"),
        "{error}"
    );
    assert!(env.join("cache/repository/stable-index.yaml").is_file());
}

#[test]
fn credentials_are_stored_privately_and_never_printed() {
    let env = repo_env();
    write_chart(&env.join("src/web"), "web", "1.0.0", "");
    env.ok(&["package", "src/web", "-d", "served"]);
    let server = StaticServer::start(&env.join("served"), Some(("alice", "s3cret-pw")));
    env.ok(&["repo", "index", "served", "--url", &server.url]);

    let error = env.fails(&["repo", "add", "private", &server.url]);
    assert!(error.contains("401"), "{error}");
    let error = env
        .charts()
        .args([
            "repo",
            "add",
            "private",
            &server.url,
            "--username",
            "alice",
            "--password-stdin",
        ])
        .write_stdin("wrong\n")
        .output()
        .unwrap();
    assert_eq!(error.status.code(), Some(1));
    let output = env
        .charts()
        .args([
            "repo",
            "add",
            "private",
            &server.url,
            "--username",
            "alice",
            "--password-stdin",
        ])
        .write_stdin("s3cret-pw\n")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.join("config/repositories.yaml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    for format in ["table", "json", "yaml"] {
        let listed = env.ok(&["repo", "list", "-o", format]);
        assert!(
            listed.contains("private") && !listed.contains("s3cret"),
            "{listed}"
        );
    }
    env.ok(&["pull", "private/web", "-d", "out"]);
    assert!(env.join("out/web-1.0.0.tgz").is_file());
}

/// An umbrella chart with a `file://` dependency and an HTTP-repository dependency.
fn umbrella(env: &TestEnv, repository_url: &str) -> std::path::PathBuf {
    write_chart(&env.join("src/db"), "db", "3.2.1", "");
    let dir = env.join("umbrella");
    write_chart(
        &dir,
        "umbrella",
        "0.1.0",
        &format!(
            "dependencies:\n  - name: web\n    version: \">=1.0.0 <2.0.0\"\n    repository: {repository_url}\n  - name: db\n    version: ~3.2\n    repository: file://../src/db\n    condition: db.enabled\n"
        ),
    );
    std::fs::write(
        dir.join("values.yaml"),
        "greeting: hi\ndb:\n  enabled: true\n",
    )
    .unwrap();
    dir
}

#[test]
fn dependency_update_build_and_list() {
    let env = repo_env();
    let server = served_repository(&env);
    let dir = umbrella(&env, &server.url);

    let listed = env.ok(&["dependency", "list", "umbrella"]);
    assert!(
        listed.contains("web ") && listed.contains("missing"),
        "{listed}"
    );
    let error = env.fails(&["dependency", "build", "umbrella"]);
    assert!(error.contains("has no Chart.lock"), "{error}");

    env.ok(&["dependency", "update", "umbrella"]);
    let lock: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join("Chart.lock")).unwrap()).unwrap();
    assert_eq!(lock["dependencies"][0]["name"], "web");
    assert_eq!(lock["dependencies"][0]["version"], "1.1.0");
    assert_eq!(lock["dependencies"][0]["repository"], server.url.as_str());
    assert_eq!(lock["dependencies"][1]["version"], "3.2.1");
    assert!(lock["digest"].as_str().unwrap().starts_with("sha256:"));
    assert!(dir.join("charts/web-1.1.0.tgz").is_file());
    assert!(dir.join("charts/db-3.2.1.tgz").is_file());
    let listed = env.ok(&["dependency", "list", "umbrella"]);
    assert_eq!(listed.matches("ok").count(), 2, "{listed}");

    let rendered = env.ok(&["template", "umbrella"]);
    assert!(rendered.contains("name: release-name-web"), "{rendered}");
    assert!(rendered.contains("name: release-name-db"), "{rendered}");

    // build reproduces charts/ from the lock byte for byte.
    let web = std::fs::read(dir.join("charts/web-1.1.0.tgz")).unwrap();
    std::fs::remove_dir_all(dir.join("charts")).unwrap();
    env.ok(&["dependency", "build", "umbrella"]);
    assert_eq!(
        std::fs::read(dir.join("charts/web-1.1.0.tgz")).unwrap(),
        web
    );

    // A Chart.yaml edit makes the lock out of date: build refuses, list says so.
    let chart_yaml = std::fs::read_to_string(dir.join("Chart.yaml")).unwrap();
    std::fs::write(dir.join("Chart.yaml"), chart_yaml.replace("~3.2", "~3.3")).unwrap();
    let error = env.fails(&["dependency", "build", "umbrella"]);
    assert!(error.contains("Chart.lock` is out of date"), "{error}");
    assert!(
        error.contains("hint: run `charts dependency update"),
        "{error}"
    );
    let listed = env
        .charts()
        .args(["dependency", "list", "umbrella"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("out of date"));
    assert!(String::from_utf8_lossy(&listed.stderr).contains("Chart.lock is out of date"));
    // And update fails cleanly when nothing matches, leaving the old files alone.
    let error = env.fails(&["dependency", "update", "umbrella"]);
    assert!(
        error.contains("dependency `db`: version `3.2.1` does not match `~3.3`"),
        "{error}"
    );
    assert!(dir.join("charts/web-1.1.0.tgz").is_file());
}

#[test]
fn oci_push_pull_by_tag_and_digest_and_template() {
    let registry = Registry::start(None);
    let env = repo_env();
    write_chart(&env.join("src/web"), "web", "1.2.0+build.7", "");
    env.ok(&["package", "src/web", "-d", "pkg"]);
    let pushed = env.ok(&[
        "push",
        "pkg/web-1.2.0+build.7.tgz",
        &format!("oci://{}/charts", registry.host),
        "--plain-http",
    ]);
    assert!(
        pushed.starts_with(&format!(
            "Pushed: {}/charts/web:1.2.0_build.7\nDigest: sha256:",
            registry.host
        )),
        "{pushed}"
    );
    let digest = pushed
        .lines()
        .nth(1)
        .unwrap()
        .trim_start_matches("Digest: ")
        .to_string();

    let reference = format!("oci://{}/charts/web", registry.host);
    env.ok(&[
        "pull",
        &reference,
        "--version",
        "1.2.0+build.7",
        "--plain-http",
        "-d",
        "a",
    ]);
    env.ok(&[
        "pull",
        &format!("{reference}@{digest}"),
        "--plain-http",
        "-d",
        "b",
    ]);
    let original = std::fs::read(env.join("pkg/web-1.2.0+build.7.tgz")).unwrap();
    assert_eq!(
        std::fs::read(env.join("a/web-1.2.0+build.7.tgz")).unwrap(),
        original
    );
    assert_eq!(
        std::fs::read(env.join("b/web-1.2.0+build.7.tgz")).unwrap(),
        original
    );
    // A constraint resolves against the registry's tags.
    env.ok(&[
        "pull",
        &reference,
        "--version",
        ">=1.0.0",
        "--plain-http",
        "-d",
        "c",
    ]);
    assert!(env.join("c/web-1.2.0+build.7.tgz").is_file());

    let rendered = env.ok(&["template", &format!("{reference}@{digest}"), "--plain-http"]);
    assert!(
        rendered.contains("version: \"1.2.0+build.7\""),
        "{rendered}"
    );

    let missing = env.fails(&[
        "pull",
        &reference,
        "--version",
        "9.0.0",
        "--plain-http",
        "-d",
        "d",
    ]);
    assert!(
        missing.contains("has no `9.0.0` in the registry"),
        "{missing}"
    );
    let wrong_digest = format!("sha256:{}", "0".repeat(64));
    let error = env.fails(&[
        "pull",
        &format!("{reference}@{wrong_digest}"),
        "--plain-http",
        "-d",
        "d",
    ]);
    assert!(error.contains(&wrong_digest), "{error}");
    assert!(!env.join("d").exists());
}

#[test]
fn oci_basic_auth_login_push_and_failures() {
    let registry = Registry::start(Some(("bob", "hunter2")));
    let env = repo_env();
    write_chart(&env.join("src/web"), "web", "0.3.0", "");
    env.ok(&["package", "src/web", "-d", "pkg"]);
    let remote = format!("oci://{}/team", registry.host);

    let error = env.fails(&["push", "pkg/web-0.3.0.tgz", &remote, "--plain-http"]);
    assert!(
        error.contains("requires authentication (401 Unauthorized)"),
        "{error}"
    );
    assert!(
        error.contains(&format!(
            "hint: run `charts registry login {}",
            registry.host
        )),
        "{error}"
    );

    let bad = env
        .charts()
        .args([
            "registry",
            "login",
            &registry.host,
            "-u",
            "bob",
            "--password-stdin",
            "--plain-http",
        ])
        .write_stdin("nope\n")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("refused the credentials"));
    assert!(!env.join("config/registry/config.json").exists());

    let good = env
        .charts()
        .args([
            "registry",
            "login",
            &registry.host,
            "-u",
            "bob",
            "--password-stdin",
            "--plain-http",
        ])
        .write_stdin("hunter2\n")
        .output()
        .unwrap();
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.join("config/registry/config.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    env.ok(&["push", "pkg/web-0.3.0.tgz", &remote, "--plain-http"]);
    env.ok(&[
        "pull",
        &format!("{remote}/web:0.3.0"),
        "--plain-http",
        "-d",
        "out",
    ]);
    assert!(env.join("out/web-0.3.0.tgz").is_file());

    env.ok(&["registry", "logout", &registry.host]);
    let error = env.fails(&[
        "pull",
        &format!("{remote}/web:0.3.0"),
        "--plain-http",
        "-d",
        "out2",
    ]);
    assert!(error.contains("requires authentication"), "{error}");
    assert!(!env.join("out2").exists());
}

/// Build once, promote the same artifact: an umbrella built from its lock, packaged, pushed,
/// pulled back by digest, renders the same objects as the directory.
#[test]
fn umbrella_from_lock_to_registry_and_back_renders_the_same() {
    let registry = Registry::start(None);
    let env = repo_env();
    let server = served_repository(&env);
    let dir = umbrella(&env, &server.url);
    env.ok(&["dependency", "update", "umbrella"]);
    std::fs::remove_dir_all(dir.join("charts")).unwrap();
    env.ok(&["dependency", "build", "umbrella"]);
    let local = env.ok(&["template", "rel", "umbrella"]);

    env.ok(&["package", "umbrella", "-d", "pkg"]);
    let pushed = env.ok(&[
        "push",
        "pkg/umbrella-0.1.0.tgz",
        &format!("oci://{}/apps", registry.host),
        "--plain-http",
    ]);
    let digest = pushed
        .lines()
        .nth(1)
        .unwrap()
        .trim_start_matches("Digest: ")
        .to_string();
    let reference = format!("oci://{}/apps/umbrella@{digest}", registry.host);
    env.ok(&["pull", &reference, "--plain-http", "-d", "pulled"]);
    assert_eq!(
        std::fs::read(env.join("pulled/umbrella-0.1.0.tgz")).unwrap(),
        std::fs::read(env.join("pkg/umbrella-0.1.0.tgz")).unwrap()
    );
    let remote = env.ok(&["template", "rel", &reference, "--plain-http"]);
    assert_eq!(remote, local);
    assert!(remote.contains("name: rel-web") && remote.contains("name: rel-db"));
}

#[test]
fn dependencies_from_an_oci_registry_and_offline_rebuilds() {
    let registry = Registry::start(None);
    let env = repo_env();
    for version in ["2.0.0", "2.1.0", "3.0.0"] {
        let dir = env.join(&format!("src/cache-{version}"));
        write_chart(&dir, "cache", version, "");
        env.ok(&["package", dir.to_str().unwrap(), "-d", "pkg"]);
        env.ok(&[
            "push",
            &format!("pkg/cache-{version}.tgz"),
            &format!("oci://{}/deps", registry.host),
            "--plain-http",
        ]);
    }
    let dir = env.join("app");
    write_chart(
        &dir,
        "app",
        "1.0.0",
        &format!(
            "dependencies:\n  - name: cache\n    version: ^2.0.0\n    repository: oci://{}/deps\n    alias: sessions\n",
            registry.host
        ),
    );
    env.ok(&["dependency", "update", "app", "--plain-http"]);
    let lock = std::fs::read_to_string(dir.join("Chart.lock")).unwrap();
    assert!(lock.contains("version: 2.1.0"), "{lock}");
    assert!(dir.join("charts/cache-2.1.0.tgz").is_file());
    let rendered = env.ok(&["template", "app"]);
    assert!(rendered.contains("version: \"2.1.0\""), "{rendered}");

    // The registry goes away: an offline build from the lock still works for HTTP and file
    // dependencies, but an OCI one needs the network and says so.
    drop(registry);
    std::fs::remove_dir_all(dir.join("charts")).unwrap();
    let error = env.fails(&["dependency", "build", "app", "--plain-http", "--offline"]);
    assert!(error.contains("while offline"), "{error}");
    assert!(!dir.join("charts").exists());
}

#[test]
fn offline_dependency_build_uses_the_cache() {
    let env = repo_env();
    let server = served_repository(&env);
    let dir = umbrella(&env, &server.url);
    env.ok(&["dependency", "update", "umbrella"]);
    let before = std::fs::read(dir.join("charts/web-1.1.0.tgz")).unwrap();
    drop(server);
    std::fs::remove_dir_all(dir.join("charts")).unwrap();
    let error = env.fails(&["dependency", "build", "umbrella"]);
    assert!(error.contains("cannot reach"), "{error}");
    env.ok(&["dependency", "build", "umbrella", "--offline"]);
    assert_eq!(
        std::fs::read(dir.join("charts/web-1.1.0.tgz")).unwrap(),
        before
    );
}

#[test]
fn oci_bearer_token_auth() {
    let registry = Registry::start(None);
    let front = TokenFront::start(&registry.host, "carol", "tok-pass");
    let env = repo_env();
    write_chart(&env.join("src/web"), "web", "4.0.0", "");
    env.ok(&["package", "src/web", "-d", "pkg"]);
    let remote = format!("oci://{}/secure", front.host);

    // Anonymous: the token server refuses, and the error says how to log in.
    let error = env.fails(&["push", "pkg/web-4.0.0.tgz", &remote, "--plain-http"]);
    assert!(error.contains("requires authentication"), "{error}");

    let login = env
        .charts()
        .args([
            "registry",
            "login",
            &front.host,
            "-u",
            "carol",
            "--password-stdin",
            "--plain-http",
        ])
        .write_stdin("tok-pass")
        .output()
        .unwrap();
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    env.ok(&["push", "pkg/web-4.0.0.tgz", &remote, "--plain-http"]);
    env.ok(&[
        "pull",
        &format!("{remote}/web"),
        "--version",
        "4.0.0",
        "--plain-http",
        "-d",
        "out",
    ]);
    assert_eq!(
        std::fs::read(env.join("out/web-4.0.0.tgz")).unwrap(),
        std::fs::read(env.join("pkg/web-4.0.0.tgz")).unwrap()
    );
}

/// The shipped `charts/catalog` umbrella: its `charts/` is rebuilt from `Chart.lock` byte for
/// byte, and the package travels through a real registry and back by digest to the same objects.
#[test]
fn catalog_builds_from_its_lock_and_round_trips_through_a_registry() {
    let registry = Registry::start(None);
    let env = repo_env();
    let repo_charts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("charts");
    for chart in ["catalog", "catalog-api", "catalog-ui", "catalog-common"] {
        copy_dir(&repo_charts.join(chart), &env.join(chart));
    }
    std::fs::remove_dir_all(env.join("catalog/charts")).unwrap();
    env.ok(&["dependency", "build", "catalog"]);
    for package in [
        "catalog-api-1.4.0.tgz",
        "catalog-ui-1.1.0.tgz",
        "catalog-common-0.2.0.tgz",
    ] {
        assert_eq!(
            std::fs::read(env.join(&format!("catalog/charts/{package}"))).unwrap(),
            std::fs::read(repo_charts.join(format!("catalog/charts/{package}"))).unwrap(),
            "{package} rebuilt from the lock differs from the committed one"
        );
    }
    let staging = ["-f", "catalog/values-staging.yaml", "-n", "catalog-staging"];
    let local = env.ok(&[&["template", "catalog", "catalog"][..], &staging[..]].concat());
    assert!(
        local.contains("# Source: catalog/charts/catalog-api/templates/deployment.yaml"),
        "{local}"
    );

    let packaged = env.ok(&["package", "catalog", "-d", "pkg"]);
    let package = packaged.trim().rsplit(": ").next().unwrap().to_string();
    let pushed = env.ok(&[
        "push",
        &package,
        &format!("oci://{}/team", registry.host),
        "--plain-http",
    ]);
    let digest = pushed
        .lines()
        .find_map(|l| l.strip_prefix("Digest: "))
        .unwrap()
        .to_string();
    let reference = format!("oci://{}/team/catalog@{digest}", registry.host);
    env.ok(&["pull", &reference, "--plain-http", "-d", "pulled"]);
    let file_name = std::path::Path::new(&package)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        std::fs::read(env.join(&format!("pulled/{file_name}"))).unwrap(),
        std::fs::read(env.join(&package)).unwrap()
    );
    let remote = env.ok(&[
        &["template", "catalog", &reference, "--plain-http"][..],
        &staging[..],
    ]
    .concat());
    assert_eq!(remote, local);
}
