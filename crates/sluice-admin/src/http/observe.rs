//! Request ids and request metrics of the admin API.
//!
//! `TracingLogger` (tracing-actix-web) opens a span per request with a fresh `request_id`; every
//! log line written while handling the request is inside it, so JSON logs carry the id. This
//! middleware, running inside that span, returns the same id as `x-request-id` (so a caller can
//! quote it) and counts the request in `sluice_admin_http_requests_total{route,method,status}`
//! and `sluice_admin_http_request_duration_seconds{route}`.
//!
//! The route label is the route template (`/api/v1/orgs/{org_id}/keys`), never the concrete path,
//! so ids never become labels; requests no route matched are `/console/*` (the console's static
//! files) or `unmatched`. The admin API is not on a hot path, so it records through the registry
//! rather than pre-registered handles.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing_actix_web::RequestId;

use crate::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub async fn observe(req: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let request_id = req.extensions().get::<RequestId>().copied();
    let method = method_label(req.method());
    let mut response = next.call(req).await?;
    let route = match response.request().match_pattern() {
        Some(pattern) => pattern,
        None if response.request().path().starts_with("/console") => "/console/*".to_owned(),
        None => "unmatched".to_owned(),
    };
    let status = sluice_metrics::http::status_label(response.status().as_u16());
    metrics::counter!("sluice_admin_http_requests_total", "route" => route.clone(), "method" => method, "status" => status).increment(1);
    metrics::histogram!("sluice_admin_http_request_duration_seconds", "route" => route).record(started.elapsed().as_secs_f64());
    if let Some(id) = request_id
        && let Ok(value) = HeaderValue::from_str(&id.to_string())
    {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

fn method_label(method: &actix_web::http::Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// Describes the admin metrics and sets the database pool gauges at every scrape while the
/// application lives (the hook holds it weakly, so a stopped server's pool is not kept open).
pub fn register(state: &Arc<AppState>) {
    sluice_metrics::install();
    metrics::describe_counter!("sluice_admin_http_requests_total", "Admin API requests by route template, method and status code");
    metrics::describe_histogram!("sluice_admin_http_request_duration_seconds", metrics::Unit::Seconds, "Admin API request duration by route template");
    metrics::describe_gauge!("sluice_db_pool_in_use", "PostgreSQL connections of the admin API's pool checked out right now");
    metrics::describe_gauge!("sluice_db_pool_idle", "PostgreSQL connections of the admin API's pool open and idle");
    let state = Arc::downgrade(state);
    sluice_metrics::on_scrape(move || {
        let Some(state) = state.upgrade() else { return false };
        let usage = state.db.usage();
        metrics::gauge!("sluice_db_pool_in_use").set(usage.in_use as f64);
        metrics::gauge!("sluice_db_pool_idle").set(usage.idle as f64);
        true
    });
}
