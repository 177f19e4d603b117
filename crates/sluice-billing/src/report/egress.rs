//! The egress report: which of an org's requests left its environment, through which provider,
//! in which region and under which data terms (retention, training on the data, zero data
//! retention) as they stood when each request was sent, per data class.
//!
//! A request left the environment unless its provider is of the `local` trust tier (a model
//! server inside the operator's own environment). A provider whose tier is unknown (a deleted
//! provider whose rows recorded none) counts as having let the data out: the report must never
//! understate egress.

use chrono::NaiveDate;
use sluice_domain::provider::TrustTier;
use uuid::Uuid;

use super::csv;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressRow {
    pub provider_id: Uuid,
    pub provider_name: String,
    pub trust_tier: Option<TrustTier>,
    pub region: Option<String>,
    /// None where the request recorded no data terms.
    pub retention_days: Option<i32>,
    pub trains_on_data: Option<bool>,
    pub zero_data_retention: Option<bool>,
    pub data_class: String,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

impl EgressRow {
    pub fn left_environment(&self) -> bool {
        self.trust_tier != Some(TrustTier::Local)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EgressTotals {
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressReport {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub rows: Vec<EgressRow>,
    /// Over every row, local providers included.
    pub totals: EgressTotals,
}

pub const CSV_HEADER: &str = "provider_id,provider_name,trust_tier,region,retention_days,trains_on_data,zero_data_retention,left_environment,data_class,requests,input_tokens,output_tokens";

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl EgressReport {
    pub fn new(from: NaiveDate, to: NaiveDate, rows: Vec<EgressRow>) -> Self {
        let totals = rows.iter().fold(EgressTotals::default(), |t, r| EgressTotals {
            requests: t.requests.saturating_add(r.requests),
            input_tokens: t.input_tokens.saturating_add(r.input_tokens),
            output_tokens: t.output_tokens.saturating_add(r.output_tokens),
        });
        Self { from, to, rows, totals }
    }

    /// A header line, one line per row (unknown terms as empty cells), then `total`.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        csv::line(&mut out, &[CSV_HEADER.to_owned()]);
        for r in &self.rows {
            csv::line(
                &mut out,
                &[
                    r.provider_id.to_string(),
                    csv::text(&r.provider_name),
                    optional(r.trust_tier),
                    csv::text(r.region.as_deref().unwrap_or("")),
                    optional(r.retention_days),
                    optional(r.trains_on_data),
                    optional(r.zero_data_retention),
                    r.left_environment().to_string(),
                    csv::text(&r.data_class),
                    r.requests.to_string(),
                    r.input_tokens.to_string(),
                    r.output_tokens.to_string(),
                ],
            );
        }
        let t = &self.totals;
        let blanks = vec![String::new(); 8];
        csv::line(&mut out, &[vec!["total".to_owned()], blanks, vec![t.requests.to_string(), t.input_tokens.to_string(), t.output_tokens.to_string()]].concat());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tier: Option<TrustTier>, requests: i64) -> EgressRow {
        EgressRow {
            provider_id: Uuid::nil(),
            provider_name: "openai".into(),
            trust_tier: tier,
            region: Some("us".into()),
            retention_days: Some(30),
            trains_on_data: Some(false),
            zero_data_retention: None,
            data_class: "pii".into(),
            requests,
            input_tokens: 10 * requests,
            output_tokens: requests,
        }
    }

    #[test]
    fn only_local_providers_keep_data_in_and_unknown_tiers_count_as_out() {
        assert!(!row(Some(TrustTier::Local), 1).left_environment());
        assert!(row(Some(TrustTier::Private), 1).left_environment());
        assert!(row(Some(TrustTier::External), 1).left_environment());
        assert!(row(None, 1).left_environment());
    }

    #[test]
    fn totals_and_csv() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 11, d).unwrap();
        let report = EgressReport::new(day(1), day(30), vec![row(Some(TrustTier::External), 2), row(Some(TrustTier::Local), 3)]);
        assert_eq!(report.totals, EgressTotals { requests: 5, input_tokens: 50, output_tokens: 5 });
        let csv = report.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[1], "00000000-0000-0000-0000-000000000000,openai,external,us,30,false,,true,pii,2,20,2");
        assert_eq!(lines[2], "00000000-0000-0000-0000-000000000000,openai,local,us,30,false,,false,pii,3,30,3");
        assert_eq!(lines[3], "total,,,,,,,,,5,50,5");
    }
}
