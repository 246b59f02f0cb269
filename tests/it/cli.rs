//! Whole-program behaviour: usage errors, version, completions, broken pipes.

use std::io::Read;
use std::process::Stdio;

use crate::common::{TestChart, TestEnv, stderr, stdout};

#[test]
fn completions_in_the_repo_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
    ] {
        let file = match shell {
            clap_complete::Shell::Bash => "charts.bash",
            clap_complete::Shell::Zsh => "_charts",
            _ => "charts.fish",
        };
        let expected = charts::cli::completion_script(shell);
        let path = root.join("completions").join(file);
        if std::env::var_os("CHARTS_UPDATE_COMPLETIONS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "completions/{file} is stale: run `CHARTS_UPDATE_COMPLETIONS=1 cargo test completions`"
        );
    }
    let env = TestEnv::new();
    let output = env.charts().args(["completion", "bash"]).output().unwrap();
    assert!(stdout(&output).contains("_charts()"));
}

#[test]
fn usage_errors_exit_2_and_version_prints() {
    let env = TestEnv::new();
    let output = env.charts().args(["template"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Usage"));
    let output = env.charts().args(["no-such-command"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = env.charts().args(["version", "--short"]).output().unwrap();
    assert_eq!(stdout(&output), format!("v{}\n", env!("CARGO_PKG_VERSION")));
    let output = env
        .charts()
        .args(["version", "-o", "json"])
        .output()
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["version"], format!("v{}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_closed_pipe_is_a_quiet_success() {
    let env = TestEnv::new();
    let mut chart = TestChart::new(&env, "big");
    for index in 0..300 {
        chart = chart.template(&format!("cm{index}.yaml"), &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{index}\ndata:\n  pad: \"{}\"\n", "x".repeat(2000)));
    }
    let mut command = env.command();
    command.args(["template", &chart.arg()]);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take()); // like `| head -c 16`
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "exit {status:?}, stderr: {err}");
    assert!(err.is_empty(), "no noise on a broken pipe: {err}");
}
