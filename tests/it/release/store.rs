//! `SecretStore` against the sandbox: the same contract the in-memory store's unit tests check,
//! plus what only a real API server shows (request counts, leftovers of a failed create).

use charts::release::Status;
use charts::release::encoding;
use charts::release::store::{Error, ListQuery, SecretStore, Store};
use charts_sandbox::Sandbox;
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, ListParams, PostParams};

use super::{cluster, create_namespaces, incompressible, record};

#[tokio::test]
async fn secret_store_round_trips_lists_and_reports_missing_records() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    create_namespaces(&cluster, &["dev", "prod"]).await;
    let store = SecretStore::new(cluster.clone());

    store
        .create(&record("dev", "web", 1, Status::Superseded))
        .await
        .unwrap();
    store
        .create(&record("dev", "web", 2, Status::Deployed))
        .await
        .unwrap();
    store
        .create(&record("dev", "api", 1, Status::Failed))
        .await
        .unwrap();
    store
        .create(&record("prod", "web", 1, Status::Deployed))
        .await
        .unwrap();

    assert_eq!(
        store.get("dev", "web", 2).await.unwrap(),
        record("dev", "web", 2, Status::Deployed)
    );
    let secret: Secret = Api::namespaced(cluster.client.clone(), "dev")
        .get("charts.release.v1.web.v2")
        .await
        .unwrap();
    assert_eq!(secret.type_.as_deref(), Some("charts.dev/release.v1"));

    sandbox.reset_counters();
    let all = store.list(&ListQuery::default()).await.unwrap();
    let counters = sandbox.counters();
    assert_eq!(counters.get("list", "secrets"), 1, "{counters:?}");
    assert_eq!(counters.total(), 1, "no payload fetched: {counters:?}");
    let keys: Vec<_> = all
        .iter()
        .map(|s| (s.namespace.as_str(), s.name.as_str(), s.revision, s.status))
        .collect();
    assert_eq!(
        keys,
        [
            ("dev", "api", 1, Status::Failed),
            ("dev", "web", 1, Status::Superseded),
            ("dev", "web", 2, Status::Deployed),
            ("prod", "web", 1, Status::Deployed),
        ]
    );
    assert_eq!(all[2].chart, "web-1.2.0");
    assert_eq!(all[2].updated, "2026-01-02T10:00:00Z");
    assert_eq!(all[2].labels["commit"], "abc2");

    let prod = ListQuery {
        namespace: Some("prod".into()),
        ..ListQuery::default()
    };
    assert_eq!(store.list(&prod).await.unwrap().len(), 1);
    let by_commit = ListQuery {
        selector: Some("commit=abc2".into()),
        ..ListQuery::default()
    };
    let found = store.list(&by_commit).await.unwrap();
    assert_eq!((found.len(), found[0].name.as_str()), (1, "web"));
    let history = store.history("dev", "web").await.unwrap();
    assert_eq!(
        history.iter().map(|s| s.revision).collect::<Vec<_>>(),
        [1, 2]
    );

    let duplicate = store
        .create(&record("dev", "web", 2, Status::Deployed))
        .await;
    assert!(
        matches!(duplicate, Err(Error::AlreadyExists { revision: 2, .. })),
        "{duplicate:?}"
    );
    assert!(matches!(
        store.get("dev", "web", 7).await,
        Err(Error::RevisionNotFound { revision: 7, .. })
    ));
    assert!(matches!(
        store.history("prod", "api").await,
        Err(Error::ReleaseNotFound { .. })
    ));
    assert!(matches!(
        store
            .update(&record("prod", "web", 5, Status::Failed))
            .await,
        Err(Error::RevisionNotFound { revision: 5, .. })
    ));
    assert!(matches!(
        store.delete("prod", "web", 5).await,
        Err(Error::RevisionNotFound { revision: 5, .. })
    ));

    let mut superseded = record("prod", "web", 1, Status::Superseded);
    superseded.description = "Superseded by 2".into();
    store.update(&superseded).await.unwrap();
    assert_eq!(store.get("prod", "web", 1).await.unwrap(), superseded);
    let listed = store.list(&prod).await.unwrap();
    assert_eq!(listed[0].status, Status::Superseded);
    assert_eq!(listed[0].description, "Superseded by 2");

    store.delete("dev", "api", 1).await.unwrap();
    assert!(matches!(
        store.history("dev", "api").await,
        Err(Error::ReleaseNotFound { .. })
    ));
}

