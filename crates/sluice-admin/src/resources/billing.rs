//! Billing endpoints, first slice: importing providers' invoices and reconciling them with the
//! usage ledger.
//!
//! Both are org-scoped. Importing changes what reconciliation reports, so it needs the org
//! admin role (or a platform admin) and writes an audit row; it is idempotent by content, so a
//! retried upload answers 200 with `created: false` and adds nothing. Reading a reconciliation
//! needs an org role (viewers included): it shows spend, not secrets. Non-members get 404.
//! The logic is in `billing/service.rs` (shared with the `sluice billing` commands) and in
//! `sluice-billing`; this file only extracts, checks access and maps.

pub mod prices;
pub mod service;
pub mod wire;

use std::collections::BTreeSet;

use actix_web::{HttpResponse, get, post, web};
use sluice_billing::reconcile::{Options, Tolerance};
use uuid::Uuid;

use crate::access::{org_access, require, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::http::ValidJson;
use crate::state::AppState;
use wire::{CreateInvoiceImport, InvoiceImport, ReconciliationQuery, ReconciliationReport};

/// Import one provider export (a usage or cost API page, or a CSV) for the org (org admins).
/// Re-importing the same document adds nothing and answers 200 with `created: false`.
#[utoipa::path(tag = "billing", request_body = CreateInvoiceImport, security(("bearer" = [])), responses(
    (status = 201, body = InvoiceImport), (status = 200, description = "already imported", body = InvoiceImport),
    (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/orgs/{org_id}/billing/invoice-imports")]
pub async fn create_invoice_import(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    body: ValidJson<CreateInvoiceImport>,
) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    {
        let mut conn = state.db.acquire().await?;
        let access = org_access(&mut conn, &principal, org_id).await?;
        require(access.can_manage_org(), "importing invoices needs the org admin role")?;
    }
    let input = body.0;
    let outcome = service::import(&state.db, org_id, Some(principal.user_id), &input.provider, input.format.into(), &input.content).await?;
    let created = outcome.created;
    let body = InvoiceImport::from_row(outcome.batch, created);
    Ok(if created { HttpResponse::Created().json(body) } else { HttpResponse::Ok().json(body) })
}

/// The org's usage ledger compared with its imported invoices, per provider × model × day ×
/// token kind (members with an org role).
#[utoipa::path(tag = "billing", params(ReconciliationQuery), security(("bearer" = [])), responses(
    (status = 200, body = ReconciliationReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/billing/reconciliation")]
pub async fn reconciliation(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    query: web::Query<ReconciliationQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let q = query.into_inner();
    let period = service::Period::new(q.from, q.to)?;
    let defaults = Tolerance::default();
    let relative = q.tolerance_relative.unwrap_or_else(|| format!("0.{:06}", defaults.relative_ppm()));
    let absolute = q.tolerance_usd.unwrap_or_else(|| defaults.absolute_amount().to_string());
    let tolerance = Tolerance::new(&relative, &absolute, q.tolerance_tokens.unwrap_or(defaults.absolute_tokens()))
        .map_err(|e| ApiError::field("tolerance", e))?;
    let sluice_scopes: BTreeSet<String> =
        q.sluice_scopes.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let options = Options { tolerance, sluice_scopes };
    let result = service::reconcile(&mut conn, org_id, &period, q.provider.as_deref(), &options).await?;
    Ok(HttpResponse::Ok().json(ReconciliationReport::new(period.from, period.to, result.providers, tolerance, result.report)))
}
