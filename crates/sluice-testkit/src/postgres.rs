//! Fresh databases on the test PostgreSQL server.

use uuid::Uuid;

/// The server tests use: `TEST_DATABASE_URL` (any database on it), by default the local one.
/// `scripts/test.sh` points it at a private server it starts and removes.
pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Creates an empty database `sluice_test_<uuid>` and returns its URL (not migrated).
pub async fn fresh_database() -> String {
    let name = format!("sluice_test_{}", Uuid::new_v4().simple());
    sluice_store::db::ensure_database(&server_url(), &name).await.unwrap();
    sluice_store::db::with_database(&server_url(), &name).unwrap()
}
