//! PostgreSQL outages against the real binary (acceptance F3 and F6 b): each test runs its own
//! PostgreSQL (`PrivatePostgres`), so crashing it disturbs no other test.
//!
//! - A gateway stopped with SIGTERM while PostgreSQL is down exits 0 by its drain deadline; the
//!   rows the database could not take stay in the outbox and reach the ledger at the next start,
//!   exactly once each.
//! - With the database unreachable (a black-holing fault proxy between Sluice and PostgreSQL),
//!   known keys keep working from the snapshot until `snapshot_max_staleness`, then every request
//!   fails closed with 503; a key created during the outage is refused; the admin API answers 503
//!   within its pool acquire timeout and writes nothing; after recovery every admitted request has
//!   exactly one ledger row.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{Value, json};
use sluice_store::{Db, ledger};
use sluice_testkit::acceptance::*;
use sluice_testkit::{Fault, FaultProxy, PrivatePostgres};
use uuid::Uuid;

use crate::harness::*;

fn chat() -> Value {
    json!({"model": "demo-small", "messages": [{"role": "user", "content": "outage"}]})
}

/// Sends chat requests at a fixed rate for `duration` and returns every status (requests are
/// started on schedule, not after the previous one ends: an open-loop load like `oha -q`).
async fn at_rate(port: u16, secret: &str, per_second: u32, duration: Duration) -> Vec<u16> {
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/v1/chat/completions");
    let mut tick = tokio::time::interval(Duration::from_secs(1) / per_second);
    let end = Instant::now() + duration;
    let mut calls = Vec::new();
    while Instant::now() < end {
        tick.tick().await;
        let call = client.post(&url).bearer_auth(secret).json(&chat()).send();
        calls.push(tokio::spawn(async move { call.await.map_or(0, |r| r.status().as_u16()) }));
    }
    join_all(calls).await.into_iter().map(|r| r.unwrap()).collect()
}

