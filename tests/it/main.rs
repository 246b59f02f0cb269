//! Integration tests: one binary, a module per area (every extra test binary is another large
//! link on our 2 cores).

mod chart_files;
mod cli;
mod common;
mod hostile;
mod lifecycle;
mod lint;
mod release;
mod render;
mod repo;
mod sandbox;
