//! `charts registry login|logout HOST`: credentials for OCI registries.

use std::io::Read as _;

use crate::cli::output;
use crate::cli::repo::RemoteArgs;
use crate::error::{Error, Result};
use crate::repo::credentials::RegistryConfig;
use crate::repo::http::Credentials;
use crate::repo::{self, oci};

#[derive(Debug, clap::Subcommand)]
pub enum RegistryCommand {
    /// Check credentials against a registry and save them
    Login(LoginArgs),
    /// Forget the saved credentials of a registry
    Logout(LogoutArgs),
}

#[derive(Debug, clap::Args)]
pub struct LoginArgs {
    /// Registry host, e.g. `registry.example.com` or `127.0.0.1:5000`
    pub host: String,
    #[arg(short = 'u', long)]
    pub username: String,
    /// Read the password from stdin
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

#[derive(Debug, clap::Args)]
pub struct LogoutArgs {
    pub host: String,
}

pub fn registry(command: RegistryCommand) -> Result<()> {
    match command {
        RegistryCommand::Login(args) => login(args),
        RegistryCommand::Logout(args) => logout(args),
    }
}

fn host_of(text: &str) -> String {
    text.trim_start_matches("oci://")
        .split('/')
        .next()
        .unwrap_or("")
        .to_string()
}

fn login(args: LoginArgs) -> Result<()> {
    if !args.password_stdin {
        return Err(Error::Usage(
            "give the password on stdin with `--password-stdin`".to_string(),
        ));
    }
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| Error::io("cannot read the password from stdin", e))?;
    let credentials = Credentials {
        username: args.username.clone(),
        password: password.trim_end_matches(['\n', '\r']).to_string(),
    };
    let settings = args.remote.settings();
    let host = host_of(&args.host);
    let client = oci::Client::with_credentials(&settings, &host, Some(credentials.clone()))?;
    crate::support::block_on(client.ping())?;
    let path = settings.registry_config_file();
    let mut config = RegistryConfig::load(&path)?;
    config.set(&host, &credentials);
    config.save(&path)?;
    output::print("Login Succeeded\n")
}

fn logout(args: LogoutArgs) -> Result<()> {
    let settings = repo::Settings::from_env();
    let host = host_of(&args.host);
    let path = settings.registry_config_file();
    let mut config = RegistryConfig::load(&path)?;
    if !config.remove(&host) {
        return Err(Error::message(format!("not logged in to `{host}`")));
    }
    config.save(&path)?;
    output::print(&format!("Removing login credentials for {host}\n"))
}
