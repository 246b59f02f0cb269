//! Fault injection and request counters, for reliability tests.
//!
//! A [`Fault`] matches requests by verb and resource; the `nth` matching request (1-based) and
//! the `times - 1` after it get the fault's [`FaultAction`]. Counters record every API request as
//! `(verb, resource)`, where resource is `deployments.apps`, `pods`, `deployments.apps/status`, ...

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What happens to a matching request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum FaultAction {
    /// Answer with this HTTP status (500, 503, ...) and an `InternalError`/`ServiceUnavailable` Status.
    Status { code: u16 },
    /// Answer 429 TooManyRequests with `Retry-After: seconds`.
    TooManyRequests {
        #[serde(rename = "retryAfterSeconds")]
        retry_after_seconds: u64,
    },
    /// Wait this long, then serve the request normally.
    Latency { milliseconds: u64 },
    /// Close the connection without any response.
    Drop,
}

/// A fault rule. `verb` and `resource` of `None` match anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    #[serde(default)]
    pub verb: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
    /// The first matching request affected, counting from 1.
    #[serde(default = "one")]
    pub nth: u64,
    /// How many consecutive matching requests are affected (0 = all from `nth` on).
    #[serde(default = "one")]
    pub times: u64,
    pub action: FaultAction,
}

fn one() -> u64 {
    1
}

impl Fault {
    pub fn new(action: FaultAction) -> Fault {
        Fault {
            verb: None,
            resource: None,
            nth: 1,
            times: 1,
            action,
        }
    }

    /// Only requests with this verb: get, list, watch, create, update, patch, apply, delete,
    /// deletecollection, discovery.
    pub fn verb(mut self, verb: &str) -> Fault {
        self.verb = Some(verb.to_string());
        self
    }

    /// Only requests for this resource: `pods`, `deployments` or `deployments.apps`.
    pub fn resource(mut self, resource: &str) -> Fault {
        self.resource = Some(resource.to_string());
        self
    }

    pub fn nth(mut self, nth: u64) -> Fault {
        self.nth = nth.max(1);
        self
    }

    pub fn times(mut self, times: u64) -> Fault {
        self.times = times;
        self
    }

    pub fn status(code: u16) -> Fault {
        Fault::new(FaultAction::Status { code })
    }

    pub fn too_many_requests(retry_after_seconds: u64) -> Fault {
        Fault::new(FaultAction::TooManyRequests {
            retry_after_seconds,
        })
    }

    pub fn latency(delay: Duration) -> Fault {
        Fault::new(FaultAction::Latency {
            milliseconds: delay.as_millis() as u64,
        })
    }

    pub fn drop_connection() -> Fault {
        Fault::new(FaultAction::Drop)
    }

    fn matches(&self, verb: &str, resource: &str) -> bool {
        let resource_matches = |wanted: &str| {
            // `deployments` matches `deployments.apps`; subresources must be named.
            let (base, sub) = resource.split_once('/').unwrap_or((resource, ""));
            let (wanted_base, wanted_sub) = wanted.split_once('/').unwrap_or((wanted, ""));
            sub == wanted_sub
                && (base == wanted_base || base.split('.').next() == Some(wanted_base))
        };
        self.verb.as_deref().is_none_or(|v| v == verb)
            && self.resource.as_deref().is_none_or(resource_matches)
    }
}

#[derive(Debug)]
struct Rule {
    fault: Fault,
    seen: u64,
}

/// Shared handle to the fault rules of a running sandbox.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Rule>>>,
}

impl Faults {
    pub fn add(&self, fault: Fault) {
        self.rules.lock().unwrap().push(Rule { fault, seen: 0 });
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
    }

    pub fn list(&self) -> Vec<Fault> {
        self.rules
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.fault.clone())
            .collect()
    }

    /// The actions that apply to this request (every rule counts it).
    pub(crate) fn check(&self, verb: &str, resource: &str) -> Vec<FaultAction> {
        let mut rules = self.rules.lock().unwrap();
        let mut actions = Vec::new();
        for rule in rules.iter_mut() {
            if !rule.fault.matches(verb, resource) {
                continue;
            }
            rule.seen += 1;
            let start = rule.fault.nth;
            let in_window = rule.seen >= start
                && (rule.fault.times == 0 || rule.seen < start + rule.fault.times);
            if in_window {
                actions.push(rule.fault.action.clone());
            }
        }
        actions
    }
}

/// Request counts per `(verb, resource)`.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    counts: Arc<Mutex<BTreeMap<(String, String), u64>>>,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CounterSnapshot {
    pub counts: BTreeMap<(String, String), u64>,
}

impl CounterSnapshot {
    /// Requests with this verb for this resource (`deployments` also counts `deployments.apps`).
    pub fn get(&self, verb: &str, resource: &str) -> u64 {
        self.counts
            .iter()
            .filter(|((v, r), _)| {
                v == verb
                    && (r == resource || r.split_once('.').map(|(base, _)| base) == Some(resource))
            })
            .map(|(_, n)| n)
            .sum()
    }

    /// All requests with this verb.
    pub fn verb_total(&self, verb: &str) -> u64 {
        self.counts
            .iter()
            .filter(|((v, _), _)| v == verb)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    pub fn to_json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .counts
            .iter()
            .map(|((verb, resource), count)| serde_json::json!({"verb": verb, "resource": resource, "count": count}))
            .collect();
        serde_json::json!({"counts": rows, "total": self.total()})
    }
}

impl Counters {
    pub(crate) fn record(&self, verb: &str, resource: &str) {
        *self
            .counts
            .lock()
            .unwrap()
            .entry((verb.to_string(), resource.to_string()))
            .or_insert(0) += 1;
    }

    pub fn snapshot(&self) -> CounterSnapshot {
        CounterSnapshot {
            counts: self.counts.lock().unwrap().clone(),
        }
    }

    pub fn reset(&self) {
        self.counts.lock().unwrap().clear();
    }
}
