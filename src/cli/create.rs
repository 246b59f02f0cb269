//! `charts create NAME`: a new chart from the built-in scaffold (Deployment, Service,
//! ServiceAccount, optional Ingress and HPA, NOTES, helper components and a test hook).

use std::path::PathBuf;

use crate::cli::output;
use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Name of the chart; the directory is created with this name (a path is allowed)
    #[arg(value_name = "NAME")]
    pub name: PathBuf,
}

/// The scaffold's files, with `<CHARTNAME>` standing for the chart's name.
const SCAFFOLD: &[(&str, &str)] = &[
    ("Chart.yaml", include_str!("../chart/scaffold/Chart.yaml")),
    ("values.yaml", include_str!("../chart/scaffold/values.yaml")),
    (
        ".chartsignore",
        include_str!("../chart/scaffold/.chartsignore"),
    ),
    (
        "templates/_helpers.tera",
        include_str!("../chart/scaffold/templates/_helpers.tera"),
    ),
    (
        "templates/deployment.yaml",
        include_str!("../chart/scaffold/templates/deployment.yaml"),
    ),
    (
        "templates/service.yaml",
        include_str!("../chart/scaffold/templates/service.yaml"),
    ),
    (
        "templates/serviceaccount.yaml",
        include_str!("../chart/scaffold/templates/serviceaccount.yaml"),
    ),
    (
        "templates/ingress.yaml",
        include_str!("../chart/scaffold/templates/ingress.yaml"),
    ),
    (
        "templates/hpa.yaml",
        include_str!("../chart/scaffold/templates/hpa.yaml"),
    ),
    (
        "templates/NOTES.txt",
        include_str!("../chart/scaffold/templates/NOTES.txt"),
    ),
    (
        "templates/tests/test-connection.yaml",
        include_str!("../chart/scaffold/templates/tests/test-connection.yaml"),
    ),
];

pub fn create(args: CreateArgs) -> Result<()> {
    let name = args
        .name
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("`{}` is not a chart name", args.name.display())))?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && name.len() <= 53;
    if !valid {
        return Err(Error::Usage(format!(
            "chart name `{name}` is invalid: use lowercase letters, digits and `-`, at most 53 characters"
        )));
    }
    if args.name.exists() {
        return Err(Error::with_hint(
            format!("`{}` already exists", args.name.display()),
            "choose another name or remove the directory first",
        ));
    }
    for (path, content) in SCAFFOLD {
        let target = args.name.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("cannot create `{}`", parent.display()), e))?;
        }
        std::fs::write(&target, content.replace("<CHARTNAME>", &name))
            .map_err(|e| Error::io(format!("cannot write `{}`", target.display()), e))?;
    }
    std::fs::create_dir_all(args.name.join("charts"))
        .map_err(|e| Error::io("cannot create `charts/`", e))?;
    output::print(&format!("Creating {}\n", args.name.display()))
}
