//! The report endpoints' wire types. Query parameters arrive as text and are parsed by
//! `service.rs`, so a bad value is refused with an error naming its parameter (the generic query
//! extractor could only say "query"). Money crosses as exact decimal strings of USD.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sluice_billing::report::{EgressReport, EgressRow, UsageFigures, UsageReport, UsageRow};
use sluice_domain::Money;
use sluice_domain::provider::TrustTier;
use sluice_domain::report::UsageGroupBy;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// json (default) or csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Json,
    Csv,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsageReportQuery {
    /// First day (UTC, `YYYY-MM-DD`), inclusive.
    #[param(required = true, value_type = String, format = Date)]
    pub from: Option<String>,
    /// Last day (UTC, `YYYY-MM-DD`), inclusive; at most 366 days from `from`.
    #[param(required = true, value_type = String, format = Date)]
    pub to: Option<String>,
    /// What each row stands for.
    #[param(required = true, value_type = UsageGroupBy)]
    pub group_by: Option<String>,
    /// Only this team's requests.
    #[param(value_type = Option<Uuid>)]
    pub team_id: Option<String>,
    /// Only this virtual key's requests.
    #[param(value_type = Option<Uuid>)]
    pub key_id: Option<String>,
    /// Only requests routed to this model.
    pub model: Option<String>,
    /// Only requests sent to this provider.
    #[param(value_type = Option<Uuid>)]
    pub provider_id: Option<String>,
    /// Only requests of this data class: public, confidential, pii, secret (or unclassified).
    pub data_class: Option<String>,
    /// json (default) or csv.
    #[param(value_type = Option<ReportFormat>, inline)]
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EgressReportQuery {
    /// First day (UTC, `YYYY-MM-DD`), inclusive.
    #[param(required = true, value_type = String, format = Date)]
    pub from: Option<String>,
    /// Last day (UTC, `YYYY-MM-DD`), inclusive; at most 366 days from `from`.
    #[param(required = true, value_type = String, format = Date)]
    pub to: Option<String>,
    /// json (default) or csv.
    #[param(value_type = Option<ReportFormat>, inline)]
    pub format: Option<String>,
}

/// The figures of a usage report's row, or of the whole report.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageTotals {
    pub requests: i64,
    /// Requests whose tokens were estimated (the provider reported no usage).
    pub estimated_requests: i64,
    /// All prompt tokens, cache reads and writes included.
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_input_tokens: i64,
    pub cache_write_input_tokens: i64,
    pub cost_usd: Money,
    /// What the same tokens would have cost on the org's declared default model (the actual
    /// cost for requests without one).
    pub counterfactual_cost_usd: Money,
    /// Counterfactual minus actual; negative when requests went to a dearer model.
    pub saved_usd: Money,
}

impl From<&UsageFigures> for UsageTotals {
    fn from(f: &UsageFigures) -> Self {
        Self {
            requests: f.requests,
            estimated_requests: f.estimated_requests,
            input_tokens: f.input_tokens,
            output_tokens: f.output_tokens,
            cached_input_tokens: f.cached_input_tokens,
            cache_write_input_tokens: f.cache_write_input_tokens,
            cost_usd: f.cost,
            counterfactual_cost_usd: f.counterfactual_cost,
            saved_usd: f.saved(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageReportRow {
    /// The day (`YYYY-MM-DD`), the team, key or provider id, the model, the data class or the
    /// route reason; `unknown` for requests whose model or provider was never recorded.
    pub key: String,
    /// The team's, key's or provider's name, where the row is one of those and it still exists.
    pub label: Option<String>,
    #[serde(flatten)]
    pub figures: UsageTotals,
}

impl From<&UsageRow> for UsageReportRow {
    fn from(r: &UsageRow) -> Self {
        Self { key: r.key.clone(), label: r.label.clone(), figures: UsageTotals::from(&r.figures) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageReportBody {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: UsageGroupBy,
    /// By day: in date order; otherwise by cost, highest first.
    pub rows: Vec<UsageReportRow>,
    pub totals: UsageTotals,
}

impl From<&UsageReport> for UsageReportBody {
    fn from(r: &UsageReport) -> Self {
        Self { from: r.from, to: r.to, group_by: r.group_by, rows: r.rows.iter().map(UsageReportRow::from).collect(), totals: UsageTotals::from(&r.totals) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EgressReportRow {
    pub provider_id: Uuid,
    /// The provider's current name (its id if it has since been deleted).
    pub provider_name: String,
    /// As recorded with the requests (the provider's current tier for requests that recorded
    /// none); null when unknown.
    pub trust_tier: Option<TrustTier>,
    pub region: Option<String>,
    /// The provider's data terms when the requests were sent; null where none were recorded.
    pub retention_days: Option<i32>,
    pub trains_on_data: Option<bool>,
    pub zero_data_retention: Option<bool>,
    /// False only for providers of the local trust tier.
    pub left_environment: bool,
    pub data_class: String,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

impl From<&EgressRow> for EgressReportRow {
    fn from(r: &EgressRow) -> Self {
        Self {
            provider_id: r.provider_id,
            provider_name: r.provider_name.clone(),
            trust_tier: r.trust_tier,
            region: r.region.clone(),
            retention_days: r.retention_days,
            trains_on_data: r.trains_on_data,
            zero_data_retention: r.zero_data_retention,
            left_environment: r.left_environment(),
            data_class: r.data_class.clone(),
            requests: r.requests,
            input_tokens: r.input_tokens,
            output_tokens: r.output_tokens,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EgressTotalsBody {
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EgressReportBody {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// By provider name, then data class and terms.
    pub rows: Vec<EgressReportRow>,
    /// Over every row, local providers included.
    pub totals: EgressTotalsBody,
}

impl From<&EgressReport> for EgressReportBody {
    fn from(r: &EgressReport) -> Self {
        let t = &r.totals;
        Self {
            from: r.from,
            to: r.to,
            rows: r.rows.iter().map(EgressReportRow::from).collect(),
            totals: EgressTotalsBody { requests: t.requests, input_tokens: t.input_tokens, output_tokens: t.output_tokens },
        }
    }
}
