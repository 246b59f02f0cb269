//! `charts env list`: every environment and pool namespace, with the latest revision of each
//! release in it, from two requests whatever their number.

use jiff::Timestamp;

use crate::action::environments;
use crate::cli::GlobalArgs;
use crate::cli::output::{self, table};
use crate::env::PROFILE_RELEASE;
use crate::env::environment::{Environment, human};
use crate::error::Result;
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only environments whose namespace labels match this selector (e.g. `team=shop`)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

pub fn list(global: &GlobalArgs, args: ListArgs) -> Result<()> {
    let cluster_settings = global.cluster_settings();
    let environments = crate::support::block_on(async {
        let store = SecretStore::connect(&cluster_settings).await?;
        environments::list(store.cluster(), &store, args.selector.as_deref()).await
    })?;
    let now = crate::support::clock::now();
    output::show(
        args.output,
        || Ok(json(&environments, now)),
        || Ok(text(&environments, now)),
    )
}

/// The releases of an environment, profile left out: `web:deployed,db:failed`.
fn releases(environment: &Environment) -> String {
    let shown: Vec<String> = environment
        .releases
        .iter()
        .filter(|r| r.name != PROFILE_RELEASE)
        .map(|r| format!("{}:{}", r.name, r.status))
        .collect();
    if shown.is_empty() {
        "-".into()
    } else {
        shown.join(",")
    }
}

fn or_dash(value: Option<&str>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or("-").to_string()
}

fn expires(environment: &Environment, now: Timestamp) -> String {
    match environment.expires_in(now) {
        None => "never".into(),
        Some(left) if left.is_negative() => format!("{} ago", human(-left)),
        Some(left) => format!("in {}", human(left)),
    }
}

fn text(environments: &[Environment], now: Timestamp) -> String {
    let (pools, own): (Vec<&Environment>, Vec<&Environment>) =
        environments.iter().partition(|e| e.pool.is_some());
    let rows = own
        .iter()
        .map(|e| {
            vec![
                e.name.clone(),
                e.namespace.clone(),
                or_dash(e.branch.as_deref()),
                or_dash(e.commit.as_deref()),
                or_dash(e.profile.as_deref()),
                releases(e),
                or_dash(e.last_deployed()),
                e.age(now).map(human).unwrap_or_else(|| "-".into()),
                expires(e, now),
                e.state(now).as_str().to_string(),
            ]
        })
        .collect();
    let mut text = table(
        &[
            "NAME",
            "NAMESPACE",
            "BRANCH",
            "COMMIT",
            "PROFILE",
            "RELEASES",
            "LAST DEPLOYED",
            "AGE",
            "EXPIRES",
            "STATE",
        ],
        rows,
    );
    if !pools.is_empty() {
        let rows = pools
            .iter()
            .map(|e| {
                vec![
                    or_dash(e.pool.as_deref()),
                    e.namespace.clone(),
                    or_dash(e.claimed_by.as_deref()),
                    or_dash(e.branch.as_deref()),
                    or_dash(e.commit.as_deref()),
                    releases(e),
                    if e.claimed_by.is_some() {
                        expires(e, now)
                    } else {
                        "-".into()
                    },
                    e.state(now).as_str().to_string(),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&table(
            &[
                "POOL",
                "NAMESPACE",
                "HELD BY",
                "BRANCH",
                "COMMIT",
                "RELEASES",
                "EXPIRES",
                "STATE",
            ],
            rows,
        ));
    }
    text
}

/// One object per environment (pool namespaces with their `pool` and `claimedBy`).
pub fn environment_json(e: &Environment, now: Timestamp) -> serde_json::Value {
    let time = |t: Option<Timestamp>| t.map(crate::support::clock::rfc3339);
    let mut value = serde_json::json!({
        "name": e.name,
        "namespace": e.namespace,
        "branch": e.branch,
        "commit": e.commit,
        "profile": e.profile,
        "createdBy": e.created_by,
        "createdAt": time(e.created_at),
        "expiresAt": time(e.expires_at),
        "expiresInSeconds": e.expires_in(now).map(|d| d.as_secs()),
        "keep": e.keep,
        "state": e.state(now).as_str(),
        "lastDeployed": e.last_deployed(),
        "releases": e.releases.iter().map(|r| serde_json::json!({
            "name": r.name,
            "revision": r.revision,
            "status": r.status,
            "chart": r.chart,
            "updated": r.updated,
        })).collect::<Vec<_>>(),
    });
    if let Some(pool) = &e.pool {
        value["pool"] = pool.clone().into();
        value["claimedBy"] = e.claimed_by.clone().into();
        value["claimedAt"] = time(e.claimed_at).into();
    }
    value
}

fn json(environments: &[Environment], now: Timestamp) -> serde_json::Value {
    let (pools, own): (Vec<&Environment>, Vec<&Environment>) =
        environments.iter().partition(|e| e.pool.is_some());
    let mut by_pool: std::collections::BTreeMap<&str, Vec<serde_json::Value>> = Default::default();
    for member in pools {
        by_pool
            .entry(member.pool.as_deref().unwrap_or_default())
            .or_default()
            .push(environment_json(member, now));
    }
    serde_json::json!({
        "environments": own.iter().map(|e| environment_json(e, now)).collect::<Vec<_>>(),
        "pools": by_pool.into_iter().map(|(name, namespaces)| serde_json::json!({
            "name": name,
            "size": namespaces.len(),
            "free": namespaces.iter().filter(|n| n["state"] == "free").count(),
            "namespaces": namespaces,
        })).collect::<Vec<_>>(),
    })
}
