//! Building and running the admin server. Tests and `main` share this one path: `build` binds
//! (port 0 in tests) and reports the port, `run_until_stopped` serves.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use sluice_store::Db;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::AdminConfig;
use crate::console;
use crate::error::ApiError;
use crate::http::idempotency::idempotency;
use crate::http::observe::{self, observe};
use crate::routes;
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    pub fn build(config: AdminConfig, db: Db, listener: TcpListener) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState::new(db, config).map_err(|e| anyhow::anyhow!("{e}"))?);
        observe::register(&state.clone().into_inner());
        // The document is built once; Swagger UI is mounted before the `/api/v1` scope, which
        // would otherwise claim `/api/v1/openapi.json`.
        let api = crate::openapi::document();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
                .app_data(web::QueryConfig::default().error_handler(|err, _| ApiError::field("query", err.to_string()).into()))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", api.clone()))
                .into_utoipa_app()
                .configure(routes::configure)
                .into_app()
                // Requests no documented route matched: the console's static files under
                // `/console/` (not API routes, so not in the OpenAPI document) or the API's 404.
                .default_service(web::to(console::fallback))
                .wrap(from_fn(idempotency))
                // Inside the tracing span, so it can return the span's request id.
                .wrap(from_fn(observe))
                .wrap(TracingLogger::default())
        })
        .listen(listener)?
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server gracefully (used by `sluice up` on shutdown).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
