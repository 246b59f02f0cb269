//! Install or upgrade: what a deploy does, decided from the release's history and the command
//! alone. Pure: the history is data read before, and nothing is asked of the cluster here.

use crate::error::{Error, Result};
use crate::release::{ReleaseSummary, Status};

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// `charts install`: a new release, or a new install over one that was uninstalled with its
    /// history kept or that never deployed.
    Install,
    /// `charts upgrade`, with `--install` when a release that does not exist may be installed.
    Upgrade { install: bool },
}

/// What a deploy does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// An upgrade of the release that is there; otherwise an install.
    pub upgrade: bool,
    /// The number of the new revision: one past the latest (an install over an uninstalled or
    /// failed release continues its numbering).
    pub revision: u64,
    /// The revision an upgrade builds on: its labels, first deployment time and, with
    /// `--reuse-values`, its user values. The deployed revision, else the latest. None for an
    /// install.
    pub base: Option<u64>,
}

/// Decides between install, upgrade and refusal for release `name` in `namespace`, given its
/// revisions (oldest first; empty when it does not exist).
pub fn decide(
    name: &str,
    namespace: &str,
    revisions: &[ReleaseSummary],
    request: Request,
) -> Result<Decision> {
    let deployed = revisions
        .iter()
        .rev()
        .find(|r| r.status == Status::Deployed);
    let Some(latest) = revisions.last() else {
        if request == (Request::Upgrade { install: false }) {
            return Err(Error::with_hint(
                format!(
                    "release `{name}` not found in namespace `{namespace}`, so there is nothing to upgrade"
                ),
                format!(
                    "install it with `charts install {name} CHART`, or pass `--install` to upgrade"
                ),
            ));
        }
        return Ok(Decision {
            upgrade: false,
            revision: 1,
            base: None,
        });
    };
    let upgrade = match request {
        Request::Install => {
            refuse_install(name, namespace, latest, deployed)?;
            false
        }
        // An upgrade of an uninstalled release installs it again (with or without `--install`).
        Request::Upgrade { .. } => latest.status != Status::Uninstalled,
    };
    Ok(Decision {
        upgrade,
        revision: latest.revision + 1,
        base: upgrade.then(|| deployed.unwrap_or(latest).revision),
    })
}

/// An install over an existing release is refused unless nothing of it is deployed and its latest
/// revision was uninstalled, failed or left pending.
fn refuse_install(
    name: &str,
    namespace: &str,
    latest: &ReleaseSummary,
    deployed: Option<&ReleaseSummary>,
) -> Result<()> {
    let state = match deployed {
        Some(deployed) if deployed.revision == latest.revision => {
            format!("revision {}, deployed", latest.revision)
        }
        Some(deployed) => format!(
            "revision {} is deployed; the latest, {}, is {}",
            deployed.revision, latest.revision, latest.status
        ),
        None if latest.status == Status::Uninstalled
            || latest.status == Status::Failed
            || latest.status.is_pending() =>
        {
            return Ok(());
        }
        None => format!("revision {}, {}", latest.revision, latest.status),
    };
    Err(Error::with_hint(
        format!("release `{name}` already exists in namespace `{namespace}` ({state})"),
        format!("upgrade it with `charts upgrade {name} CHART`, or pick another name"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history with these statuses, revisions numbered from 1.
    fn history(statuses: &[Status]) -> Vec<ReleaseSummary> {
        statuses
            .iter()
            .enumerate()
            .map(|(index, status)| ReleaseSummary {
                name: "web".into(),
                namespace: "dev".into(),
                revision: index as u64 + 1,
                status: *status,
                chart: "web-1.0.0".into(),
                app_version: String::new(),
                updated: String::new(),
                description: String::new(),
                labels: Default::default(),
                inventory: Default::default(),
            })
            .collect()
    }

    fn decided(statuses: &[Status], request: Request) -> Result<Decision> {
        decide("web", "dev", &history(statuses), request)
    }

    fn install(revision: u64) -> Decision {
        Decision {
            upgrade: false,
            revision,
            base: None,
        }
    }

    fn upgrade(revision: u64, base: u64) -> Decision {
        Decision {
            upgrade: true,
            revision,
            base: Some(base),
        }
    }

    const UPGRADE: Request = Request::Upgrade { install: false };
    const UPGRADE_INSTALL: Request = Request::Upgrade { install: true };

    /// The message and hint of a refusal, as the user sees them.
    fn refusal(result: Result<Decision>) -> String {
        result.unwrap_err().render()
    }

    #[test]
    fn a_new_release_is_installed_as_revision_1() {
        assert_eq!(decided(&[], Request::Install).unwrap(), install(1));
        assert_eq!(decided(&[], UPGRADE_INSTALL).unwrap(), install(1));
    }

    #[test]
    fn upgrading_a_release_that_does_not_exist_needs_install() {
        assert_eq!(
            refusal(decided(&[], UPGRADE)),
            "error: release `web` not found in namespace `dev`, so there is nothing to upgrade\n\
             hint: install it with `charts install web CHART`, or pass `--install` to upgrade"
        );
    }

    #[test]
    fn installing_over_a_deployed_release_is_refused() {
        use Status::*;
        assert_eq!(
            refusal(decided(&[Superseded, Deployed], Request::Install)),
            "error: release `web` already exists in namespace `dev` (revision 2, deployed)\n\
             hint: upgrade it with `charts upgrade web CHART`, or pick another name"
        );
        assert_eq!(
            refusal(decided(&[Deployed, Failed], Request::Install)),
            "error: release `web` already exists in namespace `dev` (revision 1 is deployed; the \
             latest, 2, is failed)\nhint: upgrade it with `charts upgrade web CHART`, or pick \
             another name"
        );
        // Nothing deployed, but the latest revision is neither gone nor broken.
        assert_eq!(
            refusal(decided(&[Superseded], Request::Install)),
            "error: release `web` already exists in namespace `dev` (revision 1, superseded)\n\
             hint: upgrade it with `charts upgrade web CHART`, or pick another name"
        );
    }

    #[test]
    fn installing_over_an_uninstalled_failed_or_interrupted_release_continues_its_numbering() {
        use Status::*;
        assert_eq!(
            decided(&[Superseded, Uninstalled], Request::Install).unwrap(),
            install(3)
        );
        assert_eq!(decided(&[Failed], Request::Install).unwrap(), install(2));
        assert_eq!(
            decided(&[Failed, PendingInstall], Request::Install).unwrap(),
            install(3)
        );
    }

    #[test]
    fn an_upgrade_builds_on_the_deployed_revision_else_the_latest() {
        use Status::*;
        assert_eq!(
            decided(&[Superseded, Deployed], UPGRADE).unwrap(),
            upgrade(3, 2)
        );
        assert_eq!(
            decided(&[Deployed, Failed, Failed], UPGRADE).unwrap(),
            upgrade(4, 1),
            "failed revisions after the deployed one are not the base"
        );
        assert_eq!(
            decided(&[Failed], UPGRADE_INSTALL).unwrap(),
            upgrade(2, 1),
            "with nothing deployed, the latest revision is the base"
        );
        assert_eq!(
            decided(&[Deployed, PendingUpgrade], UPGRADE).unwrap(),
            upgrade(3, 1)
        );
    }

    #[test]
    fn upgrading_an_uninstalled_release_installs_it_again() {
        use Status::*;
        assert_eq!(
            decided(&[Superseded, Uninstalled], UPGRADE).unwrap(),
            install(3)
        );
        assert_eq!(
            decided(&[Uninstalled], UPGRADE_INSTALL).unwrap(),
            install(2)
        );
    }
}
