//! `charts repo add|list|update|remove|index`: chart repositories served over HTTP(S).

use std::io::Read as _;
use std::path::PathBuf;

use crate::action;
use crate::action::repo::{Added, UpdateEvent};
use crate::cli::output;
use crate::error::{Error, Result};
use crate::repo::{self, Settings};

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
    // Before reading stdin, so a mistyped command does not wait for a password.
    action::repo::check_new(&args.name, &args.url)?;
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
    let new = action::repo::NewRepository {
        name: args.name.clone(),
        url: args.url,
        username: args.username,
        password,
        ca_file: args.ca_file,
        insecure_skip_tls_verify: args.insecure_skip_tls_verify,
        pass_credentials: args.pass_credentials,
        force_update: args.force_update,
    };
    let message = match action::repo::add(settings, new)? {
        Added::Added => "has been added to your repositories",
        Added::Unchanged => "already exists with the same configuration, skipping",
    };
    output::print(&format!("\"{}\" {message}\n", args.name))
}

fn list(settings: &Settings, args: ListArgs) -> Result<()> {
    let repositories = action::repo::list(settings)?;
    output::show(
        args.output,
        || {
            let rows = repositories
                .iter()
                .map(|r| serde_json::json!({ "name": r.name, "url": r.url }));
            Ok(serde_json::Value::Array(rows.collect()))
        },
        || {
            if repositories.is_empty() {
                return Err(Error::with_hint(
                    "no repositories to show",
                    "add one with `charts repo add NAME URL`",
                ));
            }
            let rows = repositories
                .iter()
                .map(|r| vec![r.name.clone(), r.url.clone()])
                .collect();
            Ok(output::table(&["NAME", "URL"], rows))
        },
    )
}

fn update(settings: &Settings, args: UpdateArgs) -> Result<()> {
    action::repo::update(settings, &args.names, &mut |event| match event {
        UpdateEvent::Starting => {
            output::note("Getting the latest from your chart repositories...");
            Ok(())
        }
        UpdateEvent::Updated(entry) => output::print(&format!(
            "...Successfully got an update from the \"{}\" chart repository\n",
            entry.name
        )),
        UpdateEvent::Failed(entry, error) => {
            output::note(&format!(
                "...Unable to get an update from the \"{}\" chart repository ({}):\n\t{}",
                entry.name,
                entry.url,
                Error::from(error).render().trim_start_matches("error: ")
            ));
            Ok(())
        }
    })?;
    output::print("Update complete.\n")
}

fn remove(settings: &Settings, args: RemoveArgs) -> Result<()> {
    action::repo::remove(settings, &args.names)?;
    let text: String = args
        .names
        .iter()
        .map(|name| format!("\"{name}\" has been removed from your repositories\n"))
        .collect();
    output::print(&text)
}

fn index(args: IndexArgs) -> Result<()> {
    action::repo::index(&args.dir, &args.url, args.merge.as_deref()).map(drop)
}
