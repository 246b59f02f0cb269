//! `charts`: a Helm-like chart packager and release manager for Kubernetes, with Tera templates.
//!
//! Data flows one way: CLI arguments become settings, an action loads the chart, composes the
//! values, renders objects and (for cluster commands) applies them and records a release.

// `cluster::Error` carries the server, verb, resource, namespace and message of a failed call
// (about 150 bytes), so every `Result` that can hold it trips this lint. Errors end the command
// and are built once: the size costs nothing measurable, boxing would cost every match.
#![allow(clippy::result_large_err)]

pub mod action;
pub mod chart;
pub mod cli;
pub mod cluster;
pub mod error;
pub mod names;
pub mod release;
pub mod render;
pub mod repo;
pub mod values;
pub mod yaml;

pub use cli::main_entry;
