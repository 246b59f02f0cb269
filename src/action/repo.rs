//! Managing the chart repositories a user added (`repositories.yaml` and their cached indexes)
//! and writing an `index.yaml` for a directory of packages: `charts repo add|list|update|remove|index`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::repo::config::{Repository, RepositoryFile};
use crate::repo::index::IndexFile;
use crate::repo::{self, Settings, cache};
use crate::support::{block_on, fs};

/// A repository to add, as the user described it.
#[derive(Debug, Clone, Default)]
pub struct NewRepository {
    pub name: String,
    pub url: String,
    pub username: Option<String>,
    /// Empty without `--username`.
    pub password: String,
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    /// Send the credentials to other hosts the index points to.
    pub pass_credentials: bool,
    /// Replace a repository of the same name.
    pub force_update: bool,
}

/// What `add` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Added,
    /// The same repository was already there, with the same configuration.
    Unchanged,
}

/// Checks a repository's name and URL: a name is what `NAME/chart` references start with, and
/// only HTTP(S) servers are repositories (OCI registries are used directly).
pub fn check_new(name: &str, url: &str) -> Result<()> {
    if name.contains('/') || name.is_empty() {
        return Err(Error::Usage(format!(
            "repository name `{name}` must not be empty or contain `/`"
        )));
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        let hint = if url.starts_with("oci://") {
            "OCI registries need no `repo add`: use `oci://` references directly, and `charts registry login` for credentials"
        } else {
            "a repository URL starts with `http://` or `https://`"
        };
        return Err(Error::with_hint(
            format!("`{url}` is not a chart repository URL"),
            hint,
        ));
    }
    Ok(())
}

/// Adds a repository once its index could be fetched (a repository that cannot be read is not
/// added), and caches that index.
pub fn add(settings: &Settings, new: NewRepository) -> Result<Added> {
    check_new(&new.name, &new.url)?;
    let entry = Repository {
        name: new.name.clone(),
        url: new.url.trim_end_matches('/').to_string(),
        username: new.username.unwrap_or_default(),
        password: new.password,
        ca_file: new
            .ca_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        insecure_skip_tls_verify: new.insecure_skip_tls_verify,
        pass_credentials_all: new.pass_credentials,
    };
    let path = settings.repositories_file();
    let mut file = RepositoryFile::load(&path)?;
    if let Some(existing) = file.get(&new.name) {
        if *existing == entry {
            return Ok(Added::Unchanged);
        }
        if !new.force_update {
            return Err(Error::with_hint(
                format!("repository `{}` already exists", new.name),
                "use another name, or `--force-update` to replace it",
            ));
        }
    }
    fetch_index(settings, &entry)?;
    file.repositories.retain(|r| r.name != entry.name);
    file.repositories.push(entry);
    file.save(&path)?;
    Ok(Added::Added)
}

/// An added repository as shown to users: never its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub url: String,
}

/// The added repositories, in the order they were added.
pub fn list(settings: &Settings) -> Result<Vec<Listed>> {
    let file = RepositoryFile::load(&settings.repositories_file())?;
    Ok(file
        .repositories
        .into_iter()
        .map(|r| Listed {
            name: r.name,
            url: r.url,
        })
        .collect())
}

