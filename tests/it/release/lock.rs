//! The per-release operation lock on a Lease, against the sandbox.

use std::time::Duration;

use charts::release::lock::{self, Error};
use charts_sandbox::Sandbox;
use k8s_openapi::api::coordination::v1::Lease;
use kube::api::{Api, DeleteParams, PostParams};

use super::{cluster, create_namespaces};

const MINUTE: Duration = Duration::from_secs(60);

fn spec(lease: &Lease) -> &k8s_openapi::api::coordination::v1::LeaseSpec {
    lease.spec.as_ref().unwrap()
}

#[tokio::test]
async fn a_held_lock_refuses_a_second_operation_until_released() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    create_namespaces(&cluster, &["prod"]).await;
    let leases: Api<Lease> = Api::namespaced(cluster.client.clone(), "prod");

    let first = lock::acquire(&cluster, "prod", "web", "alice@laptop pid 1", MINUTE)
        .await
        .unwrap();
    assert!(first.taken_over().is_none());
    let lease = leases.get("charts.lock.web").await.unwrap();
    assert_eq!(
        spec(&lease).holder_identity.as_deref(),
        Some("alice@laptop pid 1")
    );
    assert_eq!(spec(&lease).lease_duration_seconds, Some(60));
    assert!(spec(&lease).acquire_time.is_some() && spec(&lease).renew_time.is_some());
    assert_eq!(lease.metadata.labels.as_ref().unwrap()["name"], "web");

    let refused = lock::acquire(&cluster, "prod", "web", "ci@runner pid 2", MINUTE)
        .await
        .unwrap_err();
    let message = refused.to_string();
    assert!(
        message.starts_with(
            "release `web` is locked: an operation by `alice@laptop pid 1` has been in progress since 20"
        ),
        "{message}"
    );
    let hint = refused.hint().unwrap();
    assert!(hint.contains("expires at 20"), "{hint}");
    assert!(
        hint.contains("kubectl delete lease charts.lock.web -n prod"),
        "{hint}"
    );

    // Another release in the same namespace is not locked.
    let other = lock::acquire(&cluster, "prod", "api", "ci@runner pid 2", MINUTE)
        .await
        .unwrap();

    first.release().await.unwrap();
    assert!(leases.get_opt("charts.lock.web").await.unwrap().is_none());
    let second = lock::acquire(&cluster, "prod", "web", "ci@runner pid 2", MINUTE)
        .await
        .unwrap();
    assert!(
        second.taken_over().is_none(),
        "a released lock is not a takeover"
    );
    second.release().await.unwrap();
    other.release().await.unwrap();
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_says_from_whom() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    let leases: Api<Lease> = Api::namespaced(cluster.client.clone(), "default");
    // What a crashed operation leaves: renewed two hours ago for 60 seconds.
    let crashed: Lease = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "charts.lock.web"},
        "spec": {
            "holderIdentity": "bob@ci pid 99",
            "acquireTime": "2026-01-01T08:00:00.000000Z",
            "renewTime": "2026-01-01T08:00:30.000000Z",
            "leaseDurationSeconds": 60,
            "leaseTransitions": 4
        }
    }))
    .unwrap();
    leases
        .create(&PostParams::default(), &crashed)
        .await
        .unwrap();

    let guard = lock::acquire(&cluster, "default", "web", "alice@laptop pid 1", MINUTE)
        .await
        .unwrap();
    let previous = guard.taken_over().expect("took over the crashed holder");
    assert_eq!(previous.identity, "bob@ci pid 99");
    assert_eq!(previous.expires.to_string(), "2026-01-01T08:01:30Z");
    let lease = leases.get("charts.lock.web").await.unwrap();
    assert_eq!(
        spec(&lease).holder_identity.as_deref(),
        Some("alice@laptop pid 1")
    );
    assert_eq!(spec(&lease).lease_transitions, Some(5));
    guard.release().await.unwrap();
}

#[tokio::test]
async fn of_two_operations_racing_for_an_expired_lease_exactly_one_wins() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    let leases: Api<Lease> = Api::namespaced(cluster.client.clone(), "default");
    let crashed: Lease = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "charts.lock.web"},
        "spec": {"holderIdentity": "bob@ci pid 99", "renewTime": "2026-01-01T08:00:30.000000Z", "leaseDurationSeconds": 60}
    }))
    .unwrap();
    leases
        .create(&PostParams::default(), &crashed)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        lock::acquire(&cluster, "default", "web", "a", MINUTE),
        lock::acquire(&cluster, "default", "web", "b", MINUTE),
    );
    let (winner, loser) = match (a, b) {
        (Ok(guard), Err(error)) | (Err(error), Ok(guard)) => (guard, error),
        (a, b) => panic!("expected one winner: {a:?} / {b:?}"),
    };
    assert!(
        matches!(loser, Error::Locked { ref holder, .. } if holder.identity == winner.holder())
            || matches!(loser, Error::Contended { .. }),
        "{loser}"
    );
    winner.release().await.unwrap();
}

#[tokio::test]
async fn the_holder_renews_and_a_dropped_guard_lets_the_lease_expire() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    let leases: Api<Lease> = Api::namespaced(cluster.client.clone(), "default");
    let ttl = Duration::from_secs(1);
    let guard = lock::acquire(&cluster, "default", "web", "a", ttl)
        .await
        .unwrap();
    let renew_time = |lease: Lease| spec(&lease).renew_time.clone().unwrap().0;
    let first = renew_time(leases.get("charts.lock.web").await.unwrap());

    // Longer than the lease lasts: only renewal keeps it alive.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(renew_time(leases.get("charts.lock.web").await.unwrap()) > first);
    assert!(matches!(
        lock::acquire(&cluster, "default", "web", "b", ttl).await,
        Err(Error::Locked { .. })
    ));
    guard.check().unwrap();

    drop(guard);
    tokio::time::sleep(Duration::from_millis(1_300)).await;
    let next = lock::acquire(&cluster, "default", "web", "b", ttl)
        .await
        .unwrap();
    assert_eq!(next.taken_over().map(|h| h.identity.as_str()), Some("a"));
    next.release().await.unwrap();
}

#[tokio::test]
async fn a_deleted_lease_is_reported_as_lost() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    let leases: Api<Lease> = Api::namespaced(cluster.client.clone(), "default");
    let guard = lock::acquire(&cluster, "default", "web", "a", Duration::from_secs(1))
        .await
        .unwrap();
    leases
        .delete("charts.lock.web", &DeleteParams::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let lost = guard.check().unwrap_err();
    assert!(
        lost.to_string().contains("lost the lock on release `web`"),
        "{lost}"
    );
    assert!(matches!(guard.release().await, Err(Error::Lost { .. })));
}
