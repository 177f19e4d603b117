//! Exact decimal amounts from text.
//!
//! Exports carry money as decimal text ("0.06", "123.45"), sometimes as a JSON number in
//! scientific notation ("2.5e-06"), and in different units (dollars, cents, dollars per token).
//! `scaled` turns any of these into an integer count of the target unit — `value × 10^shift`,
//! rounded half away from zero — with integer arithmetic only, so "0.1" is exactly one tenth and
//! sums of thousands of lines stay exact. Rounding only happens below the target unit (a cost
//! export with more than nine decimals of dollars), and then to the nearest nano-USD.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecimalError {
    #[error("is not a decimal number")]
    Malformed,
    #[error("is too large")]
    TooLarge,
}

/// More significant digits than any export uses; keeps the mantissa well inside `u128`.
const MAX_DIGITS: usize = 36;

/// `text × 10^shift`, rounded half away from zero to an integer. Accepts an optional sign, a
/// decimal point and an exponent (`1.5`, `-0.25`, `2.5e-06`, `1E3`).
pub fn scaled(text: &str, shift: i32) -> Result<i64, DecimalError> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (number, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i32>().map_err(|_| DecimalError::Malformed)?),
        None => (rest, 0),
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && frac.is_empty() || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::Malformed);
    }
    let digits = format!("{whole}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > MAX_DIGITS {
        return Err(DecimalError::TooLarge);
    }
    let mantissa: u128 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| DecimalError::Malformed)? };
    let frac_len = i32::try_from(frac.len()).map_err(|_| DecimalError::TooLarge)?;
    let power = exponent.checked_add(shift).and_then(|p| p.checked_sub(frac_len)).ok_or(DecimalError::TooLarge)?;
    let magnitude = if power >= 0 {
        let factor = 10u128.checked_pow(power.unsigned_abs()).ok_or(DecimalError::TooLarge)?;
        mantissa.checked_mul(factor).ok_or(DecimalError::TooLarge)?
    } else if power < -38 {
        0
    } else {
        let divisor = 10u128.pow(power.unsigned_abs());
        let (quotient, remainder) = (mantissa / divisor, mantissa % divisor);
        quotient + u128::from(remainder * 2 >= divisor)
    };
    let magnitude = i64::try_from(magnitude).map_err(|_| DecimalError::TooLarge)?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// US dollars as text → nano-USD.
pub fn usd_nanos(text: &str) -> Result<i64, DecimalError> {
    scaled(text, 9)
}

/// US cents as text → nano-USD (Anthropic's cost report counts in cents).
pub fn cents_nanos(text: &str) -> Result<i64, DecimalError> {
    scaled(text, 7)
}

/// US dollars per token as text → nano-USD per million tokens (LiteLLM's price unit → ours).
pub fn per_token_to_nanos_per_mtok(text: &str) -> Result<i64, DecimalError> {
    scaled(text, 15)
}

/// A fraction as text ("0.005") → parts per million, for tolerances.
pub fn parts_per_million(text: &str) -> Result<i64, DecimalError> {
    scaled(text, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_scientific_notation_are_exact() {
        assert_eq!(usd_nanos("0.06"), Ok(60_000_000));
        assert_eq!(usd_nanos("12"), Ok(12_000_000_000));
        assert_eq!(usd_nanos("-3.5"), Ok(-3_500_000_000));
        assert_eq!(usd_nanos("1.5e-3"), Ok(1_500_000));
        assert_eq!(per_token_to_nanos_per_mtok("2.5e-06"), Ok(2_500_000_000));
        assert_eq!(per_token_to_nanos_per_mtok("1e-05"), Ok(10_000_000_000));
        assert_eq!(per_token_to_nanos_per_mtok("0.0"), Ok(0));
        assert_eq!(cents_nanos("123.45"), Ok(1_234_500_000));
        assert_eq!(parts_per_million("0.005"), Ok(5_000));
    }

    #[test]
    fn digits_below_the_unit_round_half_away_from_zero() {
        // A float artefact in an export: 0.06000000000000001 dollars is 60 000 000 nanos.
        assert_eq!(usd_nanos("0.06000000000000001"), Ok(60_000_000));
        assert_eq!(usd_nanos("0.0000000005"), Ok(1));
        assert_eq!(usd_nanos("0.0000000004999"), Ok(0));
        assert_eq!(usd_nanos("-0.0000000005"), Ok(-1));
        assert_eq!(usd_nanos("1e-40"), Ok(0));
    }

    #[test]
    fn malformed_and_huge_numbers_are_refused() {
        for bad in ["", ".", "-", "1.2.3", "abc", "1e", "0x10", "1,5", "NaN"] {
            assert_eq!(usd_nanos(bad), Err(DecimalError::Malformed), "{bad:?}");
        }
        assert_eq!(usd_nanos("1e30"), Err(DecimalError::TooLarge));
        assert_eq!(usd_nanos("99999999999"), Err(DecimalError::TooLarge));
    }
}
