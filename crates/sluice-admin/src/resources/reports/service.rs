//! The usage and egress reports as functions over a connection, with no HTTP types: the admin
//! API's handlers and the `sluice billing report` commands both call these. Parsing the
//! parameters lives here too, so both refuse the same bad values with the same field names.

use chrono::NaiveDate;
use sluice_billing::report::{EgressReport, EgressRow, UsageFigures, UsageReport, UsageRow};
use sluice_domain::Money;
use sluice_domain::policy::DataClass;
use sluice_domain::report::UsageGroupBy;
use sluice_store::Conn;
use sluice_store::rollups::{self, EgressGroupRow, UsageGroupRow};
use uuid::Uuid;

use super::wire::ReportFormat;
use crate::error::{ApiError, FieldError};
use crate::resources::billing::service::Period;

/// The data class the reconciler records for requests it settled without knowing theirs.
const UNCLASSIFIED: &str = "unclassified";

/// A usage report's parameters, parsed.
pub struct UsageParams {
    pub period: Period,
    pub group_by: UsageGroupBy,
    pub team_id: Option<Uuid>,
    pub key_id: Option<Uuid>,
    pub model: Option<String>,
    pub provider_id: Option<Uuid>,
    pub data_class: Option<String>,
}

/// The raw text of a usage report's parameters (query string or command-line flags).
#[derive(Debug, Default)]
pub struct UsageInput<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub group_by: Option<&'a str>,
    pub team_id: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub model: Option<&'a str>,
    pub provider_id: Option<&'a str>,
    pub data_class: Option<&'a str>,
}

/// Collects every bad parameter, so one answer names them all.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    fn required<'a>(&mut self, field: &str, value: Option<&'a str>) -> Option<&'a str> {
        if value.is_none() {
            self.add(field, "is required");
        }
        value
    }

    fn day(&mut self, field: &str, value: Option<&str>) -> Option<NaiveDate> {
        let text = self.required(field, value)?;
        let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        if day.is_none() {
            self.add(field, "must be a date as YYYY-MM-DD");
        }
        day
    }

    fn uuid(&mut self, field: &str, value: Option<&str>) -> Option<Uuid> {
        let parsed = value?.trim().parse().ok();
        if parsed.is_none() {
            self.add(field, "must be a UUID");
        }
        parsed
    }

    fn period(&mut self, from: Option<&str>, to: Option<&str>) -> Option<Period> {
        let (from, to) = (self.day("from", from), self.day("to", to));
        match Period::new(from?, to?) {
            Ok(period) => Some(period),
            Err(ApiError::Validation(fields)) => {
                self.0.extend(fields);
                None
            }
            Err(_) => None,
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, ApiError> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(ApiError::Validation(self.0)),
        }
    }
}

/// Optional text filter: trimmed, empty means absent.
fn text(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

impl UsageParams {
    pub fn parse(input: &UsageInput) -> Result<Self, ApiError> {
        let mut problems = Problems::default();
        let period = problems.period(input.from, input.to);
        let group_by = problems.required("group_by", input.group_by).and_then(|g| match g.trim().parse::<UsageGroupBy>() {
            Ok(g) => Some(g),
            Err(e) => {
                problems.add("group_by", e.0);
                None
            }
        });
        let (team_id, key_id, provider_id) =
            (problems.uuid("team_id", input.team_id), problems.uuid("key_id", input.key_id), problems.uuid("provider_id", input.provider_id));
        let data_class = text(input.data_class);
        if let Some(class) = &data_class
            && class != UNCLASSIFIED
            && class.parse::<DataClass>().is_err()
        {
            problems.add("data_class", "must be one of public, confidential, pii, secret, unclassified");
        }
        let parsed = period.zip(group_by).map(|(period, group_by)| UsageParams {
            period,
            group_by,
            team_id,
            key_id,
            model: text(input.model),
            provider_id,
            data_class,
        });
        problems.finish(parsed)
    }
}

/// An egress report's period.
pub fn parse_egress_period(from: Option<&str>, to: Option<&str>) -> Result<Period, ApiError> {
    let mut problems = Problems::default();
    let period = problems.period(from, to);
    problems.finish(period)
}

pub fn parse_format(value: Option<&str>) -> Result<ReportFormat, ApiError> {
    match value.map(str::trim) {
        None | Some("json") => Ok(ReportFormat::Json),
        Some("csv") => Ok(ReportFormat::Csv),
        Some(_) => Err(ApiError::field("format", "must be json or csv")),
    }
}

/// One org's usage report, from the daily roll-up.
pub async fn usage(conn: &mut Conn, org_id: Uuid, params: &UsageParams) -> Result<UsageReport, ApiError> {
    let filter = rollups::UsageFilter {
        team_id: params.team_id,
        key_id: params.key_id,
        model: params.model.as_deref(),
        provider_id: params.provider_id,
        data_class: params.data_class.as_deref(),
    };
    let groups = rollups::usage_groups(conn, org_id, params.period.from, params.period.to, params.group_by, &filter).await?;
    let rows = groups.into_iter().map(usage_row).collect();
    Ok(UsageReport::new(params.period.from, params.period.to, params.group_by, rows))
}

fn usage_row(g: UsageGroupRow) -> UsageRow {
    UsageRow {
        key: g.key,
        label: g.label,
        figures: UsageFigures {
            requests: g.requests,
            estimated_requests: g.estimated_requests,
            input_tokens: g.input_tokens,
            output_tokens: g.output_tokens,
            cached_input_tokens: g.cached_input_tokens,
            cache_write_input_tokens: g.cache_write_input_tokens,
            cost: Money::from_nanos(g.cost_nano),
            counterfactual_cost: Money::from_nanos(g.counterfactual_cost_nano),
        },
    }
}

/// One org's egress report, from the daily egress roll-up.
pub async fn egress(conn: &mut Conn, org_id: Uuid, period: &Period) -> Result<EgressReport, ApiError> {
    let groups = rollups::egress_groups(conn, org_id, period.from, period.to).await?;
    Ok(EgressReport::new(period.from, period.to, groups.into_iter().map(egress_row).collect()))
}

fn egress_row(g: EgressGroupRow) -> EgressRow {
    EgressRow {
        provider_id: g.provider_id,
        provider_name: g.provider_name,
        // A tier this version does not know is reported as unknown, which counts as egress.
        trust_tier: g.trust_tier.and_then(|t| t.parse().ok()),
        region: g.region,
        retention_days: g.retention_days,
        trains_on_data: g.trains_on_data,
        zero_data_retention: g.zero_data_retention,
        data_class: g.data_class,
        requests: g.requests,
        input_tokens: g.input_tokens,
        output_tokens: g.output_tokens,
    }
}
