//! Schema-driven fuzzing of the admin API (acceptance B1): schemathesis, with two tenants' admins
//! declared as peers, against a real `sluice up` on private ports and a fresh database.
//!
//! Ignored in the plain `cargo test` run — it takes minutes and needs the schemathesis
//! virtualenv — and run on its own by `scripts/test.sh` (`cargo test -p sluice --test cli --
//! --ignored schemathesis`), which installs `tests/schemathesis/requirements.txt` into
//! `target/st-venv`. Its run time is bounded by `max-examples` in
//! `tests/schemathesis/schemathesis.toml` and by `ST_MAX_TIME` below.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::sdk::{repo, running_sluice};

/// The checks acceptance B1 names.
const CHECKS: &str =
    "not_a_server_error,status_code_conformance,response_schema_conformance,negative_data_rejection,ignored_auth,object_level_authorization";
const PHASES: &str = "examples,coverage,fuzzing,stateful";
/// Longest the run may take before the test fails (CI budget).
const ST_MAX_TIME: Duration = Duration::from_secs(300);
const PASSWORD: &str = "peer-admin-password-1";

fn st() -> PathBuf {
    let st = repo().join("target/st-venv/bin/st");
    assert!(st.exists(), "schemathesis is missing: run ./scripts/test.sh (it creates target/st-venv)");
    st
}

/// An org with one team and one key, and an org admin account; returns the admin's token.
async fn seeded_org(api: &str, root: &str, name: &str) -> String {
    let client = reqwest::Client::new();
    let slug = name.to_lowercase().replace(' ', "-");
    let org: Value = client.post(format!("{api}/orgs")).bearer_auth(root).json(&json!({"name": name, "slug": slug})).send().await.unwrap().json().await.unwrap();
    let org = org["id"].as_str().unwrap().to_owned();
    let email = format!("admin@{slug}.test");
    let member = client.post(format!("{api}/orgs/{org}/members")).bearer_auth(root).json(&json!({"email": email, "password": PASSWORD, "role": "admin"})).send().await.unwrap();
    assert!(member.status().is_success(), "{}", member.text().await.unwrap());
    let login: Value = client.post(format!("{api}/auth/login")).json(&json!({"email": email, "password": PASSWORD})).send().await.unwrap().json().await.unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let team: Value = client.post(format!("{api}/orgs/{org}/teams")).bearer_auth(&token).json(&json!({"name": "Core", "slug": "core"})).send().await.unwrap().json().await.unwrap();
    let key = client.post(format!("{api}/orgs/{org}/keys")).bearer_auth(&token).json(&json!({"team_id": team["id"], "name": "seed"})).send().await.unwrap();
    assert!(key.status().is_success());
    token
}

#[tokio::test]
#[ignore = "minutes long; scripts/test.sh runs it on its own"]
async fn schemathesis_finds_nothing_in_the_admin_api() {
    let st = st();
    let (running, _gateway, api, root, _data) = running_sluice().await;
    let a = seeded_org(&api, &root, "Org A").await;
    let b = seeded_org(&api, &root, "Org B").await;
    let wfc_dir = tempfile::tempdir().unwrap();
    let wfc = wfc_dir.path().join("auth.json");
    let entry = |name: &str, token: &str| json!({"name": name, "fixedHeaders": [{"name": "Authorization", "value": format!("Bearer {token}")}]});
    std::fs::write(&wfc, json!({"auth": [entry("org-a-admin", &a), entry("org-b-admin", &b)]}).to_string()).unwrap();
    let report = tempfile::tempdir().unwrap();

    let started = Instant::now();
    let out = std::process::Command::new(st)
        .arg("--config-file")
        .arg(repo().join("tests/schemathesis/schemathesis.toml"))
        .args(["--no-color", "run", &format!("{api}/openapi.json"), "--url", api.trim_end_matches("/api/v1")])
        .args(["--checks", CHECKS, "--phases", PHASES, "--seed", "1"])
        // Logging out or archiving the org would end the peers' sessions mid-run and turn every
        // later case into a 401/404; those operations have their own tests.
        .args(["--exclude-path-regex", "/auth/(logout|refresh)$"])
        .args(["--exclude-operation-id", "archive_org"])
        .arg("--report-dir")
        .arg(report.path())
        .env("SLUICE_ST_WFC", &wfc)
        .output()
        .unwrap();
    let took = started.elapsed();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!("{stdout}\n{stderr}\nschemathesis took {took:?}");
    assert!(out.status.success(), "schemathesis found failures (see above)");
    assert!(took <= ST_MAX_TIME, "schemathesis took {took:?}");
    assert!(running.terminate().success());
}
