//! Branch or name → environment name and namespace.
//!
//! The rule, so that the same branch always gets the same namespace and two different branches
//! never share one:
//!
//! - An explicit NAME is used as it is, and must already be a valid environment name: lowercase
//!   `[a-z0-9-]`, starting with a letter, ending alphanumeric, and short enough for the namespace
//!   limit with the prefix. It names an environment; it is never rewritten.
//! - A branch is *kept as it is* when it already is such a name and does not end in what looks
//!   like our hash (`-` and 8 hex digits). Otherwise it is *mapped*: lowercased, every character
//!   outside `[a-z0-9-]` (including every non-ASCII one) becomes `-`, runs of `-` collapse into
//!   one, leading and trailing `-` go; a result that does not start with a letter gets `env-` in
//!   front; the result is cut so that it and the suffix fit; and the suffix `-` + the first 8 hex
//!   digits of the SHA-256 of the FULL branch as given is appended.
//!
//! So a kept name never ends in a hash-shaped suffix and a mapped name always does: the two kinds
//! cannot meet. Two kept names are equal only when the branches are; two mapped names are equal
//! only when their hashes are (`feature/a_b` and `feature/a-b` both become `feature-a-b-…`, with
//! different hashes). The environment name has no prefix (it is what `Env.Name` gives templates,
//! for host names); the namespace is the prefix followed by the environment name, at most 63
//! characters.

use sha2::Digest;

/// The longest namespace name the API accepts (a DNS-1123 label).
pub const NAMESPACE_LIMIT: usize = 63;
/// Hex digits of the hash suffix.
const HASH_DIGITS: usize = 8;
/// What a mapped name that would not start with a letter gets in front.
const LETTER_PREFIX: &str = "env-";
/// The longest prefix accepted, so that every branch still gets a readable part.
pub const PREFIX_LIMIT: usize = 30;

/// An environment's name and namespace, and the branch it came from (if any).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EnvName {
    /// The environment name: `charts.dev/env` on the namespace, `Env.Name` in templates.
    pub name: String,
    /// The namespace: the prefix followed by the name.
    pub namespace: String,
    /// The branch as given, when the name came from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

/// Why a name or prefix cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("invalid environment name `{name}`: {reason}")]
    InvalidName { name: String, reason: String },
    #[error("invalid environment prefix `{prefix}`: {reason}")]
    InvalidPrefix { prefix: String, reason: String },
    #[error("empty branch name")]
    EmptyBranch,
}

impl NameError {
    pub fn hint(&self) -> Option<String> {
        match self {
            NameError::InvalidName { .. } => Some(
                "a name is lowercase letters, digits and `-`, starting with a letter; \
                 pass a branch with `--branch` to have it mapped to a name"
                    .to_string(),
            ),
            NameError::InvalidPrefix { .. } => Some(format!(
                "a prefix is lowercase letters, digits and `-`, starting with a letter, at most \
                 {PREFIX_LIMIT} characters, e.g. `shop-`"
            )),
            NameError::EmptyBranch => None,
        }
    }
}

/// Checks a namespace prefix: empty, or lowercase `[a-z0-9-]` starting with a letter, at most
/// [`PREFIX_LIMIT`] characters. It may end in `-` (`shop-`).
pub fn check_prefix(prefix: &str) -> Result<(), NameError> {
    let invalid = |reason: &str| NameError::InvalidPrefix {
        prefix: crate::error::quoted(prefix).into_owned(),
        reason: reason.to_string(),
    };
    if prefix.is_empty() {
        return Ok(());
    }
    if prefix.chars().count() > PREFIX_LIMIT {
        return Err(invalid(&format!("longer than {PREFIX_LIMIT} characters")));
    }
    if !prefix
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(invalid(
            "only lowercase letters, digits and `-` are allowed",
        ));
    }
    if !prefix.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(invalid("it must start with a letter"));
    }
    Ok(())
}

/// The environment an explicit NAME gives: the name as it is, checked.
pub fn from_name(name: &str, prefix: &str) -> Result<EnvName, NameError> {
    check_prefix(prefix)?;
    let invalid = |reason: String| NameError::InvalidName {
        name: crate::error::quoted(name).into_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty".to_string()));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(invalid(
            "only lowercase letters, digits and `-` are allowed".to_string(),
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(invalid("it must start with a letter".to_string()));
    }
    if name.ends_with('-') {
        return Err(invalid("it must not end with `-`".to_string()));
    }
    let limit = NAMESPACE_LIMIT - prefix.len();
    if name.len() > limit {
        return Err(invalid(format!(
            "with the prefix `{prefix}` it may have at most {limit} characters, it has {}",
            name.len()
        )));
    }
    Ok(EnvName {
        name: name.to_string(),
        namespace: format!("{prefix}{name}"),
        branch: None,
    })
}

/// The environment a branch gets (see the module documentation for the rule).
pub fn from_branch(branch: &str, prefix: &str) -> Result<EnvName, NameError> {
    check_prefix(prefix)?;
    if branch.is_empty() {
        return Err(NameError::EmptyBranch);
    }
    let limit = NAMESPACE_LIMIT - prefix.len();
    let name = if keeps_as_is(branch, limit) {
        branch.to_string()
    } else {
        mapped(branch, limit)
    };
    Ok(EnvName {
        namespace: format!("{prefix}{name}"),
        name,
        branch: Some(branch.to_string()),
    })
}

/// Whether `branch` already is a name that fits in `limit` and does not look mapped.
fn keeps_as_is(branch: &str, limit: usize) -> bool {
    branch.len() <= limit
        && branch
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && branch.starts_with(|c: char| c.is_ascii_lowercase())
        && !branch.ends_with('-')
        && !branch.contains("--")
        && !has_hash_suffix(branch)
}

