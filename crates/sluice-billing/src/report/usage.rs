//! The usage and savings report: per group (a day, team, key, model, provider, data class or
//! route reason) what was requested and what it cost, next to what it would have cost on the
//! org's declared default model — the counterfactual — and the difference, the saving.
//!
//! A ledger row without a counterfactual cost (no default model declared, or the default was
//! the model used) counts its actual cost as the counterfactual, so it saves nothing rather than
//! inflating or deflating the saving. A saving can be negative: a request routed to a model
//! dearer than the default.

use chrono::NaiveDate;
use sluice_domain::Money;
use sluice_domain::report::UsageGroupBy;

use super::csv;

/// The summed figures of one group or of the whole report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageFigures {
    pub requests: i64,
    /// Requests whose tokens were estimated because the provider reported no usage.
    pub estimated_requests: i64,
    /// All prompt tokens, cache reads and writes included.
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_input_tokens: i64,
    pub cache_write_input_tokens: i64,
    pub cost: Money,
    pub counterfactual_cost: Money,
}

impl UsageFigures {
    /// Counterfactual minus actual.
    pub fn saved(&self) -> Money {
        Money::from_nanos(self.counterfactual_cost.nanos().saturating_sub(self.cost.nanos()))
    }

    fn add(&mut self, other: &UsageFigures) {
        self.requests = self.requests.saturating_add(other.requests);
        self.estimated_requests = self.estimated_requests.saturating_add(other.estimated_requests);
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
        self.cached_input_tokens = self.cached_input_tokens.saturating_add(other.cached_input_tokens);
        self.cache_write_input_tokens = self.cache_write_input_tokens.saturating_add(other.cache_write_input_tokens);
        self.cost = self.cost.saturating_add(other.cost);
        self.counterfactual_cost = self.counterfactual_cost.saturating_add(other.counterfactual_cost);
    }

    fn csv_cells(&self) -> [String; 9] {
        [
            self.requests.to_string(),
            self.estimated_requests.to_string(),
            self.input_tokens.to_string(),
            self.output_tokens.to_string(),
            self.cached_input_tokens.to_string(),
            self.cache_write_input_tokens.to_string(),
            self.cost.to_string(),
            self.counterfactual_cost.to_string(),
            self.saved().to_string(),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// What the row stands for: a day `YYYY-MM-DD`, a team, key or provider id, a model name,
    /// a data class or a route reason.
    pub key: String,
    /// The team's, key's or provider's name, where the row is one of those.
    pub label: Option<String>,
    pub figures: UsageFigures,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageReport {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub group_by: UsageGroupBy,
    /// In the store's order: days ascending, otherwise cost descending.
    pub rows: Vec<UsageRow>,
    pub totals: UsageFigures,
}

/// The CSV header: the JSON row's fields in the same order.
pub const CSV_HEADER: &str = "key,label,requests,estimated_requests,input_tokens,output_tokens,cached_input_tokens,cache_write_input_tokens,cost_usd,counterfactual_cost_usd,saved_usd";

impl UsageReport {
    pub fn new(from: NaiveDate, to: NaiveDate, group_by: UsageGroupBy, rows: Vec<UsageRow>) -> Self {
        let mut totals = UsageFigures::default();
        for row in &rows {
            totals.add(&row.figures);
        }
        Self { from, to, group_by, rows, totals }
    }

    /// A header line, one line per row, then `total` with an empty label.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        csv::line(&mut out, &[CSV_HEADER.to_owned()]);
        for row in &self.rows {
            let head = [csv::text(&row.key), csv::text(row.label.as_deref().unwrap_or(""))];
            csv::line(&mut out, &[head.as_slice(), &row.figures.csv_cells()].concat());
        }
        let head = ["total".to_owned(), String::new()];
        csv::line(&mut out, &[head.as_slice(), &self.totals.csv_cells()].concat());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(requests: i64, cost: i64, counterfactual: i64) -> UsageFigures {
        UsageFigures {
            requests,
            estimated_requests: 1,
            input_tokens: 100 * requests,
            output_tokens: 10 * requests,
            cached_input_tokens: requests,
            cache_write_input_tokens: 2 * requests,
            cost: Money::from_nanos(cost),
            counterfactual_cost: Money::from_nanos(counterfactual),
        }
    }

    fn report() -> UsageReport {
        let day = |d| NaiveDate::from_ymd_opt(2025, 11, d).unwrap();
        let rows = vec![
            UsageRow { key: "t1".into(), label: Some("Core, \"platform\"".into()), figures: figures(3, 2_500_000_000, 10_000_000_000) },
            // Routed to a dearer model than the default: a negative saving.
            UsageRow { key: "t2".into(), label: None, figures: figures(1, 1_000_000_000, 250_000_000) },
        ];
        UsageReport::new(day(1), day(30), UsageGroupBy::Team, rows)
    }

    #[test]
    fn totals_add_the_rows_and_savings_are_counterfactual_minus_actual() {
        let r = report();
        assert_eq!((r.totals.requests, r.totals.estimated_requests, r.totals.input_tokens, r.totals.cache_write_input_tokens), (4, 2, 400, 8));
        assert_eq!((r.totals.cost.to_string(), r.totals.counterfactual_cost.to_string()), ("3.50".to_owned(), "10.25".to_owned()));
        assert_eq!(r.rows[0].figures.saved().to_string(), "7.50");
        assert_eq!(r.rows[1].figures.saved().to_string(), "-0.75");
        assert_eq!(r.totals.saved().to_string(), "6.75");
    }

    #[test]
    fn csv_has_a_header_one_line_per_row_and_a_total() {
        let csv = report().to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[1], "t1,\"Core, \"\"platform\"\"\",3,1,300,30,3,6,2.50,10.00,7.50");
        assert_eq!(lines[2], "t2,,1,1,100,10,1,2,1.00,0.25,-0.75");
        assert_eq!(lines[3], "total,,4,2,400,40,4,8,3.50,10.25,6.75");
    }
}
