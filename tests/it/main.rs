//! Integration tests: one binary, a module per area (every extra test binary is another large
//! link on our 2 cores).

mod atomic;
mod chart_files;
mod cli;
mod common;
mod discovery;
mod env;
mod env_ops;
mod hooks;
mod hostile;
mod lifecycle;
mod lint;
mod namespace;
mod plan;
mod release;
mod release_times;
mod render;
mod repo;
mod sandbox;
mod waits;
mod yaml11;
