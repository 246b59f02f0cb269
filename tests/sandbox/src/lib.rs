//! An in-memory Kubernetes API server on 127.0.0.1, for tests, demos and benchmarks.
//! It stores objects but runs no containers.
