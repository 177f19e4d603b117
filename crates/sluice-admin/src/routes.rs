//! The route table. API routes are mounted only through utoipa-actix-web's `service`, which
//! requires `#[utoipa::path]` on each handler: a route cannot be served without being
//! documented. Keep this file boring: one line per handler.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::resources::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(
        scope("/api/v1")
            // auth
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::me)
            // orgs
            .service(orgs::create_org)
            .service(orgs::list_orgs)
            .service(orgs::get_org)
            .service(orgs::update_org)
            .service(orgs::archive_org)
            // providers (platform-wide)
            .service(providers::create_provider)
            .service(providers::list_providers)
            .service(providers::get_provider)
            .service(providers::update_provider)
            .service(providers::delete_provider)
            // models and their price versions (platform-wide)
            .service(models::create_model)
            .service(models::list_models)
            .service(models::get_model)
            .service(models::update_model)
            .service(models::delete_model)
            .service(model_prices::list_prices)
            .service(model_prices::create_price),
    );
}
