//! Chart.lock: the dependency versions an umbrella chart was resolved to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChartLock {
    #[serde(default)]
    pub dependencies: Vec<LockedDependency>,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub generated: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LockedDependency {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub repository: String,
}
