//! Each format read from a realistic fixture (tests/fixtures), and the refusals that protect
//! reconciliation from documents it could not match.

use chrono::NaiveDate;
use sluice_domain::Money;

use super::*;

const OPENAI_COSTS: &str = include_str!("../../tests/fixtures/openai_costs.json");
const OPENAI_USAGE: &str = include_str!("../../tests/fixtures/openai_usage.json");
const ANTHROPIC_COST: &str = include_str!("../../tests/fixtures/anthropic_cost.json");
const ANTHROPIC_USAGE: &str = include_str!("../../tests/fixtures/anthropic_usage.json");
const CSV: &str = include_str!("../../tests/fixtures/invoice.csv");

/// (day, model, token type, quantity, amount in nanos, project).
type Row = (String, String, String, Option<i64>, Option<i64>, Option<String>);

fn summary(lines: &[InvoiceLine]) -> Vec<Row> {
    lines
        .iter()
        .map(|l| (l.day().to_string(), l.model.clone(), l.token_type.to_string(), l.quantity, l.amount.map(Money::nanos), l.project.clone()))
        .collect()
}

fn row(day: &str, model: &str, kind: &str, quantity: Option<i64>, nanos: Option<i64>, project: Option<&str>) -> Row {
    (day.into(), model.into(), kind.into(), quantity, nanos, project.map(str::to_owned))
}

#[test]
fn openai_costs_read_line_items_and_exact_amounts() {
    let lines = parse(Format::OpenAiCosts, "OpenAI", OPENAI_COSTS).unwrap();
    assert_eq!(
        summary(&lines),
        vec![
            row("2025-11-03", "gpt-4o-2024-08-06", "input", None, Some(2_500_000_000), Some("proj_sluice")),
            row("2025-11-03", "gpt-4o-2024-08-06", "output", None, Some(4_000_000_000), Some("proj_sluice")),
            // The float artefact in the export rounds to the nano-USD, not through an f64.
            row("2025-11-03", "gpt-4o-mini-2024-07-18", "cached_input", None, Some(60_000_000), Some("proj_sluice")),
            row("2025-11-03", "web search tool calls", "web search tool calls", None, Some(1_200_000), Some("proj_sluice")),
            row("2025-11-04", "gpt-4o-mini-2024-07-18", "input", None, Some(150_000_000), Some("proj_other")),
        ]
    );
    assert!(lines.iter().all(|l| l.provider == "openai"));
}

#[test]
fn openai_usage_splits_cached_from_uncached_input() {
    let lines = parse(Format::OpenAiUsage, "openai", OPENAI_USAGE).unwrap();
    assert_eq!(
        summary(&lines),
        vec![
            row("2025-11-03", "gpt-4o-2024-08-06", "input", Some(1_000_000), None, Some("proj_sluice")),
            row("2025-11-03", "gpt-4o-2024-08-06", "cached_input", Some(200_000), None, Some("proj_sluice")),
            row("2025-11-03", "gpt-4o-2024-08-06", "output", Some(400_000), None, Some("proj_sluice")),
            row("2025-11-03", "gpt-4o-mini-2024-07-18", "input", Some(5_000), None, Some("proj_sluice")),
        ]
    );
    assert_eq!(lines[0].api_key.as_deref(), Some("key_abc"));
}

#[test]
fn anthropic_cost_amounts_are_cents() {
    let lines = parse(Format::AnthropicCost, "anthropic", ANTHROPIC_COST).unwrap();
    assert_eq!(
        summary(&lines),
        vec![
            row("2025-11-03", "claude-sonnet-4-5-20250929", "input", None, Some(3_000_000_000), Some("wrkspc_sluice")),
            row("2025-11-03", "claude-sonnet-4-5-20250929", "output", None, Some(7_505_000_000), Some("wrkspc_sluice")),
            row("2025-11-03", "claude-sonnet-4-5-20250929", "cache_write", None, Some(375_000_000), Some("wrkspc_sluice")),
            row("2025-11-03", "web_search", "web_search", None, Some(30_000_000), None),
        ]
    );
}

