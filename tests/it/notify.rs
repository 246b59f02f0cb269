//! Notifications (`--notify`, `CHARTS_NOTIFY`, `notify:` in charts.yaml) through the CLI against
//! the sandbox, delivered to a small HTTP server on 127.0.0.1 that records every request: the
//! JSON event of a success and of a failure, the Slack body, a retry after a 500, and targets
//! that cannot be reached, which leave the command's exit code alone.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::common::{TestChart, TestEnv, servers::closed_port, stderr};

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub content_type: String,
    pub body: Value,
}

/// An HTTP server on 127.0.0.1 that records each POST and answers with the next status of its
/// script (then 200).
pub struct HookServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl HookServer {
    pub fn start() -> HookServer {
        HookServer::answering(&[])
    }

    /// A server that answers the first requests with `statuses`, in order.
    pub fn answering(statuses: &[u16]) -> HookServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(statuses.to_vec()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut length = 0;
                let mut content_type = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        match name.to_ascii_lowercase().as_str() {
                            "content-length" => length = value.trim().parse().unwrap_or(0),
                            "content-type" => content_type = value.trim().to_string(),
                            _ => {}
                        }
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                sink.lock().unwrap().push(Received {
                    path: request_line.split(' ').nth(1).unwrap_or("").to_string(),
                    content_type,
                    body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                });
                let status = {
                    let mut script = script.lock().unwrap();
                    if script.is_empty() {
                        200
                    } else {
                        script.remove(0)
                    }
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                );
            }
        });
        HookServer { port, received }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The bodies of the requests so far.
    pub fn events(&self) -> Vec<Value> {
        self.received().into_iter().map(|r| r.body).collect()
    }
}

/// `web` plus a Deployment `worker` whose image cannot be pulled when `broken` is set (its
/// rollout fails after 2 s).
fn chart(env: &TestEnv) -> String {
    TestChart::fixture(env, "web")
        .template(
            "worker.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: 1\n  progressDeadlineSeconds: 2\n  selector:\n    matchLabels: {app: worker}\n  template:\n    metadata:\n      labels: {app: worker}\n{% if Values.broken %}      annotations:\n        sandbox.charts.dev/fail: image-pull\n{% endif %}    spec:\n      containers:\n      - name: worker\n        image: worker:1\n",
        )
        .arg()
}

