//! The canary: create virtual keys, rotate one, store provider credentials and log in, provoke
//! errors with the secrets in the wrong places, then search everything Sluice wrote — captured
//! logs at TRACE level, every response body, the audit log, and a `pg_dump` of the whole
//! database — for any of those secrets in plain text.

use std::io::Write;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber in this test binary");
        captured
    })
    .clone()
}

fn pg_dump(database_url: &str) -> String {
    let candidates = std::iter::once(std::path::PathBuf::from("pg_dump")).chain(
        std::fs::read_dir("/usr/lib/postgresql").into_iter().flatten().flatten().map(|e| e.path().join("bin/pg_dump")),
    );
    for program in candidates {
        if let Ok(out) = Command::new(&program).args(["--data-only", "--no-owner", database_url]).output() {
            assert!(out.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&out.stderr));
            return String::from_utf8_lossy(&out.stdout).into_owned();
        }
    }
    panic!("pg_dump not found: install the PostgreSQL client");
}

#[tokio::test]
async fn no_secret_in_logs_error_bodies_audit_rows_or_the_database() {
    let logs = capture_logs();
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let mut bodies: Vec<String> = Vec::new();
    let mut record = |v: &Value| bodies.push(v.to_string());

    let org = app.create_org(&root, "Acme").await;
    let team = id_of(&app.post_ok(&format!("/api/v1/orgs/{org}/teams"), &root, json!({"name": "Core"}), StatusCode::CREATED).await);
    let keys = format!("/api/v1/orgs/{org}/keys");
    let created = app.post_ok(&keys, &root, json!({"team_id": team, "name": "canary"}), StatusCode::CREATED).await;
    let key = id_of(&created);
    let rotated = app.post_ok(&format!("{keys}/{key}/rotate"), &root, json!({"grace_period_secs": 60}), StatusCode::OK).await;
    let key_secrets: Vec<String> = [&created, &rotated].iter().map(|v| v["secret"].as_str().unwrap().to_owned()).collect();

    let credential = format!("sk-proj-CANARY{}", uuid::Uuid::new_v4().simple());
    let provider = app
        .post_ok(
            "/api/v1/providers",
            &root,
            json!({"name": "canary-openai", "kind": "openai", "base_url": "https://api.openai.com/v1", "trust_tier": "external", "credentials": credential}),
            StatusCode::CREATED,
        )
        .await;
    record(&provider);
    let provider_id = id_of(&provider);
    let new_credential = format!("sk-ant-CANARY{}", uuid::Uuid::new_v4().simple());
    record(&expect_status(app.patch(&format!("/api/v1/providers/{provider_id}"), &root, json!({"credentials": new_credential})).await, StatusCode::OK).await);

    let password = format!("canary password {}", uuid::Uuid::new_v4().simple());
    let member = app.post_ok(&format!("/api/v1/orgs/{org}/members"), &root, json!({"email": "c@acme.test", "password": password, "role": "viewer"}), StatusCode::CREATED).await;
    record(&member);
    assert_eq!(app.login("c@acme.test", &password).await.status(), StatusCode::OK);

    // A webhook signing secret: in its create response only.
    let webhooks = format!("/api/v1/orgs/{org}/webhooks");
    let webhook = app.post_ok(&webhooks, &root, json!({"url": "https://hooks.example.com/canary"}), StatusCode::CREATED).await;
    let webhook_secret = webhook["secret"].as_str().unwrap().to_owned();

    // Secrets in the wrong places: every error body must not echo them.
    let wrong_places = [
        (Method::POST, keys.clone(), json!({"team_id": team, "name": "x", "metadata": key_secrets[0]})),
        (Method::POST, keys.clone(), json!({"team_id": key_secrets[1], "name": "x"})),
        (Method::PATCH, format!("/api/v1/providers/{provider_id}"), json!({"credentials": format!("{credential}\nx")})),
        (Method::PATCH, format!("/api/v1/providers/{provider_id}"), json!({"data_terms": credential})),
        (Method::POST, "/api/v1/auth/login".to_owned(), json!({"email": "c@acme.test", "password": key_secrets[0]})),
        (Method::POST, "/api/v1/auth/refresh".to_owned(), json!({"refresh_token": key_secrets[1]})),
        (Method::POST, webhooks.clone(), json!({"url": webhook_secret})),
    ];
    for (method, path, body) in wrong_places {
        let res = app.request(method, &path, Some(&root.token), Some(body)).await;
        assert!(res.status().is_client_error(), "{path} should refuse");
        bodies.push(res.text().await.unwrap());
    }
    // Presenting a key secret as an admin bearer token is refused without echo.
    let res = app.request(Method::GET, "/api/v1/me", Some(&key_secrets[0]), None).await;
    bodies.push(res.text().await.unwrap());
    // Reads of everything that holds secrets.
    for path in [keys.clone(), format!("{keys}/{key}"), "/api/v1/providers".to_owned(), format!("/api/v1/orgs/{org}/audit-log"), "/api/v1/audit-log".to_owned(), webhooks.clone()] {
        bodies.push(app.get_ok(&path, &root).await.to_string());
    }

    let dump = pg_dump(&app.database_url);
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(logs.contains("console login"), "log capture works");
    let mut secrets: Vec<String> = vec![credential, new_credential, password, webhook_secret.clone(), webhook_secret[6..].to_owned()];
    for s in &key_secrets {
        secrets.push(s.clone());
        // The part after the display prefix is the secret proper.
        secrets.push(s[14..s.len() - 4].to_owned());
    }
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret is in the logs");
        assert!(!dump.contains(secret.as_str()), "a secret is in the database dump");
        for body in &bodies {
            assert!(!body.contains(secret.as_str()), "a secret is in a response body: {body}");
        }
    }
    assert!(dump.contains("canary-openai"), "the dump covers the providers table");
}
