//! Errors shown to users.
