//! Reconciliation: the usage ledger against imported invoice lines.
//!
//! Both sides are cut into cells — provider × canonical model × UTC day × token kind, and ×
//! project/key for invoice lines outside Sluice's own (see `Options::sluice_scopes`) — and each
//! cell gets exactly one class:
//!
//! 1. Identical invoice lines (same bucket, model, kind, scope, quantity and amount) beyond the
//!    first are `duplicate_line`; only the first copy takes part in what follows.
//! 2. A cell only the invoice has is `missing_in_ledger`, one only the ledger has is
//!    `missing_in_invoice` (either is `matched` when it is zero within the tolerance).
//! 3. A cell on both sides is `quantity_mismatch` when both sides have quantities and they
//!    differ, else `price_mismatch` when both have amounts and they differ, else `matched`.
//!
//! Cache writes are a token kind of their own on both sides: the ledger records them apart from
//! other input (`cache_write_input_tokens`) and prices them at the cache-write price, as
//! Anthropic's exports bill them.
//!
//! Every sum is an integer, so totals are exact and the per-class differences add up to the
//! total difference.

mod finding;
mod ledger;
mod tolerance;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use sluice_domain::Money;

pub use finding::{ClassTotal, Finding, FindingClass, Report, Totals};
pub use ledger::{LedgerCell, LedgerGroup};
pub use tolerance::Tolerance;

use crate::line::{InvoiceLine, TokenType};
use crate::model_name::canonical;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub tolerance: Tolerance,
    /// Projects, workspaces or API keys (provider ids) under which Sluice's own credentials run.
    /// When non-empty, invoice lines of any other project or key are kept in cells of their own
    /// and so reported as `missing_in_ledger`: spend that did not go through Sluice. When empty,
    /// lines are compared whatever their project.
    pub sluice_scopes: BTreeSet<String>,
}

type Key = (String, String, NaiveDate, TokenType, Option<String>);

#[derive(Default)]
struct Side {
    quantity: Option<i64>,
    amount: Option<Money>,
    lines: u32,
}

fn add(total: Option<i64>, value: Option<i64>) -> Option<i64> {
    match (total, value) {
        (Some(t), Some(v)) => Some(t.saturating_add(v)),
        (t, v) => t.or(v),
    }
}

fn add_money(total: Option<Money>, value: Option<Money>) -> Option<Money> {
    match (total, value) {
        (Some(t), Some(v)) => Some(t.saturating_add(v)),
        (t, v) => t.or(v),
    }
}

impl Options {
    fn scope_of(&self, line: &InvoiceLine) -> Option<String> {
        if self.sluice_scopes.is_empty() {
            return None;
        }
        let ours = |id: &Option<String>| id.as_ref().is_some_and(|id| self.sluice_scopes.contains(id));
        if ours(&line.project) || ours(&line.api_key) {
            return None;
        }
        // Lines without any project or key cannot be told apart: compare them with the ledger.
        line.project.clone().or_else(|| line.api_key.clone())
    }
}

/// Reconciles ledger groups with invoice lines.
pub fn reconcile(ledger: &[LedgerGroup], invoice: &[InvoiceLine], options: &Options) -> Report {
    let mut findings = Vec::new();
    let mut invoice_cells: BTreeMap<Key, Side> = BTreeMap::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut duplicates: BTreeMap<Key, Side> = BTreeMap::new();
    for line in invoice {
        let key = (line.provider.to_ascii_lowercase(), canonical(&line.model), line.day(), line.token_type.clone(), options.scope_of(line));
        let copies = seen.entry(line.content()).or_insert(0);
        *copies += 1;
        let side = if *copies > 1 { duplicates.entry(key).or_default() } else { invoice_cells.entry(key).or_default() };
        side.quantity = add(side.quantity, line.quantity);
        side.amount = add_money(side.amount, line.amount);
        side.lines += 1;
    }
    let mut ledger_cells: BTreeMap<Key, Side> = BTreeMap::new();
    for cell in ledger.iter().flat_map(LedgerGroup::cells) {
        let side = ledger_cells.entry((cell.provider.to_ascii_lowercase(), canonical(&cell.model), cell.day, cell.token_type, None)).or_default();
        side.quantity = add(side.quantity, Some(cell.quantity));
        // A cell with an unpriced part has no comparable amount.
        side.amount = if side.lines == 0 { cell.amount } else { side.amount.zip(cell.amount).map(|(a, b)| a.saturating_add(b)) };
        side.lines += 1;
    }

    let keys: BTreeSet<&Key> = invoice_cells.keys().chain(ledger_cells.keys()).collect();
    for key in keys {
        findings.push(compare(key, ledger_cells.get(key), invoice_cells.get(key), options.tolerance));
    }
    for (key, side) in duplicates {
        findings.push(Finding {
            class: FindingClass::DuplicateLine,
            ledger_quantity: None,
            ledger_amount: None,
            quantity_difference: side.quantity,
            amount_difference: side.amount,
            ..finding_for(&key, None, Some(&side))
        });
    }
    let totals = totals(&findings, ledger);
    Report { findings, totals }
}