/// Whether `name` ends in `-` and [`HASH_DIGITS`] lowercase hex digits.
fn has_hash_suffix(name: &str) -> bool {
    let Some(dash) = name.len().checked_sub(HASH_DIGITS + 1) else {
        return false;
    };
    let tail = &name.as_bytes()[dash..];
    tail[0] == b'-'
        && tail[1..]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

fn mapped(branch: &str, limit: usize) -> String {
    let mut slug = String::with_capacity(branch.len());
    for c in branch.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let mut slug = if slug.starts_with(|c: char| c.is_ascii_lowercase()) {
        slug.to_string()
    } else if slug.is_empty() {
        LETTER_PREFIX.trim_end_matches('-').to_string()
    } else {
        format!("{LETTER_PREFIX}{slug}")
    };
    // The slug is ASCII now, so cutting at a byte is cutting at a character.
    slug.truncate(limit - HASH_DIGITS - 1);
    let slug = slug.trim_end_matches('-');
    format!("{slug}-{}", hash(branch))
}

/// The first [`HASH_DIGITS`] hex digits of the SHA-256 of `text`.
fn hash(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    hex::encode(digest)[..HASH_DIGITS].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn branch(text: &str) -> String {
        from_branch(text, "").unwrap().name
    }

    #[test]
    fn valid_names_are_kept() {
        assert_eq!(branch("main"), "main");
        assert_eq!(branch("feature-login"), "feature-login");
        let env = from_branch("feature-login", "shop-").unwrap();
        assert_eq!(env.namespace, "shop-feature-login");
        assert_eq!(env.name, "feature-login");
        assert_eq!(env.branch.as_deref(), Some("feature-login"));
    }

    #[test]
    fn other_branches_are_mapped_and_hashed() {
        let name = branch("feature/Login_v2");
        assert!(name.starts_with("feature-login-v2-"), "{name}");
        assert_eq!(name.len(), "feature-login-v2-".len() + 8);
        assert_eq!(name, branch("feature/Login_v2"), "stable");
        assert!(crate::names::is_label(&name));
    }

    #[test]
    fn branches_that_differ_only_in_what_mapping_loses_do_not_collide() {
        let names = [
            branch("feature/a_b"),
            branch("feature/a-b"),
            branch("feature-a-b"),
            branch("Feature-a-b"),
            branch("feature--a-b"),
            branch("feature-a-b-"),
        ];
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(names[2], "feature-a-b");
    }

    #[test]
    fn a_branch_shaped_like_a_mapped_name_is_mapped_too() {
        let mapped = branch("feature/x");
        assert_ne!(branch(&mapped), mapped);
        assert!(branch(&mapped).starts_with(&format!("{mapped}-")));
    }

    #[test]
    fn long_names_are_cut_with_a_hash() {
        let long = format!("feature/{}", "very-long-branch-name-".repeat(6));
        let env = from_branch(&long, "shop-").unwrap();
        assert_eq!(env.namespace.len(), NAMESPACE_LIMIT);
        assert!(crate::names::is_label(&env.namespace));
        assert!(has_hash_suffix(&env.name));
        let other = from_branch(&format!("{long}x"), "shop-").unwrap();
        assert_ne!(
            env.namespace, other.namespace,
            "same head, different branch"
        );
        // A valid but too long name is cut as well.
        let plain = "a".repeat(70);
        let name = branch(&plain);
        assert_eq!(name.len(), NAMESPACE_LIMIT);
        assert_ne!(name, branch(&"a".repeat(71)));
        // A cut that ends on a dash does not leave two dashes.
        let dashy = format!("{}-b{}", "a".repeat(53), "c".repeat(20));
        assert!(!branch(&dashy).contains("--"));
    }

    #[test]
    fn unicode_is_mapped_and_never_splits_a_character() {
        let name = branch("fix/Ümlaut-ß-日本語");
        assert!(name.starts_with("fix-mlaut-"), "{name}");
        assert!(crate::names::is_label(&name));
        let only_unicode = branch("日本語");
        assert!(only_unicode.starts_with("env-"), "{only_unicode}");
        assert_ne!(only_unicode, branch("中文"));
        let long = "é".repeat(100);
        assert!(crate::names::is_label(&branch(&long)));
    }

    #[test]
    fn names_starting_with_a_digit_or_dash_get_a_letter() {
        let name = branch("123-fix");
        assert!(name.starts_with("env-123-fix-"), "{name}");
        let name = branch("-x");
        assert!(name.starts_with("x-"), "{name}");
        assert_ne!(branch("-x"), branch("x"));
        assert_ne!(branch("123-fix"), branch("env-123-fix"));
    }

    #[test]
    fn explicit_names_are_checked_not_rewritten() {
        assert_eq!(from_name("pr-12", "shop-").unwrap().namespace, "shop-pr-12");
        assert!(from_name("PR-12", "").is_err());
        assert!(from_name("1pr", "").is_err());
        assert!(from_name("pr-", "").is_err());
        assert!(from_name(&"a".repeat(60), "shop-").is_err());
        let mapped = branch("feature/x");
        assert_eq!(
            from_name(&mapped, "").unwrap().name,
            mapped,
            "a printed name names it"
        );
    }

    #[test]
    fn prefixes_are_checked() {
        assert!(check_prefix("shop-").is_ok());
        assert!(check_prefix("").is_ok());
        assert!(check_prefix("Shop").is_err());
        assert!(check_prefix("1x").is_err());
        assert!(check_prefix(&"a".repeat(31)).is_err());
        assert!(from_branch("x", "-bad").is_err());
    }
}
