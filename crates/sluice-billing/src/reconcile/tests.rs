//! The engine against a synthetic month: an invoice generated from the ledger matches cell for
//! cell; each perturbation produces exactly its finding and nothing else.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use sluice_domain::Money;

use super::*;

fn usd(s: &str) -> Money {
    s.parse().unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, d).unwrap()
}

fn midnight(d: u32) -> DateTime<Utc> {
    day(d).and_time(NaiveTime::MIN).and_utc()
}

/// (provider, model, day, uncached, cached, output, amounts in USD).
fn group(provider: &str, model: &str, d: u32, tokens: [i64; 3], amounts: [&str; 3]) -> LedgerGroup {
    let [input_amount, cached_amount, output_amount] = amounts.map(usd);
    LedgerGroup {
        provider: provider.into(),
        model: model.into(),
        day: day(d),
        requests: 10,
        uncached_input_tokens: tokens[0],
        cached_input_tokens: tokens[1],
        cache_write_input_tokens: 0,
        output_tokens: tokens[2],
        uncached_input_amount: Some(input_amount),
        cached_input_amount: Some(cached_amount),
        cache_write_input_amount: Some(Money::ZERO),
        output_amount: Some(output_amount),
        charged: input_amount.saturating_add(cached_amount).saturating_add(output_amount),
    }
}

fn ledger() -> Vec<LedgerGroup> {
    vec![
        group("openai", "gpt-4o", 3, [1_000_000, 200_000, 400_000], ["2.50", "0.25", "4.00"]),
        group("openai", "gpt-4o-mini", 3, [5_000_000, 0, 1_000_000], ["0.75", "0", "0.60"]),
        group("openai", "gpt-4o", 4, [2_000_000, 0, 100_000], ["5.00", "0", "1.00"]),
        group("anthropic", "claude-sonnet-4-5", 3, [1_000_000, 0, 100_000], ["3.00", "0", "1.50"]),
    ]
}

fn line(provider: &str, model: &str, d: u32, token_type: TokenType, quantity: i64, amount: Money) -> InvoiceLine {
    InvoiceLine {
        bucket_start: midnight(d),
        provider: provider.into(),
        model: model.into(),
        token_type,
        quantity: Some(quantity),
        amount: Some(amount),
        project: None,
        api_key: None,
        occurrence: 0,
    }
}

/// The invoice a provider would send for exactly the ledger, under its snapshot names.
fn invoice_for(ledger: &[LedgerGroup]) -> Vec<InvoiceLine> {
    let snapshot = |m: &str| match m {
        "gpt-4o" => "gpt-4o-2024-08-06".to_owned(),
        "gpt-4o-mini" => "gpt-4o-mini-2024-07-18".to_owned(),
        other => format!("{other}-20250929"),
    };
    ledger
        .iter()
        .flat_map(LedgerGroup::cells)
        .map(|c| line(&c.provider, &snapshot(&c.model), c.day.day0() + 1, c.token_type, c.quantity, c.amount.unwrap()))
        .collect()
}


/// (class, model, day, token type, quantity difference, amount difference).
type Brief = (FindingClass, String, NaiveDate, String, Option<i64>, Option<Money>);

fn not_matched(report: &Report) -> Vec<Brief> {
    report
        .findings
        .iter()
        .filter(|f| f.class != FindingClass::Matched)
        .map(|f| (f.class, f.model.clone(), f.day, f.token_type.to_string(), f.quantity_difference, f.amount_difference))
        .collect()
}

#[test]
fn an_invoice_of_exactly_the_ledger_matches_every_cell() {
    let report = reconcile(&ledger(), &invoice_for(&ledger()), &Options::default());
    assert!(not_matched(&report).is_empty(), "{:?}", not_matched(&report));
    assert_eq!(report.findings.len(), 9);
    assert_eq!(report.totals.amount_difference, Money::ZERO);
    assert_eq!(report.totals.ledger_amount, usd("18.60"));
    assert_eq!(report.totals.invoice_amount, usd("18.60"));
    assert_eq!(report.totals.ledger_charged, usd("18.60"));
}