#[tokio::test]
async fn chunked_records_are_written_read_resized_and_deleted_with_their_chunks() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    create_namespaces(&cluster, &["dev"]).await;
    let store = SecretStore::new(cluster.clone());
    let api: Api<Secret> = Api::namespaced(cluster.client.clone(), "dev");
    let secret_names = || async {
        let mut names: Vec<String> = api
            .list_metadata(&ListParams::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .filter_map(|s| s.metadata.name)
            .collect();
        names.sort();
        names
    };

    let mut release = record("dev", "big", 1, Status::Deployed);
    release.manifest = incompressible(4_000_000);
    store.create(&release).await.unwrap();
    assert_eq!(
        secret_names().await,
        [
            "charts.release.v1.big.v1",
            "charts.release.v1.big.v1.c1",
            "charts.release.v1.big.v1.c2",
        ]
    );
    assert_eq!(store.get("dev", "big", 1).await.unwrap(), release);
    assert_eq!(store.list(&ListQuery::default()).await.unwrap().len(), 1);

    release.manifest = incompressible(2_500_000);
    release.status = Status::Superseded;
    store.update(&release).await.unwrap();
    assert_eq!(secret_names().await.len(), 2, "the extra chunk is deleted");
    assert_eq!(store.get("dev", "big", 1).await.unwrap(), release);

    release.manifest = incompressible(4_500_000);
    store.update(&release).await.unwrap();
    assert_eq!(secret_names().await.len(), 3, "a new chunk is created");
    assert_eq!(store.get("dev", "big", 1).await.unwrap(), release);

    store.delete("dev", "big", 1).await.unwrap();
    assert!(secret_names().await.is_empty());
}

/// A create that failed after writing a chunk leaves the chunk behind; the retry must not take
/// it for an existing revision.
#[tokio::test]
async fn a_chunk_left_by_a_failed_create_is_overwritten() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    create_namespaces(&cluster, &["dev"]).await;
    let store = SecretStore::new(cluster.clone());
    let mut release = record("dev", "big", 1, Status::Deployed);
    release.manifest = incompressible(2_500_000);
    let secrets = encoding::encode(&release).unwrap();
    let api: Api<Secret> = Api::namespaced(cluster.client.clone(), "dev");
    let mut stale = secrets[1].clone();
    stale.data = Some(
        [(
            "release".to_string(),
            k8s_openapi::ByteString(b"stale".to_vec()),
        )]
        .into(),
    );
    api.create(&PostParams::default(), &stale).await.unwrap();

    store.create(&release).await.unwrap();
    assert_eq!(store.get("dev", "big", 1).await.unwrap(), release);
    assert!(matches!(
        store.create(&release).await,
        Err(Error::AlreadyExists { .. })
    ));
}

#[tokio::test]
async fn api_failures_name_the_verb_and_namespace() {
    let sandbox = Sandbox::start().await.unwrap();
    let cluster = cluster(&sandbox);
    let store = SecretStore::new(cluster);
    // The namespace does not exist: the API server refuses the create.
    let error = store
        .create(&record("nowhere", "web", 1, Status::Deployed))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("create secrets in namespace `nowhere`"),
        "{text}"
    );
    sandbox.faults().add(
        charts_sandbox::Fault::status(500)
            .verb("list")
            .resource("secrets"),
    );
    let error = store.list(&ListQuery::default()).await.unwrap_err();
    assert!(error.to_string().contains("list secrets"), "{error}");
}