/// Waits until the ledger holds at least `expected` rows for `key` (or 30 s pass), then returns
/// the rows; checks that no request id appears twice.
async fn ledger_rows(url: &str, key: Uuid, expected: usize) -> Vec<ledger::LedgerRow> {
    let db = Db::connect(url, 1).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut conn = db.acquire().await.unwrap();
        let rows = ledger::rows_of_key(&mut conn, key).await.unwrap();
        if rows.len() >= expected || Instant::now() > deadline {
            let ids: HashSet<Uuid> = rows.iter().map(|r| r.request_id).collect();
            assert_eq!(ids.len(), rows.len(), "a request id appears twice in the ledger");
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn gateway(url: &str, data: &std::path::Path, port: u16) -> Running {
    let mut cmd = sluice(&["gateway", "--gateway-addr", &format!("127.0.0.1:{port}"), "--data-dir", data.to_str().unwrap()]);
    cmd.env("DATABASE_URL", url)
        .env("SLUICE_DRAIN_DEADLINE_SECS", F6_DRAIN_DEADLINE.as_secs().to_string())
        .env("SLUICE_DATABASE_ACQUIRE_TIMEOUT_MS", F3_ADMIN_ACQUIRE_TIMEOUT.as_millis().to_string());
    Running::spawn(cmd)
}

#[tokio::test]
async fn sigterm_with_postgres_down_exits_by_the_drain_deadline_and_loses_no_usage() {
    let mut pg = PrivatePostgres::start();
    let url = pg.database("sluice").await;
    assert!(sluice(&["migrate"]).env("DATABASE_URL", &url).output().unwrap().status.success());
    let db = Db::connect(&url, 1).await.unwrap();
    let t = tenant(&db).await;
    db.close().await;
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let first = gateway(&url, data.path(), port);
    wait_until_ready(&reqwest::Client::new(), &format!("http://127.0.0.1:{port}/readyz")).await;
    wait_for_key_status(port, &t.secret, 200).await;

    pg.stop_immediate();
    let statuses = at_rate(port, &t.secret, F3_REQUESTS_PER_SECOND, F3_FAST_OUTAGE).await;
    assert!(statuses.iter().all(|s| *s == 200), "the snapshot serves a known key while PostgreSQL is down: {statuses:?}");

    let stopping = Instant::now();
    let status = first.terminate();
    let took = stopping.elapsed();
    assert!(status.success(), "exit status {status:?}");
    assert!(took <= F6_DRAIN_DEADLINE + F6_EXIT_SLACK, "exit took {took:?}; the drain deadline is {F6_DRAIN_DEADLINE:?}");
    eprintln!("F6b: {} requests during the outage; SIGTERM to exit {took:?}", statuses.len());

    // PostgreSQL back, the gateway started again on the same outbox: every request, one row.
    pg.restart();
    let second = gateway(&url, data.path(), port);
    wait_until_ready(&reqwest::Client::new(), &format!("http://127.0.0.1:{port}/readyz")).await;
    let rows = ledger_rows(&url, t.key, statuses.len()).await;
    assert_eq!(rows.len(), statuses.len(), "ledger rows == admitted requests");
    assert!(second.terminate().success());
    // Nothing is replayed twice by a second restart either.
    let third = gateway(&url, data.path(), port);
    wait_until_ready(&reqwest::Client::new(), &format!("http://127.0.0.1:{port}/readyz")).await;
    assert!(third.terminate().success());
    assert_eq!(ledger_rows(&url, t.key, statuses.len()).await.len(), statuses.len());
    eprintln!("F6b: ledger rows {} == requests {}", rows.len(), statuses.len());
}

/// `sluice up` whose database connections go through a fault proxy.
async fn up_behind_proxy(database_url: &str, data: &std::path::Path) -> (Running, u16, u16) {
    let (admin, gateway) = (free_port(), free_port());
    let mut cmd = sluice(&["up", "--admin-addr", &format!("127.0.0.1:{admin}"), "--gateway-addr", &format!("127.0.0.1:{gateway}"), "--data-dir", data.to_str().unwrap()]);
    cmd.env("DATABASE_URL", database_url)
        .env("SLUICE_SNAPSHOT_MAX_STALENESS_SECS", F3_FAST_SNAPSHOT_MAX_STALENESS.as_secs().to_string())
        .env("SLUICE_SNAPSHOT_RELOAD_SECS", (F3_FAST_SNAPSHOT_MAX_STALENESS.as_secs() / 4).to_string())
        .env("SLUICE_DATABASE_ACQUIRE_TIMEOUT_MS", F3_ADMIN_ACQUIRE_TIMEOUT.as_millis().to_string());
    let mut running = Running::spawn(cmd);
    running.wait_for_line("admin password:", Duration::from_secs(120));
    wait_until_ready(&reqwest::Client::new(), &format!("http://127.0.0.1:{admin}/readyz")).await;
    (running, admin, gateway)
}

/// Logs in as the bootstrap admin and returns (token, demo org id, default team id).
async fn admin_session(running: &Running, admin: u16) -> (String, String, String) {
    let password = running.stdout_seen.iter().find(|l| l.contains("admin password:")).unwrap().split_whitespace().last().unwrap().to_owned();
    let base = format!("http://127.0.0.1:{admin}/api/v1");
    let client = reqwest::Client::new();
    let login: Value = client.post(format!("{base}/auth/login")).json(&json!({"email": "admin@sluice.local", "password": password})).send().await.unwrap().json().await.unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let orgs: Value = client.get(format!("{base}/orgs")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let org = orgs["items"][0]["id"].as_str().unwrap().to_owned();
    let teams: Value = client.get(format!("{base}/orgs/{org}/teams")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let team = teams["items"][0]["id"].as_str().unwrap().to_owned();
    (token, org, team)
}

#[tokio::test]
async fn postgres_unreachable_serves_known_keys_until_stale_then_fails_closed_and_loses_nothing() {
    let pg = PrivatePostgres::start();
    let direct_url = pg.database("sluice").await;
    let proxy = FaultProxy::start(([127, 0, 0, 1], pg.port).into());
    let proxied_url = direct_url.replace(&format!(":{}/", pg.port), &format!(":{}/", proxy.port()));
    let data = tempfile::tempdir().unwrap();
    let (running, admin, gateway) = up_behind_proxy(&proxied_url, data.path()).await;
    let (token, org, team) = admin_session(&running, admin).await;
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{admin}/api/v1");
    let created: Value = client.post(format!("{base}/orgs/{org}/keys")).bearer_auth(&token).json(&json!({"team_id": team, "name": "known"})).send().await.unwrap().json().await.unwrap();
    let (known_id, known) = (Uuid::parse_str(created["id"].as_str().unwrap()).unwrap(), created["secret"].as_str().unwrap().to_owned());
    wait_for_key_status(gateway, &known, 200).await;

    // The outage: Sluice's connections to PostgreSQL go silent. A key is created meanwhile
    // (straight in the database): the gateway cannot have it in its snapshot.
    proxy.set(Fault::Blackhole);
    let outage = Instant::now();
    let direct = Db::connect(&direct_url, 1).await.unwrap();
    let (_, unseen) = new_key(&direct, Uuid::parse_str(&org).unwrap(), Uuid::parse_str(&team).unwrap(), "unseen").await;

    let statuses = at_rate(gateway, &known, F3_REQUESTS_PER_SECOND, F3_FAST_OUTAGE).await;
    assert!(statuses.iter().all(|s| *s == 200), "known key during the outage: {statuses:?}");
    let unseen_status = client.get(format!("http://127.0.0.1:{gateway}/v1/models")).bearer_auth(&unseen).send().await.unwrap().status();
    assert_eq!(unseen_status, 401, "a key the snapshot does not know is refused");

    // The admin API answers 503 within its acquire timeout, and writes nothing.
    let asked = Instant::now();
    let res = client.post(format!("{base}/orgs/{org}/teams")).bearer_auth(&token).json(&json!({"name": "Outage", "slug": "outage"})).send().await.unwrap();
    let admin_took = asked.elapsed();
    assert_eq!(res.status(), 503);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "service_unavailable");
    assert!(admin_took <= F3_ADMIN_503_BOUND, "admin answered after {admin_took:?}");

    // Past the staleness window every request fails closed.
    let stale_deadline = outage + F3_FAST_SNAPSHOT_MAX_STALENESS + Duration::from_secs(3);
    let mut served_after = statuses.len();
    let failed_closed_at = loop {
        let res = client.post(format!("http://127.0.0.1:{gateway}/v1/chat/completions")).bearer_auth(&known).json(&chat()).send().await.unwrap();
        if res.status() == 503 {
            assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "configuration_unavailable");
            break outage.elapsed();
        }
        assert_eq!(res.status(), 200);
        served_after += 1;
        assert!(Instant::now() < stale_deadline, "still serving {:?} into the outage", outage.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Fail-closed may not come before the window (less one reload interval) has passed.
    let earliest = F3_FAST_SNAPSHOT_MAX_STALENESS - F3_FAST_SNAPSHOT_MAX_STALENESS / 4 - Duration::from_millis(500);
    assert!(failed_closed_at >= earliest, "failed closed after only {failed_closed_at:?}");

    // Recovery: every admitted request has exactly one row; the refused team was not written.
    proxy.set(Fault::Pass);
    let rows = ledger_rows(&direct_url, known_id, served_after).await;
    assert_eq!(rows.len(), served_after, "ledger rows == admitted requests");
    let mut conn = direct.acquire().await.unwrap();
    let page = sluice_store::page::Page { after: None, limit: 100 };
    let teams = sluice_store::teams::list(&mut conn, Uuid::parse_str(&org).unwrap(), None, None, page).await.unwrap();
    assert!(teams.iter().all(|t| t.slug != "outage"), "no partial write during the outage");
    drop(conn);
    eprintln!(
        "F3: {served_after} requests served from the snapshot, fail-closed {failed_closed_at:?} into the outage (window {F3_FAST_SNAPSHOT_MAX_STALENESS:?}), admin 503 in {admin_took:?}, ledger rows {} == requests",
        rows.len()
    );
    assert!(running.terminate().success());
}
