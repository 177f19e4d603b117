//! Logs, metrics and traces of the real binary: JSON log lines inside a request carry the id the
//! caller got; every metric the example Grafana dashboard charts is in a scrape of `sluice up`;
//! with `SLUICE_OTLP_ENDPOINT` set, a tiny OTLP/HTTP receiver gets the gateway's request span
//! with the GenAI attributes (and no prompt or key); without it, nothing is exported even when
//! the standard `OTEL_EXPORTER_OTLP_ENDPOINT` points at the receiver.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::harness::*;
use crate::up::exercise;

/// Bodies POSTed to `/v1/traces`.
#[derive(Clone, Default)]
struct Receiver {
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Receiver {
    /// Accepts HTTP/1.1 connections on a free loopback port and answers every request 200.
    async fn start() -> (Self, u16) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let receiver = Self::default();
        let bodies = receiver.bodies.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let bodies = bodies.clone();
                tokio::spawn(async move {
                    let mut stream = BufReader::new(stream);
                    loop {
                        let (mut path, mut length) = (String::new(), 0usize);
                        let mut line = String::new();
                        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        path.push_str(line.split_whitespace().nth(1).unwrap_or(""));
                        loop {
                            line.clear();
                            if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if line == "\r\n" {
                                break;
                            }
                            if let Some((name, value)) = line.split_once(':')
                                && name.eq_ignore_ascii_case("content-length")
                            {
                                length = value.trim().parse().unwrap_or(0);
                            }
                        }
                        let mut body = vec![0; length];
                        if stream.read_exact(&mut body).await.is_err() {
                            return;
                        }
                        if path == "/v1/traces" {
                            bodies.lock().unwrap().push(body);
                        }
                        let ok = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
                        if stream.get_mut().write_all(ok).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (receiver, port)
    }

    fn raw(&self) -> Vec<Vec<u8>> {
        self.bodies.lock().unwrap().clone()
    }

    fn spans(&self) -> Vec<Span> {
        self.raw()
            .iter()
            .flat_map(|body| ExportTraceServiceRequest::decode(body.as_slice()).expect("an OTLP protobuf export").resource_spans)
            .flat_map(|r| r.scope_spans)
            .flat_map(|s| s.spans)
            .collect()
    }
}

fn attribute(span: &Span, key: &str) -> Option<AnyValue> {
    span.attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.clone()?.value)
}

fn text(span: &Span, key: &str) -> Option<String> {
    match attribute(span, key)? {
        AnyValue::StringValue(s) => Some(s),
        _ => None,
    }
}

fn int(span: &Span, key: &str) -> Option<i64> {
    match attribute(span, key)? {
        AnyValue::IntValue(i) => Some(i),
        _ => None,
    }
}

fn up(admin: u16, gateway: u16, data_dir: &std::path::Path, url: &str) -> std::process::Command {
    let mut cmd = sluice(&["up", "--admin-addr", &format!("127.0.0.1:{admin}"), "--gateway-addr", &format!("127.0.0.1:{gateway}"), "--data-dir", data_dir.to_str().unwrap()]);
    cmd.env("DATABASE_URL", url).env("SLUICE_LOG_FORMAT", "json");
    cmd
}

/// Metric names a PromQL expression uses (`sluice_…` and `limiter_…` identifiers).
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    for c in expr.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
            current.push(c);
        } else {
            if current.starts_with("sluice_") || current.starts_with("limiter_") {
                names.push(current.clone());
            }
            current.clear();
        }
    }
    names
}

/// The series names in a Prometheus text exposition.
fn scraped_names(text: &str) -> BTreeSet<String> {
    text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(|l| l.split(['{', ' ']).next().unwrap_or("").to_owned()).collect()
}

