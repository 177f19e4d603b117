//! Usage, savings and egress reports of an org, served from the daily roll-ups (see
//! `sluice_store::rollups`), as JSON or CSV.
//!
//! Reading a report needs an org role (viewers included), like the reconciliation: it shows
//! spend and traffic, not secrets. Access is checked before the parameters, so another org's
//! id answers 404 whatever the query says. The parsing and the queries are in
//! `reports/service.rs`, shared with `sluice billing report`.

pub mod service;
pub mod wire;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use uuid::Uuid;

use crate::access::{org_access, require_org_read};
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use service::{UsageInput, UsageParams};
use wire::{EgressReportBody, EgressReportQuery, ReportFormat, UsageReportBody, UsageReportQuery};

fn csv_response(csv: String, filename: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")))
        .body(csv)
}

/// Requests, tokens, cost and savings against the org's default model, per day, team, key,
/// model, provider, data class or route reason (members with an org role).
#[utoipa::path(tag = "billing", params(UsageReportQuery), security(("bearer" = [])), responses(
    (status = 200, description = "the report; `format=csv` gives the same columns as CSV with a header and a `total` line",
        content((UsageReportBody = "application/json"), (String = "text/csv"))),
    (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/reports/usage")]
pub async fn usage_report(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    query: web::Query<UsageReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let q = query.into_inner();
    let format = service::parse_format(q.format.as_deref())?;
    let params = UsageParams::parse(&UsageInput {
        from: q.from.as_deref(),
        to: q.to.as_deref(),
        group_by: q.group_by.as_deref(),
        team_id: q.team_id.as_deref(),
        key_id: q.key_id.as_deref(),
        model: q.model.as_deref(),
        provider_id: q.provider_id.as_deref(),
        data_class: q.data_class.as_deref(),
    })?;
    let report = service::usage(&mut conn, org_id, &params).await?;
    Ok(match format {
        ReportFormat::Json => HttpResponse::Ok().json(UsageReportBody::from(&report)),
        ReportFormat::Csv => csv_response(report.to_csv(), format!("usage-by-{}-{}-{}.csv", report.group_by, report.from, report.to)),
    })
}

/// Which requests left the environment, through which provider, region and data terms, per
/// data class (members with an org role).
#[utoipa::path(tag = "billing", params(EgressReportQuery), security(("bearer" = [])), responses(
    (status = 200, description = "the report; `format=csv` gives the same columns as CSV with a header and a `total` line",
        content((EgressReportBody = "application/json"), (String = "text/csv"))),
    (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/orgs/{org_id}/reports/egress")]
pub async fn egress_report(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<Uuid>,
    query: web::Query<EgressReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.db.acquire().await?;
    let access = org_access(&mut conn, &principal, org_id).await?;
    require_org_read(&access)?;
    let q = query.into_inner();
    let format = service::parse_format(q.format.as_deref())?;
    let period = service::parse_egress_period(q.from.as_deref(), q.to.as_deref())?;
    let report = service::egress(&mut conn, org_id, &period).await?;
    Ok(match format {
        ReportFormat::Json => HttpResponse::Ok().json(EgressReportBody::from(&report)),
        ReportFormat::Csv => csv_response(report.to_csv(), format!("egress-{}-{}.csv", report.from, report.to)),
    })
}
