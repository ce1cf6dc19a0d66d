//! Test databases for the store's integration tests: a SQLite file in a temporary directory,
//! and a fresh schema in the test PostgreSQL database.
#![allow(dead_code)]

use ferret_store::Db;

pub async fn sqlite() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/ferret.db?mode=rwc", dir.path().display());
    (Db::connect(&url, 4).await.unwrap(), dir)
}

/// A fresh schema in the test PostgreSQL database, or `None` when it is unreachable (unless
/// `FERRET_REQUIRE_POSTGRES=1`).
pub async fn postgres() -> Option<Db> {
    let base = std::env::var("FERRET_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    sqlx::any::install_default_drivers();
    let admin = match sqlx::AnyPool::connect(&base).await {
        Ok(pool) => pool,
        Err(e) => {
            if std::env::var("FERRET_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("PostgreSQL required but unreachable at {base}: {e}");
            }
            eprintln!("skipping PostgreSQL test: {e}");
            return None;
        }
    };
    let schema = format!(
        "ferret_q_{}_{}",
        ferret_store::time::now(),
        ferret_store::crypto::random_alnum(10).to_lowercase()
    );
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    Some(Db::connect(&url, 8).await.unwrap())
}