fn finding_for(key: &Key, ledger: Option<&Side>, invoice: Option<&Side>) -> Finding {
    let (provider, model, day, token_type, scope) = key.clone();
    Finding {
        class: FindingClass::Matched,
        provider,
        model,
        day,
        token_type,
        scope,
        ledger_quantity: ledger.and_then(|s| s.quantity),
        invoice_quantity: invoice.and_then(|s| s.quantity),
        ledger_amount: ledger.and_then(|s| s.amount),
        invoice_amount: invoice.and_then(|s| s.amount),
        quantity_difference: None,
        amount_difference: None,
        invoice_lines: invoice.map_or(0, |s| s.lines),
    }
}

fn compare(key: &Key, ledger: Option<&Side>, invoice: Option<&Side>, tolerance: Tolerance) -> Finding {
    let mut f = finding_for(key, ledger, invoice);
    // An absent side counts as zero; a present side without the measure cannot be compared.
    let difference = |l: Option<i64>, i: Option<i64>, l_present: bool, i_present: bool| match (l, i) {
        (Some(l), Some(i)) => Some(i.saturating_sub(l)),
        (None, Some(i)) if !l_present => Some(i),
        (Some(l), None) if !i_present => Some(l.saturating_neg()),
        _ => None,
    };
    let (l_present, i_present) = (ledger.is_some(), invoice.is_some());
    f.quantity_difference = difference(f.ledger_quantity, f.invoice_quantity, l_present, i_present);
    f.amount_difference =
        difference(f.ledger_amount.map(Money::nanos), f.invoice_amount.map(Money::nanos), l_present, i_present).map(Money::from_nanos);
    let quantity_ok = f.quantity_difference.is_none_or(|_| tolerance.quantities_agree(f.ledger_quantity.unwrap_or(0), f.invoice_quantity.unwrap_or(0)));
    let amount_ok = f
        .amount_difference
        .is_none_or(|_| tolerance.amounts_agree(f.ledger_amount.unwrap_or(Money::ZERO), f.invoice_amount.unwrap_or(Money::ZERO)));
    f.class = match (l_present, i_present) {
        _ if quantity_ok && amount_ok => FindingClass::Matched,
        (false, _) => FindingClass::MissingInLedger,
        (_, false) => FindingClass::MissingInInvoice,
        _ if !quantity_ok => FindingClass::QuantityMismatch,
        _ => FindingClass::PriceMismatch,
    };
    f
}

fn totals(findings: &[Finding], ledger: &[LedgerGroup]) -> Totals {
    let mut t = Totals { ledger_charged: ledger.iter().fold(Money::ZERO, |sum, g| sum.saturating_add(g.charged)), ..Totals::default() };
    for class in FindingClass::ALL {
        t.by_class.insert(class, ClassTotal::default());
    }
    for f in findings {
        t.ledger_amount = t.ledger_amount.saturating_add(f.ledger_amount.unwrap_or(Money::ZERO));
        t.invoice_amount = t.invoice_amount.saturating_add(f.invoice_amount.unwrap_or(Money::ZERO));
        let difference = f.amount_difference.unwrap_or(Money::ZERO);
        t.amount_difference = t.amount_difference.saturating_add(difference);
        let class = t.by_class.entry(f.class).or_default();
        class.findings += 1;
        class.amount_difference = class.amount_difference.saturating_add(difference);
    }
    t
}

#[cfg(test)]
mod tests;
