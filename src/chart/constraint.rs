//! Helm's version constraints (Masterminds/semver syntax) translated to the `semver` crate.
//!
//! Helm accepts more than `semver::VersionReq` does: terms separated by spaces or commas (AND),
//! `||` (OR), hyphen ranges `1.2 - 1.4`, `x`/`X`/`*` wildcards, bare versions meaning "exactly"
//! (the `semver` crate reads a bare version as `^`), and `!=`. We translate each OR branch into
//! a list of `VersionReq`s rather than reject what Helm users write.

use semver::{Version, VersionReq};

/// A parsed constraint: satisfied when every requirement of any one branch matches.
#[derive(Debug, Clone)]
pub struct Constraint {
    branches: Vec<Vec<Term>>,
}

#[derive(Debug, Clone)]
enum Term {
    Req(VersionReq),
    Not(VersionReq),
}

impl Constraint {
    pub fn matches(&self, version: &Version) -> bool {
        self.branches.iter().any(|branch| {
            branch.iter().all(|term| match term {
                Term::Req(req) => req.matches(version),
                Term::Not(req) => !req.matches(version),
            })
        })
    }
}

/// Parses a constraint such as `>=1.2 <2.0 || ~3.1`, `1.2 - 1.4`, `1.x`, `^1.2.3`.
pub fn parse(text: &str) -> Result<Constraint, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the constraint is empty".to_string());
    }
    let mut branches = Vec::new();
    for branch in text.split("||") {
        branches.push(parse_branch(branch.trim())?);
    }
    Ok(Constraint { branches })
}

fn parse_branch(branch: &str) -> Result<Vec<Term>, String> {
    if branch.is_empty() {
        return Err("an `||` branch is empty".to_string());
    }
    // Join operators separated from their version by spaces (`>= 1.2`), then split on spaces
    // and commas.
    let mut tokens: Vec<String> = Vec::new();
    let mut pending_operator: Option<String> = None;
    for raw in branch.split([' ', ',']).filter(|t| !t.is_empty()) {
        if raw.chars().all(|c| "<>=!~^".contains(c)) {
            pending_operator = Some(raw.to_string());
            continue;
        }
        match pending_operator.take() {
            Some(op) => tokens.push(format!("{op}{raw}")),
            None => tokens.push(raw.to_string()),
        }
    }
    if let Some(op) = pending_operator {
        return Err(format!("operator `{op}` has no version"));
    }
    let mut terms = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        // Hyphen range: `A - B` means >=A, <=B.
        if index + 2 < tokens.len() && tokens[index + 1] == "-" {
            terms.push(Term::Req(req(&format!(">={}", tokens[index]))?));
            terms.push(Term::Req(req(&upper_inclusive(&tokens[index + 2]))?));
            index += 3;
            continue;
        }
        terms.push(term(&tokens[index])?);
        index += 1;
    }
    Ok(terms)
}

/// `<=1.4` must accept every 1.4.x when the upper bound is partial, as Masterminds does.
fn upper_inclusive(version: &str) -> String {
    let parts = version.split('.').count();
    if parts < 3 && !version.contains(['x', 'X', '*']) {
        format!("<{}", bump_partial(version))
    } else {
        format!("<={version}")
    }
}

fn bump_partial(version: &str) -> String {
    let numbers: Vec<u64> = version.split('.').filter_map(|p| p.parse().ok()).collect();
    match numbers.as_slice() {
        [major] => format!("{}.0.0", major + 1),
        [major, minor] => format!("{major}.{}.0", minor + 1),
        _ => version.to_string(),
    }
}

fn term(token: &str) -> Result<Term, String> {
    let token = token.trim_start_matches('v');
    if let Some(rest) = token.strip_prefix("!=") {
        return Ok(Term::Not(req(&format!(
            "={}",
            rest.trim_start_matches('v')
        ))?));
    }
    let starts_with_operator = token.starts_with(['<', '>', '=', '~', '^']);
    if starts_with_operator {
        let (op, version) = split_operator(token);
        return Ok(Term::Req(req(&format!(
            "{op}{}",
            normalize_wildcards(version)
        ))?));
    }
    // A bare version means "exactly" (wildcards make it a range).
    Ok(Term::Req(req(&format!("={}", normalize_wildcards(token)))?))
}

fn split_operator(token: &str) -> (&str, &str) {
    let end = token
        .find(|c: char| !"<>=~^".contains(c))
        .unwrap_or(token.len());
    let (op, version) = token.split_at(end);
    (op, version.trim_start_matches('v'))
}

fn normalize_wildcards(version: &str) -> String {
    version
        .split('.')
        .map(|part| {
            if part == "x" || part == "X" {
                "*"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn req(text: &str) -> Result<VersionReq, String> {
    // `=*` and `=1.*` are not accepted by the semver crate; a lone wildcard matches anything.
    let cleaned = text
        .strip_prefix('=')
        .filter(|rest| rest.contains('*'))
        .unwrap_or(text);
    VersionReq::parse(cleaned).map_err(|e| format!("`{text}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(constraint: &str, version: &str) -> bool {
        parse(constraint)
            .unwrap()
            .matches(&Version::parse(version).unwrap())
    }

    #[test]
    fn bare_version_is_exact_not_caret() {
        assert!(ok("1.2.3", "1.2.3"));
        assert!(!ok("1.2.3", "1.2.4"));
    }

    #[test]
    fn and_or_hyphen_wildcards() {
        assert!(ok(">=1.2 <2.0", "1.9.9"));
        assert!(!ok(">=1.2 <2.0", "2.0.0"));
        assert!(ok(">=1.2, <2.0", "1.2.0"));
        assert!(ok("<1.0 || >=3.1", "3.1.0"));
        assert!(!ok("<1.0 || >=3.1", "2.0.0"));
        assert!(ok("1.2 - 1.4", "1.4.7"));
        assert!(!ok("1.2 - 1.4", "1.5.0"));
        assert!(ok("1.2.3 - 1.4.5", "1.4.5"));
        assert!(!ok("1.2.3 - 1.4.5", "1.4.6"));
        assert!(ok("1.x", "1.9.0"));
        assert!(!ok("1.x", "2.0.0"));
        assert!(ok("1.2.X", "1.2.9"));
        assert!(ok("*", "7.0.0"));
        assert!(ok("^1.2.3", "1.9.0"));
        assert!(ok("~1.2.3", "1.2.9"));
        assert!(!ok("~1.2.3", "1.3.0"));
        assert!(ok(">= 1.19.0-0", "1.30.0"));
        assert!(ok("!=1.2.3", "1.2.4"));
        assert!(!ok("!=1.2.3", "1.2.3"));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("banana").is_err());
        assert!(parse("").is_err());
        assert!(parse(">=").is_err());
    }
}