#[test]
fn each_perturbation_yields_exactly_its_finding() {
    let mut invoice = invoice_for(&ledger());
    // Drop a line: gpt-4o-mini's output on the 3rd.
    let dropped = invoice.iter().position(|l| l.model.starts_with("gpt-4o-mini") && l.token_type == TokenType::Output).unwrap();
    invoice.remove(dropped);
    // Duplicate a line: gpt-4o's input on the 4th.
    let doubled = invoice.iter().find(|l| l.day() == day(4) && l.token_type == TokenType::Input).unwrap().clone();
    invoice.push(doubled);
    // Change a unit price: Claude's output billed at $16.50 instead of $15 per million.
    let repriced = invoice.iter_mut().find(|l| l.provider == "anthropic" && l.token_type == TokenType::Output).unwrap();
    repriced.amount = Some(usd("1.65"));
    // Unattributed spend: a model Sluice never called.
    invoice.push(line("openai", "gpt-4.1-2025-04-14", 4, TokenType::Input, 3_000_000, usd("6.00")));

    let report = reconcile(&ledger(), &invoice, &Options::default());
    assert_eq!(
        not_matched(&report),
        vec![
            (FindingClass::PriceMismatch, "claude-sonnet-4-5".into(), day(3), "output".into(), Some(0), Some(usd("0.15"))),
            (FindingClass::MissingInLedger, "gpt-4.1".into(), day(4), "input".into(), Some(3_000_000), Some(usd("6.00"))),
            (FindingClass::MissingInInvoice, "gpt-4o-mini".into(), day(3), "output".into(), Some(-1_000_000), Some(usd("-0.60"))),
            (FindingClass::DuplicateLine, "gpt-4o".into(), day(4), "input".into(), Some(2_000_000), Some(usd("5.00"))),
        ]
    );
    let t = &report.totals;
    assert_eq!(t.by_class[&FindingClass::Matched].findings, 7, "nine ledger cells less the dropped and the repriced one");
    assert_eq!(t.amount_difference, usd("10.55"), "0.15 + 6.00 - 0.60 + 5.00");
    assert_eq!(t.invoice_amount, usd("29.15"), "18.60 - 0.60 + 5.00 + 0.15 + 6.00");
    let by_class: Money = t.by_class.values().map(|c| c.amount_difference).fold(Money::ZERO, Money::saturating_add);
    assert_eq!(by_class, t.amount_difference, "the classes' differences add up to the total");
}

#[test]
fn a_different_token_count_is_a_quantity_mismatch() {
    let mut invoice = invoice_for(&ledger());
    let input = invoice.iter_mut().find(|l| l.model.starts_with("gpt-4o-mini") && l.token_type == TokenType::Input).unwrap();
    input.quantity = Some(5_100_000);
    input.amount = Some(usd("0.765"));
    let report = reconcile(&ledger(), &invoice, &Options::default());
    assert_eq!(
        not_matched(&report),
        vec![(FindingClass::QuantityMismatch, "gpt-4o-mini".into(), day(3), "input".into(), Some(100_000), Some(usd("0.015")))]
    );
}

#[test]
fn differences_within_the_tolerance_match_and_outside_do_not() {
    let mut invoice = invoice_for(&ledger());
    // Half a cent off on $2.50 is within one cent.
    invoice[0].amount = Some(usd("2.505"));
    let report = reconcile(&ledger(), &invoice, &Options::default());
    assert!(not_matched(&report).is_empty());
    let exact = Options { tolerance: Tolerance::new("0", "0", 0).unwrap(), ..Options::default() };
    let report = reconcile(&ledger(), &invoice, &exact);
    assert_eq!(not_matched(&report).len(), 1);
    assert_eq!(report.findings.iter().find(|f| f.class == FindingClass::PriceMismatch).unwrap().amount_difference, Some(usd("0.005")));
}

