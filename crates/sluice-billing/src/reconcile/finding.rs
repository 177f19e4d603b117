//! What a reconciliation reports: one finding per cell (provider × model × day × token kind,
//! and × project/key where the export splits spend by it), one per duplicated invoice line, and
//! exact totals.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use sluice_domain::Money;

use crate::line::TokenType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingClass {
    /// Both sides agree within the tolerance.
    Matched,
    /// The provider billed something the ledger has no trace of: spend that bypassed Sluice (or
    /// went through another project or key than Sluice's).
    MissingInLedger,
    /// Sluice recorded usage the provider did not bill (or the export does not cover).
    MissingInInvoice,
    /// Both sides have the cell but count different token quantities.
    QuantityMismatch,
    /// Quantities agree (or the export has none) but the amounts differ: a different unit price.
    PriceMismatch,
    /// The invoice lists the same line more than once; the extra copies.
    DuplicateLine,
}

impl FindingClass {
    pub const ALL: [FindingClass; 6] = [
        FindingClass::Matched,
        FindingClass::MissingInLedger,
        FindingClass::MissingInInvoice,
        FindingClass::QuantityMismatch,
        FindingClass::PriceMismatch,
        FindingClass::DuplicateLine,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Matched => "matched",
            Self::MissingInLedger => "missing_in_ledger",
            Self::MissingInInvoice => "missing_in_invoice",
            Self::QuantityMismatch => "quantity_mismatch",
            Self::PriceMismatch => "price_mismatch",
            Self::DuplicateLine => "duplicate_line",
        }
    }
}

impl fmt::Display for FindingClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub class: FindingClass,
    pub provider: String,
    /// The canonical model name both sides were matched under.
    pub model: String,
    pub day: NaiveDate,
    pub token_type: TokenType,
    /// The project or API key the invoice lines belong to, when it is not one of Sluice's.
    pub scope: Option<String>,
    pub ledger_quantity: Option<i64>,
    pub invoice_quantity: Option<i64>,
    pub ledger_amount: Option<Money>,
    pub invoice_amount: Option<Money>,
    /// Invoice minus ledger, when both sides have a quantity (an absent side counts as zero).
    pub quantity_difference: Option<i64>,
    /// Invoice minus ledger, when both sides have an amount (an absent side counts as zero).
    pub amount_difference: Option<Money>,
    /// How many invoice lines make up the cell (for duplicates: the extra copies).
    pub invoice_lines: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassTotal {
    pub findings: u64,
    pub amount_difference: Money,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// What the ledger's tokens cost at the price in force (all cells with a price).
    pub ledger_amount: Money,
    /// What the ledger rows were charged to budgets.
    pub ledger_charged: Money,
    /// Every invoice amount, duplicates included: what the provider billed.
    pub invoice_amount: Money,
    /// Sum of the findings' amount differences (invoice minus ledger where comparable).
    pub amount_difference: Money,
    pub by_class: BTreeMap<FindingClass, ClassTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub totals: Totals,
}
