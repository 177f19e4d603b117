//! The gateway's HTTP server: routes, body limits and probes. TLS terminates in front of it.

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

use crate::api::anthropic::handlers as anthropic;
use std::sync::Arc;

use crate::api::errors::{Dialect, GatewayError};
use crate::quota::{Fallback, QuotaSource, Quotas};
use crate::api::openai::handlers;
use crate::state::GatewayState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/v1/chat/completions").route(web::post().to(handlers::chat_completions)))
        .service(web::resource("/v1/messages").route(web::post().to(anthropic::messages)))
        .service(web::resource("/v1/embeddings").route(web::post().to(handlers::embeddings)))
        .service(web::resource("/v1/models").route(web::get().to(handlers::models)))
        .service(web::resource("/v1/route/explain").route(web::post().to(handlers::route_explain)))
        .service(web::resource("/healthz").route(web::get().to(healthz)))
        .service(web::resource("/readyz").route(web::get().to(readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics)));
}

/// One actix worker per CPU the process may use; each worker gets its own quota-store
/// connection (opened on the worker's thread), so a request's Redis round trips stay on the
/// thread that serves it instead of waking another one.
pub fn http_server(state: GatewayState, source: QuotaSource, fallback: Option<Arc<Fallback>>, listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
    let drain = state.config.drain_deadline;
    Ok(HttpServer::new(move || {
        let mut worker = state.clone();
        match source.connect() {
            Ok(primary) => worker.quota = Arc::new(Quotas::new(primary, fallback.clone())),
            Err(err) => tracing::warn!(error = %err, "worker uses the shared quota connection"),
        }
        App::new().app_data(web::Data::new(worker)).configure(routes).default_service(web::to(not_found))
    })
    .shutdown_timeout(drain.as_secs())
    .listen(listener)?
    .run())
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// Ready while the configuration snapshot is fresh enough to serve from.
async fn readyz(state: web::Data<GatewayState>) -> HttpResponse {
    match crate::pipeline::fresh_snapshot(&state) {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({"status": "ready"})),
        Err(_) => HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "configuration stale"})),
    }
}

async fn metrics() -> HttpResponse {
    sluice_metrics::respond().await
}

/// Answers in Anthropic's shape when the caller evidently is an Anthropic client.
async fn not_found(req: HttpRequest) -> HttpResponse {
    let anthropic = req.path().starts_with("/v1/messages") || req.headers().contains_key("anthropic-version");
    let dialect = if anthropic { Dialect::Anthropic } else { Dialect::OpenAi };
    let err = GatewayError::invalid("Unknown route. This gateway serves /v1/chat/completions, /v1/messages, /v1/embeddings, /v1/models and /v1/route/explain.", None);
    let mut response = err.respond(dialect, "");
    *response.status_mut() = actix_web::http::StatusCode::NOT_FOUND;
    response
}
