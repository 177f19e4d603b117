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
                       rate limits, providers, models and prices, routing policies, invoice reconciliation, usage and egress reports and the audit log.\n\n\
                       Errors always have the body `{\"error\": {\"code\", \"message\", \"fields\"?}}`. \
                       PATCH bodies: an absent field is unchanged, `null` clears it, a value sets it. \
                       POST requests accept an `Idempotency-Key` header: after a success, a retry with the same key and body \
                       replays the first response (with `Idempotent-Replayed: true`); the same key with a \
                       different body is a 422. Lists are paginated with `limit` and `cursor`.",
        license(name = "Apache-2.0")
    ),
    modifiers(&Conventions),
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
        (name = "billing", description = "Provider invoice import and reconciliation with the usage ledger; usage, savings and egress reports"),
        (name = "audit", description = "Audit log"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

/// What applies to every operation: the bearer scheme, and the `Idempotency-Key` header on POSTs.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
        for item in openapi.paths.paths.values_mut() {
            if let Some(post) = item.post.as_mut() {
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
    let (_, api) = App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(routes::configure).split_for_parts();
    api
}

/// Pretty JSON with a trailing newline, exactly as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