#[test]
fn anthropic_usage_reads_every_token_kind() {
    let lines = parse(Format::AnthropicUsage, "anthropic", ANTHROPIC_USAGE).unwrap();
    let kinds: Vec<(String, Option<i64>)> = lines.iter().map(|l| (l.token_type.to_string(), l.quantity)).collect();
    assert_eq!(
        kinds,
        [("input".into(), Some(1_000_000)), ("cached_input".into(), Some(50_000)), ("cache_write".into(), Some(100_000)), ("output".into(), Some(500_000))]
    );
    assert_eq!(lines[0].day(), NaiveDate::from_ymd_opt(2025, 11, 3).unwrap());
}

#[test]
fn csv_reads_quoted_fields_and_empty_quantities() {
    let lines = parse(Format::Csv, "openai", CSV).unwrap();
    assert_eq!(
        summary(&lines),
        vec![
            row("2025-11-03", "gpt-4o", "input", Some(1_000_000), Some(2_500_000_000), None),
            row("2025-11-03", "gpt-4o", "output", Some(400_000), Some(4_000_000_000), None),
            row("2025-11-03", "gpt-4o-mini", "cached_input", Some(800_000), Some(60_000_000), None),
            row("2025-11-04", "gpt-4o-mini", "input", None, Some(150_000_000), None),
        ]
    );
}

#[test]
fn csv_errors_name_the_line() {
    let header = "date,provider,model,token_type,quantity,amount_usd\n";
    let cases = [
        ("date,model\n", "line 1: the header must be"),
        (&*format!("{header}2025-11-03,anthropic,gpt-4o,input,1,1\n"), "line 2: provider differs"),
        (&*format!("{header}2025-11-03,openai,gpt-4o,input,1,1\n03/11/2025,openai,gpt-4o,input,1,1\n"), "line 3: date must be"),
        (&*format!("{header}2025-11-03,openai,gpt-4o,input,-1,1\n"), "line 2: quantity must be"),
        (&*format!("{header}2025-11-03,openai,gpt-4o,input,,\n"), "line 2: quantity and amount_usd are both empty"),
        (&*format!("{header}2025-11-03,openai,gpt-4o,input,1,1.5.0\n"), "line 2: amount_usd is not a decimal"),
        (&*format!("{header}2025-11-03,openai,\"gpt-4o,input,1,1\n"), "unterminated quoted field"),
    ];
    for (content, expected) in cases {
        let err = parse(Format::Csv, "openai", content).unwrap_err().to_string();
        assert!(err.contains(expected), "{content:?}: {err}");
    }
}

#[test]
fn exports_that_cannot_be_matched_by_model_are_refused() {
    let ungrouped = r#"{"object":"page","data":[{"object":"bucket","start_time":1762128000,"end_time":1762214400,
        "results":[{"object":"organization.costs.result","amount":{"value":0.06,"currency":"usd"},"line_item":null,"project_id":null}]}],
        "has_more":false,"next_page":null}"#;
    assert!(parse(Format::OpenAiCosts, "openai", ungrouped).unwrap_err().to_string().contains("group_by=line_item"));
    let euros = ungrouped.replace("\"usd\"", "\"eur\"").replace("\"line_item\":null", "\"line_item\":\"gpt-4o, input\"");
    assert!(parse(Format::OpenAiCosts, "openai", &euros).unwrap_err().to_string().contains("currency"));
    let weekly = ungrouped.replace("1762214400", "1762732800");
    assert!(parse(Format::OpenAiCosts, "openai", &weekly).unwrap_err().to_string().contains("one UTC day"));
    assert!(parse(Format::AnthropicUsage, "anthropic", OPENAI_USAGE).is_err(), "another format's document is refused");
    assert!(parse(Format::OpenAiUsage, "", OPENAI_USAGE).is_err());
}

#[test]
fn a_line_listed_twice_keeps_both_copies_with_distinct_keys() {
    let doubled = CSV.to_owned() + "2025-11-04,openai,gpt-4o-mini,input,,0.15\n";
    let lines = parse(Format::Csv, "openai", &doubled).unwrap();
    assert_eq!(lines.len(), 5);
    assert_eq!((lines[3].occurrence, lines[4].occurrence), (0, 1));
    assert_ne!(lines[3].natural_key(), lines[4].natural_key());
}

#[test]
fn formats_round_trip_through_their_names() {
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>(), Ok(f));
    }
    assert!("pdf".parse::<Format>().is_err());
}
