//! Integration tests: one binary, a module per area (every extra test binary is another large
//! link on our 2 cores).

mod adopt;
mod atomic;
mod chart_files;
mod chart_store;
mod cli;
mod common;
mod convert;
mod convert_corpus;
mod discovery;
mod env;
mod env_ops;
mod hooks;
mod hostile;
mod inventory;
mod lifecycle;
mod lint;
mod namespace;
mod notify;
mod plan;
mod post_render;
mod promote;
mod release;
mod release_times;
mod render;
mod repo;
mod sandbox;
mod waits;
mod yaml11;