#[test]
fn a_success_and_a_failure_each_post_one_event_with_the_release_facts() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    let server = HookServer::start();
    env.ok(&[
        "install",
        "web",
        &chart,
        "--label",
        "commit=abc123,build=https://ci.example.com/42",
        "--notify",
        &server.url("/hooks/deploy"),
    ]);
    let received = server.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].path, "/hooks/deploy");
    assert!(
        received[0].content_type.starts_with("application/json"),
        "{received:?}"
    );
    let event = &received[0].body;
    assert_eq!(event["schema"], "charts.dev/notification.v1");
    assert_eq!(event["event"], "install");
    assert_eq!(event["succeeded"], true);
    assert_eq!(event["release"], "web");
    assert_eq!(event["namespace"], "default");
    assert_eq!(event["revision"], 1);
    assert_eq!(event["status"], "deployed");
    assert_eq!(event["description"], "Install complete");
    assert_eq!(event["chart"]["name"], "web");
    assert_eq!(event["chart"]["version"], "0.1.0");
    assert!(
        event["chart"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert_eq!(event["labels"]["commit"], "abc123");
    assert_eq!(event["labels"]["build"], "https://ci.example.com/42");
    assert_eq!(event["error"], Value::Null);
    assert_eq!(event["provenance"], Value::Null);
    assert_eq!(event["timestamp"], crate::common::TEST_NOW);
    assert!(event["durationMs"].is_u64(), "{event}");
    assert_eq!(event["chartsVersion"], env!("CARGO_PKG_VERSION"));

    // A failed upgrade: the event says so, with the failed revision and the reason.
    let output = env.run(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--rollback-on-failure",
        "--notify",
        &server.url("/hooks/deploy"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let events = server.events();
    assert_eq!(events.len(), 2, "one event per command: {events:?}");
    let event = &events[1];
    assert_eq!(event["event"], "upgrade");
    assert_eq!(event["succeeded"], false);
    assert_eq!(event["release"], "web");
    assert_eq!(event["revision"], 2);
    assert_eq!(event["status"], "failed");
    let reason = event["error"].as_str().unwrap();
    assert!(
        reason.contains("cannot wait for Deployment `default/worker`"),
        "{reason}"
    );

    // Without --rollback-on-failure the failed revision is read back for the event.
    let output = env.run(&[
        "upgrade",
        "web",
        &chart,
        "--set",
        "broken=true",
        "--wait",
        "--notify",
        &server.url("/hooks/deploy"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let events = server.events();
    let event = &events[2];
    assert_eq!(event["succeeded"], false);
    assert_eq!(event["revision"], 4, "{event}");
    assert_eq!(event["status"], "failed");
    assert_eq!(event["chart"]["name"], "web");
    assert!(
        event["error"]
            .as_str()
            .unwrap()
            .contains("cannot wait for Deployment `default/worker`"),
        "{event}"
    );
    // A failure before any revision is recorded names none.
    let output = env.run(&[
        "upgrade",
        "web",
        "./no-such-chart",
        "--notify",
        &server.url("/hooks/deploy"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let events = server.events();
    assert_eq!(events[3]["succeeded"], false);
    assert_eq!(events[3]["revision"], Value::Null, "{}", events[3]);
    assert!(
        events[3]["error"]
            .as_str()
            .unwrap()
            .contains("no-such-chart")
    );
}

#[test]
fn slack_targets_get_a_slack_message_and_the_variable_takes_several_urls() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    let server = HookServer::start();
    let urls = format!(
        "{}, slack+{}",
        server.url("/json"),
        server.url("/services/T0/B0/secret")
    );
    env.charts()
        .env("CHARTS_NOTIFY", &urls)
        .args(["install", "web", &chart, "--label", "commit=abc123"])
        .assert()
        .success();
    let mut received = server.received();
    received.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0].path, "/json");
    assert_eq!(received[0].body["event"], "install");
    assert_eq!(received[1].path, "/services/T0/B0/secret");
    let slack = &received[1].body;
    assert_eq!(
        slack["text"],
        ":white_check_mark: install of `web` in `default` succeeded: revision 1 deployed"
    );
    let blocks = slack["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["text"]["text"], slack["text"]);
    let fields: Vec<&str> = blocks[1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"*Chart*\nweb 0.1.0"), "{fields:?}");
    assert!(fields.contains(&"*commit*\nabc123"), "{fields:?}");
    assert_eq!(blocks[2]["text"]["text"], "*Description*\nInstall complete");
    assert_eq!(blocks.last().unwrap()["type"], "context");
}

#[test]
fn an_unreachable_target_is_a_warning_and_a_500_is_retried_once() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    let port = closed_port();
    let output = env.run(&[
        "install",
        "web",
        &chart,
        "--notify",
        &format!("http://127.0.0.1:{port}/secret-path"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let error = stderr(&output);
    assert!(
        error.contains(&format!(
            "warning: notification to `http://127.0.0.1:{port}/…` not delivered"
        )) && error.contains("(tried twice)"),
        "{error}"
    );
    assert!(
        !error.contains("secret-path"),
        "the path is not shown: {error}"
    );
    assert_eq!(
        env.json(&["status", "web", "-o", "json"])["status"],
        "deployed"
    );

    // A 500, then a 200: delivered on the retry, no warning.
    let server = HookServer::answering(&[500]);
    let output = env.run(&["upgrade", "web", &chart, "--notify", &server.url("/hook")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !stderr(&output).contains("warning: notification"),
        "{}",
        stderr(&output)
    );
    let events = server.events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0], events[1], "the retry sends the same event");

    // A 500 twice: a warning naming the answer; a 4xx is not retried.
    let server = HookServer::answering(&[500, 500, 404]);
    let output = env.run(&["upgrade", "web", &chart, "--notify", &server.url("/a")]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("the server answered 500 Internal Server Error (tried twice)"),
        "{}",
        stderr(&output)
    );
    let output = env.run(&["upgrade", "web", &chart, "--notify", &server.url("/a")]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("the server answered 404 Not Found"),
        "{}",
        stderr(&output)
    );
    assert_eq!(server.received().len(), 3);
}

#[test]
fn the_config_file_notifies_rollback_test_uninstall_and_environments() {
    let env = TestEnv::with_sandbox();
    let chart = chart(&env);
    let server = HookServer::start();
    env.write(
        "charts.yaml",
        format!("notify:\n- {}\n", server.url("/from-config")),
    );
    env.ok(&["install", "web", &chart]);
    env.ok(&["upgrade", "web", &chart, "--set", "greeting=two"]);
    env.ok(&["rollback", "web", "1"]);
    env.ok(&["test", "web"]);
    env.ok(&["uninstall", "web"]);
    env.ok(&["env", "up", "--branch", "feature/x", "--commit", "abc"]);
    env.ok(&["env", "down", "--branch", "feature/x"]);
    // Dry runs change nothing and tell nobody.
    env.ok(&["install", "other", &chart, "--dry-run"]);
    let events = server.events();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "install",
            "upgrade",
            "rollback",
            "test",
            "uninstall",
            "env-up",
            "env-down"
        ]
    );
    assert!(events.iter().all(|e| e["succeeded"] == true), "{events:?}");
    assert_eq!(events[2]["revision"], 3);
    assert_eq!(events[2]["description"], "Rollback to 1");
    assert_eq!(events[3]["revision"], 3);
    assert_eq!(events[4]["status"], "uninstalled");
    assert_eq!(events[4]["revision"], 3, "the revision that went");
    assert_eq!(events[4]["chart"]["name"], "web");
    assert_eq!(events[5]["release"], Value::Null);
    assert_eq!(events[5]["environment"]["branch"], "feature/x");
    assert_eq!(events[5]["environment"]["commit"], "abc");
    assert_eq!(events[5]["namespace"], events[6]["namespace"]);
    assert_eq!(
        events[6]["environment"]["name"],
        events[5]["environment"]["name"]
    );

    // A flag wins over the file; a bad URL is a usage error before anything happens.
    let other = HookServer::start();
    env.ok(&["install", "web", &chart, "--notify", &other.url("/flag")]);
    assert_eq!(other.received().len(), 1);
    assert_eq!(server.received().len(), 7);
    let output = env.run(&["upgrade", "web", &chart, "--notify", "ftp://example.com/x"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid notification URL `ftp://example.com/…`")
            && stderr(&output).contains("(from --notify)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        env.json(&["history", "web", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing was deployed"
    );
}
