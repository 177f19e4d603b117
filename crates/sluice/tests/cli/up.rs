use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::*;

/// What an operator does on a fresh machine: `sluice up`, log in with the printed credentials,
/// create a team and a key, stop it, start it again.
async fn exercise(mut running: Running, admin: u16) -> (String, Running) {
    let password_line = running.wait_for_line("admin password:", Duration::from_secs(120));
    let password = password_line.split_whitespace().last().unwrap().to_owned();
    let base = format!("http://127.0.0.1:{admin}");
    let client = reqwest::Client::new();
    wait_until_ready(&client, &format!("{base}/readyz")).await;

    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "admin@sluice.local", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().expect("the printed credentials log in").to_owned();
    let orgs: Value = client.get(format!("{base}/api/v1/orgs")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let org = orgs["items"][0]["id"].as_str().expect("a demo org exists").to_owned();
    let teams: Value = client.get(format!("{base}/api/v1/orgs/{org}/teams")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let team = teams["items"][0]["id"].as_str().expect("a default team exists").to_owned();
    let key = client.post(format!("{base}/api/v1/orgs/{org}/keys")).bearer_auth(&token).json(&json!({"team_id": team, "name": "smoke"})).send().await.unwrap();
    assert_eq!(key.status(), reqwest::StatusCode::CREATED);
    let docs = client.get(format!("{base}/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), reqwest::StatusCode::OK);
    (password, running)
}

#[tokio::test]
async fn up_with_database_url_bootstraps_once() {
    let url = fresh_database().await;
    let data_dir = tempfile::tempdir().unwrap();
    let admin = free_port();
    let start = || {
        let mut cmd = sluice(&["up", "--admin-addr", &format!("127.0.0.1:{admin}"), "--data-dir", data_dir.path().to_str().unwrap()]);
        cmd.env("DATABASE_URL", &url);
        Running::spawn(cmd)
    };
    let (_, running) = exercise(start(), admin).await;
    assert!(running.terminate().success(), "SIGTERM stops sluice cleanly");

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
    let admin = free_port();
    let cmd = sluice(&["up", "--admin-addr", &format!("127.0.0.1:{admin}"), "--data-dir", data_dir.path().to_str().unwrap()]);
    let (_, running) = exercise(Running::spawn(cmd), admin).await;
    let pid_file = data_dir.path().join("postgres/cluster/postmaster.pid");
    assert!(pid_file.exists(), "the embedded cluster lives in the data directory");
    assert!(running.terminate().success());
    assert!(!pid_file.exists(), "the embedded PostgreSQL is stopped on exit");
    assert!(data_dir.path().join("secrets.json").exists());
}
