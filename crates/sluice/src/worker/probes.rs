//! `sluice worker`'s HTTP listener, for orchestrators and Prometheus only: `/healthz` (the
//! process is up), `/readyz` (the database answers, so jobs can run) and `/metrics` (the same
//! process-wide recorder the gateway renders).

use std::net::TcpListener;

use actix_web::{App, HttpResponse, HttpServer, web};
use sluice_store::Db;

pub fn server(db: Db, listener: TcpListener) -> std::io::Result<actix_web::dev::Server> {
    // Install the recorder before the first job records anything.
    sluice_metrics::install();
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(db.clone()))
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .route("/metrics", web::get().to(sluice_metrics::respond))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(5)
    .listen(listener)?
    .run())
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn readyz(db: web::Data<Db>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ready"})),
        Err(err) => {
            tracing::warn!(error = %err, "worker readiness check failed");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "database unavailable"}))
        }
    }
}