#[tokio::test]
async fn traces_metrics_and_request_ids_of_a_running_sluice() {
    let url = fresh_database().await;
    let data_dir = tempfile::tempdir().unwrap();
    let (admin, gateway) = (free_port(), free_port());
    let (receiver, otlp) = Receiver::start().await;
    let mut cmd = up(admin, gateway, data_dir.path(), &url);
    cmd.env("SLUICE_OTLP_ENDPOINT", format!("http://127.0.0.1:{otlp}")).env("OTEL_BSP_SCHEDULE_DELAY", "200");
    let (_, running) = exercise(Running::spawn(cmd), admin, gateway).await;
    let client = reqwest::Client::new();

    // The gateway's request spans arrive, with the GenAI attributes.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let span = loop {
        let spans = receiver.spans();
        // (The first attempts may be refused while the new key reaches the gateway's snapshot.)
        if let Some(span) = spans.iter().find(|s| s.name == "chat demo-small" && int(s, "http.response.status_code") == Some(200)) {
            break span.clone();
        }
        assert!(std::time::Instant::now() < deadline, "no `chat demo-small` span exported; got {:?}", spans.iter().map(|s| (&s.name, &s.attributes)).collect::<Vec<_>>());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(text(&span, "gen_ai.operation.name").as_deref(), Some("chat"));
    assert_eq!(text(&span, "gen_ai.request.model").as_deref(), Some("demo-small"));
    assert_eq!(text(&span, "gen_ai.provider.name").as_deref(), Some("sluice.demo"));
    assert_eq!(text(&span, "gen_ai.system").as_deref(), Some("sluice.demo"));
    assert!(text(&span, "gen_ai.response.model").is_some_and(|m| !m.is_empty()));
    assert!(int(&span, "gen_ai.usage.input_tokens").is_some_and(|n| n > 0), "{:?}", span.attributes);
    assert!(int(&span, "gen_ai.usage.output_tokens").is_some_and(|n| n > 0), "{:?}", span.attributes);
    assert_eq!(int(&span, "http.response.status_code"), Some(200));
    assert!(text(&span, "request_id").is_some_and(|id| uuid::Uuid::parse_str(&id).is_ok()));
    // `auto` is named after what the caller asked for.
    assert!(receiver.spans().iter().any(|s| s.name == "chat auto" && text(s, "gen_ai.request.model").as_deref() == Some("auto")));
    // Neither the prompts nor the key went out.
    let everything: Vec<u8> = receiver.raw().concat();
    for secret in ["hello", "good morning", "sk-sluice-"] {
        assert!(!everything.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret:?} was exported");
    }

    // Every metric the dashboard charts is in a scrape (the gateway's and the admin API's
    // listeners serve the same process-wide registry under `up`).
    let gateway_scrape = client.get(format!("http://127.0.0.1:{gateway}/metrics")).send().await.unwrap().text().await.unwrap();
    let admin_scrape = client.get(format!("http://127.0.0.1:{admin}/metrics")).send().await.unwrap().text().await.unwrap();
    let scraped: BTreeSet<String> = scraped_names(&gateway_scrape).union(&scraped_names(&admin_scrape)).cloned().collect();
    let dashboard: Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/grafana/sluice-dashboard.json")).unwrap()).unwrap();
    let mut charted = BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            charted.extend(metric_names(target["expr"].as_str().unwrap()));
        }
    }
    assert!(charted.len() >= 15, "{charted:?}");
    let missing: Vec<_> = charted.difference(&scraped).collect();
    assert!(missing.is_empty(), "the dashboard charts metrics no scrape has: {missing:?}");
    // The requests were counted by route and status, and no id became a label.
    assert!(gateway_scrape.contains(r#"sluice_gateway_http_requests_total{route="/v1/chat/completions",status="200"} 2"#), "{gateway_scrape}");
    assert!(gateway_scrape.contains(r#"sluice_quota_decisions_total{outcome="admitted"} 2"#));
    assert!(admin_scrape.contains(r#"route="/api/v1/orgs/{org_id}/keys""#), "{admin_scrape}");
    assert!(!admin_scrape.contains("org_id=") && !gateway_scrape.contains("sk-sluice"));

    // The admin API returns its request id.
    let res = client.get(format!("http://127.0.0.1:{admin}/api/v1/orgs")).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::UNAUTHORIZED);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert!(running.terminate().success());
}

/// Redis is unreachable, so the admission fails closed and the gateway logs a warning: that JSON
/// line carries the request id the caller got. No OTLP setting: nothing is exported, although the
/// standard exporter variable points at a receiver.
#[tokio::test]
async fn json_log_lines_carry_the_request_id_and_nothing_is_exported_by_default() {
    let url = fresh_database().await;
    let data_dir = tempfile::tempdir().unwrap();
    let (admin, gateway, dead_redis) = (free_port(), free_port(), free_port());
    let (receiver, otlp) = Receiver::start().await;
    let mut cmd = up(admin, gateway, data_dir.path(), &url);
    cmd.env("REDIS_URL", format!("redis://127.0.0.1:{dead_redis}/"))
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://127.0.0.1:{otlp}"))
        .env("OTEL_BSP_SCHEDULE_DELAY", "100");
    let mut running = Running::spawn(cmd);
    let password = running.wait_for_line("admin password:", Duration::from_secs(120)).split_whitespace().last().unwrap().to_owned();
    let base = format!("http://127.0.0.1:{admin}");
    let client = reqwest::Client::new();
    wait_until_ready(&client, &format!("{base}/readyz")).await;
    let login: Value = client.post(format!("{base}/api/v1/auth/login")).json(&json!({"email": "admin@sluice.local", "password": password})).send().await.unwrap().json().await.unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let orgs: Value = client.get(format!("{base}/api/v1/orgs")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let org = orgs["items"][0]["id"].as_str().unwrap().to_owned();
    let teams: Value = client.get(format!("{base}/api/v1/orgs/{org}/teams")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let team = teams["items"][0]["id"].as_str().unwrap().to_owned();
    let key: Value = client.post(format!("{base}/api/v1/orgs/{org}/keys")).bearer_auth(&token).json(&json!({"team_id": team, "name": "logs"})).send().await.unwrap().json().await.unwrap();
    let secret = key["secret"].as_str().unwrap().to_owned();

    let chat = json!({"model": "demo-small", "messages": [{"role": "user", "content": "hello"}]});
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let request_id = loop {
        let res = client.post(format!("http://127.0.0.1:{gateway}/v1/chat/completions")).bearer_auth(&secret).json(&chat).send().await.unwrap();
        if res.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
            let body: Value = res.json().await.unwrap();
            if body["error"]["code"] == "limiter_unavailable" {
                break id;
            }
        }
        assert!(std::time::Instant::now() < deadline, "the gateway never refused for an unreachable Redis");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lines = running.stderr_lines();
    let warning = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["message"] == "quota store unavailable; failing closed" && l["span"]["request_id"] == request_id.as_str());
    assert!(warning.is_some(), "no JSON warning with request id {request_id}: {lines:?}");
    assert!(lines.iter().all(|l| !l.contains(&secret)), "the key secret reached the logs");
    let scrape = client.get(format!("http://127.0.0.1:{gateway}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(scrape.contains(r#"sluice_quota_decisions_total{outcome="unavailable"}"#), "{scrape}");
    assert!(running.terminate().success());
    assert!(receiver.raw().is_empty(), "spans were exported without SLUICE_OTLP_ENDPOINT");
}
