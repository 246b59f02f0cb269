//! Kubernetes name rules (DNS-1123), shared by lint, release names and chart names.

/// A DNS-1123 label without its length limit: lowercase letters, digits and `-`, starting and
/// ending alphanumeric.
pub fn is_label_shaped(part: &str) -> bool {
    !part.is_empty()
        && part
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !part.starts_with('-')
        && !part.ends_with('-')
}

/// A DNS-1123 label: at most 63 characters.
pub fn is_label(name: &str) -> bool {
    name.len() <= 63 && is_label_shaped(name)
}

/// A DNS-1123 subdomain without its length limit: labels joined by `.`.
pub fn is_subdomain_shaped(name: &str) -> bool {
    name.split('.').all(is_label_shaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains() {
        assert!(is_label("web-1"));
        assert!(!is_label("Web"));
        assert!(!is_label("-web"));
        assert!(!is_label(&"a".repeat(64)));
        assert!(is_subdomain_shaped("a.b-c.d"));
        assert!(!is_subdomain_shaped("a..b"));
    }
}
