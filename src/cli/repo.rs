//! `charts repo add|list|update|remove|index`: chart repositories served over HTTP(S).

use std::io::Read as _;
use std::path::PathBuf;

use crate::cli::output;
use crate::error::{Error, Result};
use crate::repo::config::{Repository, RepositoryFile};
use crate::repo::index::IndexFile;
use crate::repo::{self, Settings, cache};

#[derive(Debug, clap::Subcommand)]
pub enum RepoCommand {
    /// Add a chart repository and fetch its index
    Add(AddArgs),
    /// List the added repositories
    #[command(alias = "ls")]
    List(ListArgs),
    /// Fetch the latest index of all (or the named) repositories
    #[command(alias = "up")]
    Update(UpdateArgs),
    /// Remove repositories
    #[command(alias = "rm")]
    Remove(RemoveArgs),
    /// Write an `index.yaml` for a directory of chart packages
    Index(IndexArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Name to refer to the repository by (`NAME/chart`)
    pub name: String,
    /// Repository URL (the directory holding `index.yaml`)
    pub url: String,
    /// Username for HTTP basic auth
    #[arg(long)]
    pub username: Option<String>,
    /// Read the password from stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Verify the server with this CA bundle (PEM)
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Skip TLS certificate checks (unsafe)
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
    /// Send the credentials to other hosts the index points to
    #[arg(long)]
    pub pass_credentials: bool,
    /// Replace a repository of the same name
    #[arg(long)]
    pub force_update: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[arg(short = 'o', long, value_enum, default_value_t)]
    pub output: output::Format,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Repositories to update [default: all]
    pub names: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Directory of `.tgz` packages (searched recursively)
    pub dir: PathBuf,
    /// URL the directory will be served at
    #[arg(long, default_value = "")]
    pub url: String,
    /// Merge this existing index into the new one (the new entries win)
    #[arg(long, value_name = "FILE")]
    pub merge: Option<PathBuf>,
}

/// Flags of commands that fetch charts.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RemoteArgs {
    /// Use only the local cache; never touch the network
    #[arg(long)]
    pub offline: bool,
    /// Use plain HTTP for OCI registries (local registries)
    #[arg(long)]
    pub plain_http: bool,
    /// Verify servers with this CA bundle (PEM)
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Skip TLS certificate checks (unsafe)
    #[arg(long)]
    pub insecure_skip_tls_verify: bool,
}

impl RemoteArgs {
    pub fn settings(&self) -> Settings {
        Settings {
            offline: self.offline,
            plain_http: self.plain_http,
            tls: repo::http::TlsOptions {
                ca_file: self.ca_file.clone(),
                insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            },
            ..Settings::from_env()
        }
    }
}

pub fn repo(command: RepoCommand) -> Result<()> {
    let settings = Settings::from_env();
    match command {
        RepoCommand::Add(args) => add(&settings, args),
        RepoCommand::List(args) => list(&settings, args),
        RepoCommand::Update(args) => update(&settings, args),
        RepoCommand::Remove(args) => remove(&settings, args),
        RepoCommand::Index(args) => index(args),
    }
}

fn add(settings: &Settings, args: AddArgs) -> Result<()> {
    if args.name.contains('/') || args.name.is_empty() {
        return Err(Error::Usage(format!(
            "repository name `{}` must not be empty or contain `/`",
            args.name
        )));
    }
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        let hint = if args.url.starts_with("oci://") {
            "OCI registries need no `repo add`: use `oci://` references directly, and `charts registry login` for credentials"
        } else {
            "a repository URL starts with `http://` or `https://`"
        };
        return Err(Error::with_hint(
            format!("`{}` is not a chart repository URL", args.url),
            hint,
        ));
    }
    let password = if args.password_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::io("cannot read the password from stdin", e))?;
        text.trim_end_matches(['\n', '\r']).to_string()
    } else {
        String::new()
    };
    if args.username.is_some() != args.password_stdin {
        return Err(Error::Usage(
            "`--username` and `--password-stdin` go together".to_string(),
        ));
    }
    let entry = Repository {
        name: args.name.clone(),
        url: args.url.trim_end_matches('/').to_string(),
        username: args.username.clone().unwrap_or_default(),
        password,
        ca_file: args
            .ca_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        insecure_skip_tls_verify: args.insecure_skip_tls_verify,
        pass_credentials_all: args.pass_credentials,
    };
    let path = settings.repositories_file();
    let mut file = RepositoryFile::load(&path)?;
    if let Some(existing) = file.get(&args.name) {
        if *existing == entry {
            return output::print(&format!(
                "\"{}\" already exists with the same configuration, skipping\n",
                args.name
            ));
        }
        if !args.force_update {
            return Err(Error::with_hint(
                format!("repository `{}` already exists", args.name),
                "use another name, or `--force-update` to replace it",
            ));
        }
    }
    // Fetch the index first: a repository that cannot be read is not added.
    crate::support::block_on(repo::resolve::update_index(
        settings,
        &entry.name,
        &entry.url,
        entry.credentials().as_ref(),
        &entry.tls(),
    ))?;
    file.repositories.retain(|r| r.name != entry.name);
    file.repositories.push(entry);
    file.save(&path)?;
    output::print(&format!(
        "\"{}\" has been added to your repositories\n",
        args.name
    ))
}

