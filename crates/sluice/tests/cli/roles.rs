//! The three roles as separate processes, as a Kubernetes or compose deployment runs them:
//! `sluice admin`, `sluice gateway` and `sluice worker` against one PostgreSQL and one Redis,
//! sharing only the configuration. And several workers at once: each job runs once per slot.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use sluice_store::{Db, ledger, sessions, users, worker_jobs};
use sluice_testkit::PrivateRedis;
use uuid::Uuid;

use crate::harness::*;

/// The same settings for every role, as a ConfigMap and Secret would give them.
fn role(args: &[&str], url: &str, redis: &PrivateRedis, data: &std::path::Path) -> std::process::Command {
    let mut cmd = sluice(&[args, &["--data-dir", data.to_str().unwrap()]].concat());
    cmd.env("DATABASE_URL", url)
        .env("REDIS_URL", redis.url())
        .env("SLUICE_JWT_SECRET", "a-shared-secret-of-at-least-thirty-two-bytes")
        .env("SLUICE_CREDENTIAL_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
        .env("SLUICE_WORKER_INTERVAL_SECS", "2");
    cmd
}

async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let res = client.get(url).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn admin_gateway_and_worker_run_as_separate_processes() {
    let url = fresh_database().await;
    let redis = PrivateRedis::start();
    // Separate data directories: the roles share nothing on disk.
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    assert!(sluice(&["migrate"]).env("DATABASE_URL", &url).output().unwrap().status.success());
    let (admin_port, gateway_port, worker_port) = (free_port(), free_port(), free_port());
    let mut admin = Running::spawn(role(&["admin", "--admin-addr", &format!("127.0.0.1:{admin_port}")], &url, &redis, dirs[0].path()));
    let gateway = Running::spawn(role(&["gateway", "--gateway-addr", &format!("127.0.0.1:{gateway_port}")], &url, &redis, dirs[1].path()));
    let worker = Running::spawn(role(&["worker", "--worker-addr", &format!("127.0.0.1:{worker_port}")], &url, &redis, dirs[2].path()));

    let password = admin.wait_for_line("admin password:", Duration::from_secs(60)).split_whitespace().last().unwrap().to_owned();
    let (admin_base, gateway_base, worker_base) =
        (format!("http://127.0.0.1:{admin_port}"), format!("http://127.0.0.1:{gateway_port}"), format!("http://127.0.0.1:{worker_port}"));
    let client = reqwest::Client::new();
    for probe in [format!("{admin_base}/readyz"), format!("{gateway_base}/readyz"), format!("{worker_base}/readyz")] {
        wait_until_ready(&client, &probe).await;
    }
    // Each role serves only its own surface.
    assert_eq!(get(&client, &format!("{worker_base}/healthz")).await.0, 200);
    assert_eq!(client.post(format!("{admin_base}/v1/chat/completions")).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(get(&client, &format!("{gateway_base}/api/v1/orgs")).await.0, 404);

    // Log in on the admin process and issue a key.
    let issued = login_and_issue_key(&client, &admin_base, &password, "roles").await;
    let (key_id, secret) = (issued.key_id.parse::<Uuid>().unwrap(), issued.secret);

    // The gateway process learns of the key through PostgreSQL and serves it.
    let chat = json!({"model": "demo-small", "messages": [{"role": "user", "content": "hello from another process"}]});
    let deadline = Instant::now() + Duration::from_secs(10);
    let request_id = loop {
        let res = client.post(format!("{gateway_base}/v1/chat/completions")).bearer_auth(&secret).json(&chat).send().await.unwrap();
        if res.status().is_success() {
            break res.headers()["x-request-id"].to_str().unwrap().parse::<Uuid>().unwrap();
        }
        assert!(Instant::now() < deadline, "the gateway never accepted the key: {}", res.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    // Its ledger row arrives in the shared database.
    let db = Db::connect(&url, 2).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let rows = loop {
        let mut conn = db.acquire().await.unwrap();
        let rows = ledger::rows_of_key(&mut conn, key_id).await.unwrap();
        if !rows.is_empty() || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(rows.len(), 1, "one ledger row for the one request");
    assert_eq!(rows[0].request_id, request_id);
    assert_eq!(rows[0].status, "ok");

    // The worker ran its jobs and says so on /metrics.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !get(&client, &format!("{worker_base}/metrics")).await.1.contains("sluice_worker_job_runs_total") {
        assert!(Instant::now() < deadline, "the worker reported no job run");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for running in [admin, gateway, worker] {
        assert!(running.terminate().success(), "every role stops cleanly on SIGTERM");
    }
}

/// `sluice_worker_job_runs_total{job=…,outcome="ok"}` summed over one worker's /metrics text.
fn ok_runs(metrics: &str) -> HashMap<String, u64> {
    let mut runs = HashMap::new();
    for line in metrics.lines().filter(|l| l.starts_with("sluice_worker_job_runs_total{") && l.contains("outcome=\"ok\"")) {
        let job = line.split("job=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned();
        let count: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        *runs.entry(job).or_default() += count;
    }
    runs
}

#[tokio::test]
async fn two_workers_run_each_job_once_per_slot() {
    let url = fresh_database().await;
    let redis = PrivateRedis::start();
    assert!(sluice(&["migrate"]).env("DATABASE_URL", &url).output().unwrap().status.success());
    let db = Db::connect(&url, 2).await.unwrap();
    // A console session that ended long ago (to be purged) and a live one (to be kept).
    let mut conn = db.acquire().await.unwrap();
    let user = users::insert(&mut conn, &users::NewUser { id: Uuid::now_v7(), email: "ops@example.com", display_name: "ops", password_hash: None, is_platform_admin: false })
        .await
        .unwrap();
    let (ended, live) = (b"ended-session-token-hash".to_vec(), b"live-session-token-hash".to_vec());
    sessions::insert(&mut conn, Uuid::now_v7(), user.id, &ended, Utc::now() - chrono::Duration::days(3)).await.unwrap();
    sessions::insert(&mut conn, Uuid::now_v7(), user.id, &live, Utc::now() + chrono::Duration::days(3)).await.unwrap();
    drop(conn);

    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let ports = [free_port(), free_port()];
    let workers: Vec<Running> =
        (0..2).map(|i| Running::spawn(role(&["worker", "--worker-addr", &format!("127.0.0.1:{}", ports[i])], &url, &redis, dirs[i].path()))).collect();
    let client = reqwest::Client::new();
    for port in ports {
        wait_until_ready(&client, &format!("http://127.0.0.1:{port}/readyz")).await;
    }
    // Both poll every 500 ms for 2-second slots: several slots, each raced by both workers.
    tokio::time::sleep(Duration::from_secs(7)).await;
    // What the two workers say they ran must equal the finished slots: nobody ran a slot twice.
    // A run may be in flight while we look (claimed, not yet counted), so compare at a quiet
    // moment: jobs take milliseconds and the workers look every 500 ms.
    let mut conn = db.acquire().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let (reported, runs) = loop {
        let mut reported: HashMap<String, u64> = HashMap::new();
        for port in ports {
            for (job, n) in ok_runs(&get(&client, &format!("http://127.0.0.1:{port}/metrics")).await.1) {
                *reported.entry(job).or_default() += n;
            }
        }
        let runs = worker_jobs::recent(&mut conn, 1).await.unwrap();
        let settled = ["ledger-partitions", "purge-expired"].iter().all(|job| {
            let slots = runs.iter().filter(|r| r.job == *job);
            slots.clone().all(|r| r.outcome.is_some()) && reported.get(*job).copied().unwrap_or(0) == slots.count() as u64
        });
        if settled || Instant::now() > deadline {
            break (reported, runs);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for running in workers {
        assert!(running.terminate().success());
    }
    for job in ["ledger-partitions", "purge-expired"] {
        let slots: Vec<_> = runs.iter().filter(|r| r.job == job).collect();
        assert!(slots.len() >= 3, "{job} ran in {} slots: {runs:?}", slots.len());
        assert!(slots.iter().all(|r| r.outcome.as_deref() == Some("ok")), "{runs:?}");
        assert_eq!(reported.get(job).copied().unwrap_or(0), slots.len() as u64, "{job}: runs reported {reported:?} vs slots {runs:?}");
    }
    // The purge did its work: the ended session is gone, the live one is still there.
    assert_eq!(sessions::revoke_by_token(&mut conn, &ended).await.unwrap(), None, "ended session purged");
    assert_eq!(sessions::revoke_by_token(&mut conn, &live).await.unwrap(), Some(user.id), "live session kept");
}