/// What `update` reports as it goes.
#[derive(Debug)]
pub enum UpdateEvent<'a> {
    /// The repositories to update are known; fetching starts.
    Starting,
    Updated(&'a Repository),
    /// This repository's index could not be fetched; the others are still updated.
    Failed(&'a Repository, repo::Error),
}

/// Fetches the index of every added repository (or of those in `names`), reporting each result
/// to `progress`. Fails at the end, naming the repositories that could not be updated.
pub fn update(
    settings: &Settings,
    names: &[String],
    progress: &mut dyn FnMut(UpdateEvent<'_>) -> Result<()>,
) -> Result<()> {
    let file = RepositoryFile::load(&settings.repositories_file())?;
    if file.repositories.is_empty() {
        return Err(Error::with_hint(
            "no repositories found",
            "add one with `charts repo add NAME URL`",
        ));
    }
    check_known(&file, names)?;
    progress(UpdateEvent::Starting)?;
    let mut failed = Vec::new();
    for entry in &file.repositories {
        if !names.is_empty() && !names.contains(&entry.name) {
            continue;
        }
        match fetch_index(settings, entry) {
            Ok(()) => progress(UpdateEvent::Updated(entry))?,
            Err(error) => {
                failed.push(entry.name.clone());
                progress(UpdateEvent::Failed(entry, error))?;
            }
        }
    }
    if !failed.is_empty() {
        return Err(Error::message(format!(
            "failed to update repositories: {}",
            failed.join(", ")
        )));
    }
    Ok(())
}

/// Removes the named repositories and their cached indexes; nothing is removed unless every
/// name is known.
pub fn remove(settings: &Settings, names: &[String]) -> Result<()> {
    let path = settings.repositories_file();
    let mut file = RepositoryFile::load(&path)?;
    check_known(&file, names)?;
    file.repositories.retain(|r| !names.contains(&r.name));
    file.save(&path)?;
    for name in names {
        // A cache that is already gone is what we want.
        let _ = std::fs::remove_file(cache::index_path(settings, name));
        let _ = std::fs::remove_file(
            settings
                .cache_home
                .join("repository")
                .join(format!("{name}-charts.txt")),
        );
    }
    Ok(())
}

/// Writes `<dir>/index.yaml` for the packages under `dir`, served at `url`, keeping the
/// entries of the index at `merge` that the directory does not have. Returns the path.
pub fn index(dir: &Path, url: &str, merge: Option<&Path>) -> Result<PathBuf> {
    if !dir.is_dir() {
        return Err(Error::message(format!(
            "`{}` is not a directory",
            dir.display()
        )));
    }
    let mut index = IndexFile::from_directory(dir, url)?;
    if let Some(merge) = merge {
        let bytes = std::fs::read(merge).map_err(|e| repo::Error::read(merge, e))?;
        index.merge(IndexFile::parse(&bytes, &merge.display().to_string())?);
    }
    let path = dir.join("index.yaml");
    fs::write_atomic(&path, index.to_yaml()?.as_bytes(), None)
        .map_err(|e| repo::Error::write(&path, e))?;
    Ok(path)
}

fn check_known(file: &RepositoryFile, names: &[String]) -> Result<()> {
    match names.iter().find(|name| file.get(name).is_none()) {
        Some(name) => Err(Error::with_hint(
            format!("repository `{name}` is not known"),
            "see `charts repo list`",
        )),
        None => Ok(()),
    }
}

fn fetch_index(settings: &Settings, entry: &Repository) -> Result<(), repo::Error> {
    block_on(repo::resolve::update_index(
        settings,
        &entry.name,
        &entry.url,
        entry.credentials().as_ref(),
        &entry.tls(),
    ))
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path) -> Settings {
        Settings {
            config_home: dir.join("config"),
            cache_home: dir.join("cache"),
            ..Settings::default()
        }
    }

    #[test]
    fn names_and_urls_are_checked_before_anything_is_fetched() {
        assert!(check_new("stable", "https://charts.example.com").is_ok());
        let slash = check_new("my/repo", "https://x").unwrap_err();
        assert_eq!(slash.exit_code(), 2);
        let oci = check_new("stable", "oci://registry/charts").unwrap_err();
        assert!(oci.render().contains("OCI registries need no `repo add`"));
        let bare = check_new("stable", "charts.example.com").unwrap_err();
        assert!(
            bare.render()
                .contains("starts with `http://` or `https://`")
        );
    }

    #[test]
    fn remove_drops_the_entries_and_their_cache_or_nothing_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let settings = settings(dir.path());
        let mut file = RepositoryFile::default();
        for name in ["a", "b"] {
            file.repositories.push(Repository {
                name: name.to_string(),
                url: format!("https://{name}.example.com"),
                password: "secret".to_string(),
                ..Repository::default()
            });
            fs::write_atomic(
                &cache::index_path(&settings, name),
                b"apiVersion: v1\n",
                None,
            )
            .unwrap();
        }
        file.save(&settings.repositories_file()).unwrap();

        let unknown = remove(&settings, &["a".to_string(), "zzz".to_string()]).unwrap_err();
        assert!(unknown.render().contains("repository `zzz` is not known"));
        assert_eq!(list(&settings).unwrap().len(), 2, "nothing removed");

        remove(&settings, &["a".to_string()]).unwrap();
        assert_eq!(
            list(&settings).unwrap(),
            [Listed {
                name: "b".to_string(),
                url: "https://b.example.com".to_string()
            }]
        );
        assert!(!cache::index_path(&settings, "a").exists());
        assert!(cache::index_path(&settings, "b").exists());
    }

    #[test]
    fn index_refuses_a_path_that_is_not_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let error = index(&dir.path().join("missing"), "", None).unwrap_err();
        assert!(
            error.render().contains("is not a directory"),
            "{}",
            error.render()
        );
    }
}
