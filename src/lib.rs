//! `charts`: a Helm-like chart packager and release manager for Kubernetes, with Tera templates.
//!
//! Data flows one way: CLI arguments become settings, an action loads the chart, composes the
//! values, renders objects and (for cluster commands) applies them and records a release.

pub mod action;
pub mod chart;
pub mod cli;
pub mod cluster;
pub mod convert;
pub mod env;
pub mod error;
#[cfg(test)]
mod fuzz;
pub mod helm;
pub mod hooks;
pub mod names;
pub mod notify;
pub mod release;
pub mod render;
pub mod repo;
pub mod support;
pub mod values;
pub mod yaml;

pub use cli::main_entry;
