//! Usage, savings and egress reports, built from the daily roll-ups' groups (which the store
//! reads) into rows with totals, and written as CSV. Pure: the grouping and ordering happen in
//! SQL, this adds what is derived — savings, totals, whether data left the environment — so the
//! admin API and the CLI give the same figures in the same format.

mod csv;
pub mod egress;
pub mod usage;

pub use egress::{EgressReport, EgressRow, EgressTotals};
pub use usage::{UsageFigures, UsageReport, UsageRow};