#[test]
fn spend_under_another_project_is_missing_in_the_ledger_when_sluice_scopes_are_known() {
    let mut invoice = invoice_for(&ledger());
    for l in &mut invoice {
        l.project = Some("proj_sluice".into());
    }
    let mut foreign = line("openai", "gpt-4o-2024-08-06", 3, TokenType::Input, 1_000_000, usd("2.50"));
    foreign.project = Some("proj_shadow".into());
    invoice.push(foreign);
    // Without knowing Sluice's project, the extra spend lands in Sluice's cell: a mismatch.
    let blind = reconcile(&ledger(), &invoice, &Options::default());
    assert_eq!(not_matched(&blind)[0].0, FindingClass::QuantityMismatch);
    // Knowing it, the shadow project's spend is reported on its own and Sluice's cells match.
    let options = Options { sluice_scopes: ["proj_sluice".to_owned()].into(), ..Options::default() };
    let report = reconcile(&ledger(), &invoice, &options);
    let findings: Vec<_> = report.findings.iter().filter(|f| f.class != FindingClass::Matched).collect();
    assert_eq!(findings.len(), 1);
    assert_eq!((findings[0].class, findings[0].scope.as_deref()), (FindingClass::MissingInLedger, Some("proj_shadow")));
}

#[test]
fn cache_writes_are_a_token_kind_of_their_own() {
    // 1M uncached input at $3 and 100k cache writes at $3.75/M, recorded apart by the ledger.
    let mut sonnet = group("anthropic", "claude-sonnet-4-5", 3, [1_000_000, 0, 0], ["3.00", "0", "0"]);
    sonnet.cache_write_input_tokens = 100_000;
    sonnet.cache_write_input_amount = Some(usd("0.375"));
    let exact = Options { tolerance: Tolerance::new("0", "0", 0).unwrap(), ..Options::default() };
    let invoice = vec![
        line("anthropic", "claude-sonnet-4-5-20250929", 3, TokenType::Input, 1_000_000, usd("3.00")),
        line("anthropic", "claude-sonnet-4-5-20250929", 3, TokenType::CacheWrite, 100_000, usd("0.375")),
    ];
    let report = reconcile(std::slice::from_ref(&sonnet), &invoice, &exact);
    assert!(not_matched(&report).is_empty(), "{:?}", not_matched(&report));
    let write = report.findings.iter().find(|f| f.token_type == TokenType::CacheWrite).unwrap();
    assert_eq!((write.ledger_quantity, write.ledger_amount), (Some(100_000), Some(usd("0.375"))));
    // A provider billing cache writes at twice the price shows as a price mismatch on them alone.
    let mut dearer = invoice.clone();
    dearer[1].amount = Some(usd("0.75"));
    let report = reconcile(&[sonnet], &dearer, &exact);
    assert_eq!(not_matched(&report), vec![(FindingClass::PriceMismatch, "claude-sonnet-4-5".into(), day(3), "cache_write".into(), Some(0), Some(usd("0.375")))]);
}

#[test]
fn exports_without_quantities_or_amounts_compare_what_they_have() {
    let mut costs_only = invoice_for(&ledger());
    costs_only.iter_mut().for_each(|l| l.quantity = None);
    let mut usage_only = invoice_for(&ledger());
    usage_only.iter_mut().for_each(|l| l.amount = None);
    for invoice in [costs_only, usage_only] {
        let report = reconcile(&ledger(), &invoice, &Options::default());
        assert!(not_matched(&report).is_empty(), "{:?}", not_matched(&report));
    }
    let mut usage_only = invoice_for(&ledger());
    usage_only.iter_mut().for_each(|l| l.amount = None);
    usage_only[0].quantity = Some(2_000_000);
    let report = reconcile(&ledger(), &usage_only, &Options::default());
    assert_eq!(not_matched(&report), vec![(FindingClass::QuantityMismatch, "gpt-4o".into(), day(3), "input".into(), Some(1_000_000), None)]);
}

#[test]
fn an_unpriced_ledger_cell_is_compared_on_quantity_only() {
    let mut unpriced = ledger();
    unpriced[0].output_amount = None;
    let report = reconcile(&unpriced, &invoice_for(&ledger()), &Options::default());
    assert!(not_matched(&report).is_empty());
    let output = report.findings.iter().find(|f| f.model == "gpt-4o" && f.day == day(3) && f.token_type == TokenType::Output).unwrap();
    assert_eq!((output.ledger_amount, output.amount_difference), (None, None));
}