fn list(settings: &Settings, args: ListArgs) -> Result<()> {
    let file = RepositoryFile::load(&settings.repositories_file())?;
    // Only names and URLs: credentials are never shown.
    let rows: Vec<serde_json::Value> = file
        .repositories
        .iter()
        .map(|r| serde_json::json!({ "name": r.name, "url": r.url }))
        .collect();
    match args.output {
        output::Format::Json => output::print(&output::to_json(&serde_json::Value::Array(rows))?),
        output::Format::Yaml => output::print(&output::to_yaml(&serde_json::Value::Array(rows))?),
        output::Format::Table => {
            if file.repositories.is_empty() {
                return Err(Error::with_hint(
                    "no repositories to show",
                    "add one with `charts repo add NAME URL`",
                ));
            }
            let rows = file
                .repositories
                .iter()
                .map(|r| vec![r.name.clone(), r.url.clone()])
                .collect();
            output::print(&output::table(&["NAME", "URL"], rows))
        }
    }
}

fn update(settings: &Settings, args: UpdateArgs) -> Result<()> {
    let file = RepositoryFile::load(&settings.repositories_file())?;
    if file.repositories.is_empty() {
        return Err(Error::with_hint(
            "no repositories found",
            "add one with `charts repo add NAME URL`",
        ));
    }
    for name in &args.names {
        if file.get(name).is_none() {
            return Err(Error::with_hint(
                format!("repository `{name}` is not known"),
                "see `charts repo list`",
            ));
        }
    }
    output::note("Getting the latest from your chart repositories...");
    let mut failed = Vec::new();
    for entry in &file.repositories {
        if !args.names.is_empty() && !args.names.contains(&entry.name) {
            continue;
        }
        let result = crate::support::block_on(repo::resolve::update_index(
            settings,
            &entry.name,
            &entry.url,
            entry.credentials().as_ref(),
            &entry.tls(),
        ));
        match result {
            Ok(_) => output::print(&format!(
                "...Successfully got an update from the \"{}\" chart repository\n",
                entry.name
            ))?,
            Err(error) => {
                output::note(&format!(
                    "...Unable to get an update from the \"{}\" chart repository ({}):\n\t{}",
                    entry.name,
                    entry.url,
                    Error::from(error).render().trim_start_matches("error: ")
                ));
                failed.push(entry.name.clone());
            }
        }
    }
    if !failed.is_empty() {
        return Err(Error::message(format!(
            "failed to update repositories: {}",
            failed.join(", ")
        )));
    }
    output::print("Update complete.\n")
}

fn remove(settings: &Settings, args: RemoveArgs) -> Result<()> {
    let path = settings.repositories_file();
    let mut file = RepositoryFile::load(&path)?;
    for name in &args.names {
        if file.get(name).is_none() {
            return Err(Error::with_hint(
                format!("repository `{name}` is not known"),
                "see `charts repo list`",
            ));
        }
    }
    file.repositories.retain(|r| !args.names.contains(&r.name));
    file.save(&path)?;
    let mut text = String::new();
    for name in &args.names {
        let _ = std::fs::remove_file(cache::index_path(settings, name));
        let _ = std::fs::remove_file(
            settings
                .cache_home
                .join("repository")
                .join(format!("{name}-charts.txt")),
        );
        text.push_str(&format!(
            "\"{name}\" has been removed from your repositories\n"
        ));
    }
    output::print(&text)
}

fn index(args: IndexArgs) -> Result<()> {
    if !args.dir.is_dir() {
        return Err(Error::message(format!(
            "`{}` is not a directory",
            args.dir.display()
        )));
    }
    let mut index = IndexFile::from_directory(&args.dir, &args.url)?;
    if let Some(merge) = &args.merge {
        let bytes = std::fs::read(merge)
            .map_err(|e| Error::io(format!("cannot read `{}`", merge.display()), e))?;
        index.merge(IndexFile::parse(&bytes, &merge.display().to_string())?);
    }
    let path = args.dir.join("index.yaml");
    crate::support::fs::write_atomic(&path, index.to_yaml()?.as_bytes(), None)
        .map_err(|e| repo::Error::write(&path, e).into())
}
