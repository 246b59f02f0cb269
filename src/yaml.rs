//! YAML in one place.
