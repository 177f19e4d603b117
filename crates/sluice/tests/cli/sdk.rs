//! The official Python SDKs, unmodified, against `sluice up` (scripts in `tests/sdk/`).
//!
//! `scripts/test.sh` installs them into `target/sdk-venv` from `tests/sdk/requirements.txt`.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::*;

pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn python() -> PathBuf {
    let venv = repo().join("target/sdk-venv/bin/python");
    assert!(venv.exists(), "the SDK virtualenv is missing: run ./scripts/test.sh (it creates target/sdk-venv)");
    venv
}

/// `sluice up` on fresh ports and database; returns the process, the gateway URL and an admin token.
pub async fn running_sluice() -> (Running, String, String, String, tempfile::TempDir) {
    let url = fresh_database().await;
    let data = tempfile::tempdir().unwrap();
    let (admin, gateway) = (free_port(), free_port());
    let mut cmd = sluice(&["up", "--admin-addr", &format!("127.0.0.1:{admin}"), "--gateway-addr", &format!("127.0.0.1:{gateway}"), "--data-dir", data.path().to_str().unwrap()]);
    cmd.env("DATABASE_URL", &url);
    let mut running = Running::spawn(cmd);
    let password = running.wait_for_line("admin password:", Duration::from_secs(60)).split_whitespace().last().unwrap().to_owned();
    let api = format!("http://127.0.0.1:{admin}/api/v1");
    let client = reqwest::Client::new();
    wait_until_ready(&client, &format!("http://127.0.0.1:{admin}/readyz")).await;
    let login: Value = client.post(format!("{api}/auth/login")).json(&json!({"email": "admin@sluice.local", "password": password})).send().await.unwrap().json().await.unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    (running, format!("http://127.0.0.1:{gateway}/v1"), api, token, data)
}

async fn issue_key(api: &str, token: &str, rpm: Option<u32>) -> String {
    let client = reqwest::Client::new();
    let orgs: Value = client.get(format!("{api}/orgs")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    let org = orgs["items"][0]["id"].as_str().unwrap().to_owned();
    let teams: Value = client.get(format!("{api}/orgs/{org}/teams")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    let team = teams["items"][0]["id"].as_str().unwrap().to_owned();
    let key: Value = client.post(format!("{api}/orgs/{org}/keys")).bearer_auth(token).json(&json!({"team_id": team, "name": "sdk"})).send().await.unwrap().json().await.unwrap();
    if let Some(rpm) = rpm {
        let res = client.post(format!("{api}/orgs/{org}/rate-limits")).bearer_auth(token).json(&json!({"key_id": key["id"], "rpm": rpm})).send().await.unwrap();
        assert!(res.status().is_success());
    }
    key["secret"].as_str().unwrap().to_owned()
}

async fn wait_for_key(gateway: &str, secret: &str) {
    let client = reqwest::Client::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !client.get(format!("{gateway}/models")).bearer_auth(secret).send().await.unwrap().status().is_success() {
        assert!(std::time::Instant::now() < deadline, "the gateway never accepted the key");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs one SDK script against a fresh `sluice up` with a plain key and a rate-limited one.
async fn run_sdk_script(script: &str) {
    let python = python();
    let (running, gateway, api, token, _data) = running_sluice().await;
    let key = issue_key(&api, &token, None).await;
    let limited = issue_key(&api, &token, Some(6)).await;
    wait_for_key(&gateway, &key).await;
    wait_for_key(&gateway, &limited).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let out = std::process::Command::new(python)
        .arg(repo().join("tests/sdk").join(script))
        .env("SLUICE_GATEWAY_URL", &gateway)
        .env("SLUICE_GATEWAY_ROOT", gateway.trim_end_matches("/v1"))
        .env("SLUICE_KEY", &key)
        .env("SLUICE_LIMITED_KEY", &limited)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"));
    assert!(running.terminate().success());
}

#[tokio::test]
async fn the_official_openai_sdk_works_unmodified() {
    run_sdk_script("openai_sdk.py").await;
}

#[tokio::test]
async fn the_official_anthropic_sdk_works_unmodified() {
    run_sdk_script("anthropic_sdk.py").await;
}
