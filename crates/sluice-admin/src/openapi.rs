//! The OpenAPI document. Paths and schemas are collected from the route table (every handler
//! carries `#[utoipa::path]`; utoipa-actix-web will not mount one that does not), so the
//! document cannot drift from what is served. `sluice openapi` prints it, and a test compares
//! it with the committed `openapi/openapi.json`.

use actix_web::App;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::Required;
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sluice admin API",
        description = "Control plane of the Sluice LLM gateway: organizations, teams, users, virtual keys, budgets, \
                       rate limits, providers, models and prices, routing policies, invoice reconciliation, usage and egress reports, forecasts and alerts, and the audit log.\n\n\
                       Errors always have the body `{\"error\": {\"code\", \"message\", \"fields\"?}}`. \
                       PATCH bodies: an absent field is unchanged, `null` clears it, a value sets it. \
                       POST requests accept an `Idempotency-Key` header: after a success, a retry with the same key and body \
                       replays the first response (with `Idempotent-Replayed: true`); the same key with a \
                       different body is a 422. Lists are paginated with `limit` and `cursor`.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "auth", description = "Console login and sessions"),
        (name = "orgs", description = "Organizations (tenants)"),
        (name = "teams", description = "Teams inside an organization"),
        (name = "users", description = "Console accounts (platform admins)"),
        (name = "members", description = "Org and team memberships"),
        (name = "keys", description = "Virtual API keys"),
        (name = "budgets", description = "Budgets on orgs, teams and keys"),
        (name = "rate-limits", description = "Rate limits on orgs, teams and keys"),
        (name = "providers", description = "Upstream providers and their data terms"),
        (name = "models", description = "Models and versioned prices"),
        (name = "policies", description = "Routing policies"),
        (name = "billing", description = "Provider invoice import and reconciliation with the usage ledger, burn-rate forecasts, \
                                          budget-counter drift, negotiated prices; usage, savings and egress reports"),
        (name = "webhooks", description = "Signed webhook delivery of budget alerts"),
        (name = "audit", description = "Audit log"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

/// What applies to every operation: the bearer scheme, the `Idempotency-Key` header on POSTs,
/// and the error answers any operation can give whatever its handler does — 401 without a valid
/// session (authenticated operations), 400 for malformed parameters and bodies, 413/422/409 from the body limit and the idempotency layer
/// (POSTs), 503 while the database is unavailable — so clients (and schema-driven tests) find
/// every status the API can send in the document.
struct Conventions;

/// Adds `status` with the error body to `operation` unless the handler documents it already.
fn add_error(operation: &mut utoipa::openapi::path::Operation, status: &str, description: &str) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    if operation.responses.responses.contains_key(status) {
        return;
    }
    let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    let response = ResponseBuilder::new().description(description).content("application/json", content).build();
    operation.responses.responses.insert(status.to_owned(), response.into());
}

impl Modify for Conventions {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add_error(operation, "401", "No valid session: log in and send the access token as a bearer token.");
                }
                if operation.request_body.is_some() {
                    add_error(operation, "413", "The request body is too large.");
                }
                if operation.request_body.is_some() || operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    add_error(operation, "400", "A parameter or body field is invalid; the error names it.");
                }
                if api {
                    add_error(operation, "503", "The database is unavailable; nothing was changed. Retry after the `Retry-After` seconds.");
                }
            }
            if let Some(post) = item.post.as_mut() {
                add_error(post, "422", "The `Idempotency-Key` was already used with a different request.");
                add_error(post, "409", "Conflict: the resource exists, or a request with this `Idempotency-Key` is still in progress.");
                let header = ParameterBuilder::new()
                    .name(crate::http::idempotency::HEADER)
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some("Makes the POST safe to retry: after a success, the same key and body replay its response; failures are not stored."))
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String).max_length(Some(255))))
                    .build();
                post.parameters.get_or_insert_with(Vec::new).push(header.into());
            }
        }
    }
}

/// The document as served at `/api/v1/openapi.json`.
pub fn document() -> OpenApiDoc {
    let (_, mut api) = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes::configure).split_for_parts();
    // After the route table added the paths: a `modifiers(..)` entry would run before it and
    // see none.
    Conventions.modify(&mut api);
    api
}

/// Pretty JSON with a trailing newline, exactly as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
