//! Starting a server: servers sharing a database must share the server key, and a database
//! that cannot be reached is named with the reason.

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_another_key_refuses_a_database_set_up_with_a_different_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::test_config();
    config.data_dir = dir.path().join("data");
    let first = ferret_server::AppState::open(config.clone()).await.unwrap();
    drop(first);
    // Same database, another key (a second server started with its own key file).
    let mut other = config.clone();
    other.key_file = Some(dir.path().join("other.key"));
    let error = ferret_server::AppState::open(other)
        .await
        .err()
        .expect("a different key is refused")
        .to_string();
    assert!(error.contains("another server key"), "{error}");
    // The original key still works.
    ferret_server::AppState::open(config).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_postgresql_is_named_with_the_reason() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Nothing listens on `port` once the listener above is dropped.
    let url = format!("postgres://ferret:s3cret-pw@127.0.0.1:{port}/ferret");
    let error = ferret_server::db::Db::connect(&url, 2)
        .await
        .err()
        .expect("nothing listens there")
        .to_string();
    assert!(
        error.contains(&format!("127.0.0.1:{port}")) && error.contains("refused"),
        "{error}"
    );
    assert!(!error.contains("s3cret-pw"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integration_urls_stored_in_clear_by_older_versions_are_sealed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::test_config();
    config.data_dir = dir.path().join("data");
    let state = ferret_server::AppState::open(config.clone()).await.unwrap();
    for statement in [
        "INSERT INTO users (id, email, password_hash, created_at) VALUES ('usr_1', 'a@b.test', 'x', 0)",
        "INSERT INTO workspaces (id, name, personal_of, created_at) VALUES ('ws_1', 'w', NULL, 0)",
        "INSERT INTO integrations (id, workspace_id, kind, name, url, created_at) \
         VALUES ('int_1', 'ws_1', 'slack', 'old', 'https://hooks.slack.com/services/ZQLEGACY', 0)",
    ] {
        state.db.execute_raw(statement).await.unwrap();
    }
    drop(state);
    let state = ferret_server::AppState::open(config).await.unwrap();
    let (url,): (String,) = sqlx::query_as("SELECT url FROM integrations WHERE id = 'int_1'")
        .fetch_one(state.db.pool())
        .await
        .unwrap();
    assert!(ferret_server::sealed::is_sealed(&url), "{url}");
    assert_eq!(
        ferret_server::sealed::open(&state.key, "int_1", &url).as_deref(),
        Some("https://hooks.slack.com/services/ZQLEGACY")
    );
}
