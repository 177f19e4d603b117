//! The generic CSV: `date,provider,model,token_type,quantity,amount_usd`.
//!
//! For invoices that come as spreadsheets, or from providers without an API. The header is
//! required (so a file with its columns in another order is refused instead of misread);
//! `quantity` or `amount_usd` may be empty, not both. Fields may be quoted as in RFC 4180. The
//! reader is a few lines rather than a dependency because the format is this one table.

use chrono::{NaiveDate, NaiveTime};

use super::ImportError;
use crate::decimal;
use crate::line::{InvoiceLine, TokenType};

const HEADER: [&str; 6] = ["date", "provider", "model", "token_type", "quantity", "amount_usd"];

pub fn parse(provider: &str, content: &str) -> Result<Vec<InvoiceLine>, ImportError> {
    let mut rows = records(content)?.into_iter().filter(|(_, fields)| !(fields.len() == 1 && fields[0].trim().is_empty()));
    let (_, header) = rows.next().ok_or_else(|| ImportError::new("the file is empty; the first line must be the header"))?;
    let names: Vec<String> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase()).collect();
    if names != HEADER {
        return Err(ImportError::new(format!("line 1: the header must be {}", HEADER.join(","))));
    }
    rows.map(|(number, fields)| row(provider, number, &fields)).collect()
}

fn row(provider: &str, number: usize, fields: &[String]) -> Result<InvoiceLine, ImportError> {
    let at = |message: &str| ImportError::new(format!("line {number}: {message}"));
    let [date, row_provider, model, token_type, quantity, amount] = fields else {
        return Err(at("must have 6 fields"));
    };
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| at("date must be YYYY-MM-DD"))?;
    if !row_provider.trim().eq_ignore_ascii_case(provider) {
        return Err(at("provider differs from the provider this file is imported for"));
    }
    if model.trim().is_empty() {
        return Err(at("model is empty"));
    }
    let quantity = match quantity.trim() {
        "" => None,
        q => Some(q.parse::<i64>().ok().filter(|q| *q >= 0).ok_or_else(|| at("quantity must be a non-negative integer"))?),
    };
    let amount = match amount.trim() {
        "" => None,
        a => Some(decimal::usd_nanos(a).map(sluice_domain::Money::from_nanos).map_err(|e| at(&format!("amount_usd {e}")))?),
    };
    if quantity.is_none() && amount.is_none() {
        return Err(at("quantity and amount_usd are both empty"));
    }
    Ok(InvoiceLine {
        bucket_start: day.and_time(NaiveTime::MIN).and_utc(),
        provider: provider.to_owned(),
        model: model.trim().to_owned(),
        token_type: TokenType::parse(token_type),
        quantity,
        amount,
        project: None,
        api_key: None,
        occurrence: 0,
    })
}

/// Splits CSV text into records of fields, with the 1-based line number each record starts on.
fn records(content: &str) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut out = Vec::new();
    let (mut fields, mut field) = (Vec::new(), String::new());
    let (mut line, mut record_line, mut quoted, mut after_quote) = (1, 1, false, false);
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => (quoted, after_quote) = (false, true),
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !after_quote => (quoted, field) = (true, String::new()),
            ',' => {
                fields.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                out.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
                after_quote = false;
            }
            _ if after_quote && !c.is_whitespace() => return Err(ImportError::new(format!("line {line}: text after a closing quote"))),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(ImportError::new(format!("line {record_line}: unterminated quoted field")));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((record_line, fields));
    }
    Ok(out)
}
