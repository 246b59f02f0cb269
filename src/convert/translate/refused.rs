//! The Go template functions `charts convert` refuses, and what to do instead.

/// Functions refused on purpose: renders must be reproducible and need no cluster.
pub(super) const REFUSED: &[(&str, &str)] = &[
    (
        "lookup",
        "charts renders without reading the cluster; pass the value in values.yaml (or use `charts get`/`kubectl get` before install)",
    ),
    (
        "now",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "date",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "dateInZone",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "toDate",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "mustToDate",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "unixEpoch",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "dateModify",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "ago",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "htmlDate",
        "renders must be reproducible; pass the date in values",
    ),
    (
        "randAlphaNum",
        "renders must be reproducible; set the secret in values (or create it outside the chart)",
    ),
    (
        "randAlpha",
        "renders must be reproducible; set the secret in values (or create it outside the chart)",
    ),
    (
        "randNumeric",
        "renders must be reproducible; set the secret in values (or create it outside the chart)",
    ),
    (
        "randAscii",
        "renders must be reproducible; set the secret in values (or create it outside the chart)",
    ),
    (
        "randInt",
        "renders must be reproducible; set the value in values",
    ),
    (
        "randBytes",
        "renders must be reproducible; set the value in values",
    ),
    (
        "uuidv4",
        "renders must be reproducible; set the value in values",
    ),
    ("shuffle", "renders must be reproducible"),
    (
        "genCA",
        "renders must be reproducible; create certificates with cert-manager or pass them in values",
    ),
    (
        "genCAWithKey",
        "renders must be reproducible; create certificates with cert-manager or pass them in values",
    ),
    (
        "genSelfSignedCert",
        "renders must be reproducible; create certificates with cert-manager or pass them in values",
    ),
    (
        "genSelfSignedCertWithKey",
        "renders must be reproducible; create certificates with cert-manager or pass them in values",
    ),
    (
        "genSignedCert",
        "renders must be reproducible; create certificates with cert-manager or pass them in values",
    ),
    (
        "genSignedCertWithKey",
        "renders must be reproducible; create certificates with cert-manager or pass them in values",
    ),
    (
        "genPrivateKey",
        "renders must be reproducible; pass the key in values",
    ),
    (
        "htpasswd",
        "renders must be reproducible; pass the hashed password in values",
    ),
    (
        "bcrypt",
        "renders must be reproducible; pass the hashed password in values",
    ),
    (
        "derivePassword",
        "not supported; pass the password in values",
    ),
    ("encryptAES", "not supported; pass the value in values"),
    ("decryptAES", "not supported; pass the value in values"),
    (
        "env",
        "templates cannot read the environment; use values (`--set`)",
    ),
    (
        "expandenv",
        "templates cannot read the environment; use values (`--set`)",
    ),
    (
        "getHostByName",
        "renders need no DNS; pass the address in values",
    ),
    (
        "toToml",
        "TOML output is not supported; write the text in the template",
    ),
    ("fromToml", "TOML is not supported"),
    ("call", "not supported"),
    ("html", "not supported"),
    ("js", "not supported"),
    ("urlquery", "not supported"),
];
