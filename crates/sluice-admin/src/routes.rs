//! The route table. API routes are mounted only through utoipa-actix-web's `service`, which
//! requires `#[utoipa::path]` on each handler: a route cannot be served without being
//! documented. Keep this file boring: one line per handler.

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::resources::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz).service(health::metrics).service(
        scope("/api/v1")
            // auth
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::me)
            // users
            .service(users::create_user)
            .service(users::list_users)
            .service(users::get_user)
            .service(users::update_user)
            // orgs
            .service(orgs::create_org)
            .service(orgs::list_orgs)
            .service(orgs::get_org)
            .service(orgs::update_org)
            .service(orgs::archive_org)
            // org members
            .service(members::list_org_members)
            .service(members::add_org_member)
            .service(members::set_org_role)
            .service(members::remove_org_member)
            // teams
            .service(teams::create_team)
            .service(teams::list_teams)
            .service(teams::get_team)
            .service(teams::update_team)
            .service(teams::delete_team)
            // team members
            .service(members::list_team_members)
            .service(members::add_team_member)
            .service(members::set_team_role)
            .service(members::remove_team_member)
            // virtual keys
            .service(keys::create_key)
            .service(keys::list_keys)
            .service(keys::get_key)
            .service(keys::update_key)
            .service(keys::revoke_key)
            .service(keys::rotate_key)
            // audit log
            .service(audit_log::org_audit_log)
            .service(audit_log::platform_audit_log)
            // budgets
            .service(budgets::create_budget)
            .service(budgets::list_budgets)
            .service(budgets::get_budget)
            .service(budgets::update_budget)
            .service(budgets::delete_budget)
            .service(forecast::budget_forecast_view)
            .service(alerts::list_alerts)
            // rate limits
            .service(rate_limits::create_rate_limit)
            .service(rate_limits::list_rate_limits)
            .service(rate_limits::get_rate_limit)
            .service(rate_limits::update_rate_limit)
            .service(rate_limits::delete_rate_limit)
            // routing policies
            .service(what_if::what_if)
            .service(explain::explain)
            .service(policies::create_policy)
            .service(policies::list_policies)
            .service(policies::get_policy)
            .service(policies::update_policy)
            .service(policies::delete_policy)
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
            .service(model_prices::create_price)
            // billing: invoice import and reconciliation
            .service(billing::create_invoice_import)
            .service(billing::reconciliation)
            // billing: forecasts, counter drift, negotiated prices
            .service(forecast::burn_rate_report)
            .service(counter_drift::counter_drift)
            .service(org_model_prices::list_org_model_prices)
            .service(org_model_prices::create_org_model_price)
            // alert delivery
            .service(webhooks::create_webhook)
            .service(webhooks::list_webhooks)
            .service(webhooks::delete_webhook)
            .service(webhooks::list_webhook_deliveries)

            // reports from the daily roll-ups
            .service(reports::usage_report)
            .service(reports::egress_report),
    );
}
