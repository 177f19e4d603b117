use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::*;

/// What an operator does on a fresh machine: `sluice up`, log in with the printed credentials,
/// create a team and a key, stop it, start it again.
pub(crate) async fn exercise(mut running: Running, admin: u16, gateway: u16) -> (String, Running) {
    let password_line = running.wait_for_line("admin password:", Duration::from_secs(120));
    let password = password_line.split_whitespace().last().unwrap().to_owned();
    let base = format!("http://127.0.0.1:{admin}");
    let client = reqwest::Client::new();
    wait_until_ready(&client, &format!("{base}/readyz")).await;

    let secret = login_and_issue_key(&client, &base, &password, "smoke").await.secret;

    // The new key works on the gateway within moments, with the built-in demo model.
    let chat = json!({"model": "demo-small", "messages": [{"role": "user", "content": "hello"}]});
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let answer: Value = loop {
        let res = client.post(format!("http://127.0.0.1:{gateway}/v1/chat/completions")).bearer_auth(&secret).json(&chat).send().await.unwrap();
        if res.status().is_success() {
            break res.json().await.unwrap();
        }
        assert!(std::time::Instant::now() < deadline, "the gateway did not accept the new key: {}", res.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(answer["object"], "chat.completion");
    // The demo org's routing policy makes `auto` work out of the box.
    let auto = json!({"model": "auto", "messages": [{"role": "user", "content": "Translate 'good morning' into French."}]});
    let res = client.post(format!("http://127.0.0.1:{gateway}/v1/chat/completions")).bearer_auth(&secret).json(&auto).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    assert_eq!(res.headers()["x-sluice-model"], "demo-small");
    assert_eq!(res.headers()["x-sluice-data-class"], "public");
    let docs = client.get(format!("{base}/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), reqwest::StatusCode::OK);
    (password, running)
}

#[tokio::test]
async fn up_with_database_url_bootstraps_once() {
    let url = fresh_database().await;
    let data_dir = tempfile::tempdir().unwrap();
    let (admin, gateway) = (free_port(), free_port());
    let start = || {
        let mut cmd = sluice(&["up", "--admin-addr", &format!("127.0.0.1:{admin}"), "--gateway-addr", &format!("127.0.0.1:{gateway}"), "--data-dir", data_dir.path().to_str().unwrap()]);
        cmd.env("DATABASE_URL", &url);
        Running::spawn(cmd)
    };
    let (_, running) = exercise(start(), admin, gateway).await;
    assert!(running.terminate().success(), "SIGTERM stops sluice cleanly");
    // The request's ledger row was flushed before exit.
    let db = sluice_store::Db::connect(&url, 1).await.unwrap();
    let rows: i64 = sqlx_count(&db).await;
    assert_eq!(rows, 2, "one ledger row for each of the two gateway requests");

    // The second start keeps the data and prints no new credentials.
    let mut again = start();
    let client = reqwest::Client::new();
    wait_until_ready(&client, &format!("http://127.0.0.1:{admin}/readyz")).await;
    // Bootstrap output is printed before the server listens, so by now it would be there.
    assert!(!again.drain().iter().any(|line| line.contains("admin password")), "bootstrap ran twice");
    assert!(again.terminate().success());
}

#[tokio::test]
async fn up_without_database_url_runs_a_private_postgres_and_stops_it() {
    let data_dir = tempfile::tempdir().unwrap();
    // The embedded server may run as the `postgres` account, which must reach the directory.
    std::fs::set_permissions(data_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (admin, gateway) = (free_port(), free_port());
    let cmd = sluice(&["up", "--admin-addr", &format!("127.0.0.1:{admin}"), "--gateway-addr", &format!("127.0.0.1:{gateway}"), "--data-dir", data_dir.path().to_str().unwrap()]);
    let (_, running) = exercise(Running::spawn(cmd), admin, gateway).await;
    let pid_file = data_dir.path().join("postgres/cluster/postmaster.pid");
    assert!(pid_file.exists(), "the embedded cluster lives in the data directory");
    assert!(running.terminate().success());
    assert!(!pid_file.exists(), "the embedded PostgreSQL is stopped on exit");
    assert!(data_dir.path().join("secrets.json").exists());
}

async fn sqlx_count(db: &sluice_store::Db) -> i64 {
    let mut conn = db.acquire().await.unwrap();
    sluice_store::ledger::count(&mut conn).await.unwrap()
}
