//! Money as integers. `Money` counts nano-USD (1 USD = 1_000_000_000), which is exact for every
//! price in the public price tables and leaves room for 9.2 billion USD in an `i64`. Prices are
//! nano-USD per million tokens, so even $0.005 per million tokens is an integer.
//!
//! Money crosses the API as a decimal string of US dollars ("12.50"), parsed exactly; floats
//! never touch it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

const NANOS_PER_USD: i64 = 1_000_000_000;
const TOKENS_PER_MTOK: i128 = 1_000_000;

/// An amount of money in nano-USD. May be negative (a refund, a difference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_nanos(nanos: i64) -> Self {
        Self(nanos)
    }

    pub const fn nanos(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// For totals of many amounts (reports): clamps instead of overflowing.
    pub fn saturating_add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl fmt::Display for Money {
    /// Dollars with as many decimals as needed (at least two): `12.50`, `0.000000125`, `-3.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let dollars = abs / NANOS_PER_USD as u64;
        let nanos = abs % NANOS_PER_USD as u64;
        let mut frac = format!("{nanos:09}");
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        write!(f, "{sign}{dollars}.{frac}")
    }
}

impl FromStr for Money {
    type Err = DomainError;

    /// Parses a decimal dollar amount with at most nine decimals: `10`, `12.5`, `-0.000000001`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_decimal_nanos(s).map(Money)
    }
}

fn parse_decimal_nanos(s: &str) -> Result<i64, DomainError> {
    let invalid = || DomainError::new("must be a decimal amount in USD with at most 9 decimals, e.g. \"12.50\"");
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || frac.len() > 9 || (digits.contains('.') && frac.is_empty()) {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let frac_nanos: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<9}").parse().map_err(|_| invalid())? };
    let magnitude = whole
        .checked_mul(NANOS_PER_USD)
        .and_then(|n| n.checked_add(frac_nanos))
        .ok_or_else(|| DomainError::new("amount is too large"))?;
    Ok(if negative { -magnitude } else { magnitude })
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("US dollars as an exact decimal string (at most 9 decimals)"))
            .examples(["12.50"])
            .into()
    }
}

impl utoipa::ToSchema for Money {}

/// A price in nano-USD per million tokens. Never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PricePerMTok(i64);

impl PricePerMTok {
    pub fn from_nanos(nanos: i64) -> Result<Self, DomainError> {
        if nanos < 0 {
            return Err(DomainError::new("price must not be negative"));
        }
        Ok(Self(nanos))
    }

    pub const fn nanos(self) -> i64 {
        self.0
    }

    /// The exact cost of `tokens` at this price, rounded up to the next nano-USD so that a
    /// reservation computed with it is never smaller than what the provider will bill.
    pub fn cost_of(self, tokens: u64) -> Money {
        let product = i128::from(self.0) * i128::from(tokens);
        let nanos = (product + TOKENS_PER_MTOK - 1) / TOKENS_PER_MTOK;
        Money(i64::try_from(nanos).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for PricePerMTok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Money(self.0).fmt(f)
    }
}

impl FromStr for PricePerMTok {
    type Err = DomainError;

    /// Parses USD per million tokens as a decimal string: `"2.50"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_nanos(parse_decimal_nanos(s)?)
    }
}

impl Serialize for PricePerMTok {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PricePerMTok {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for PricePerMTok {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("US dollars per million tokens as an exact decimal string"))
            .examples(["2.50"])
            .into()
    }
}

impl utoipa::ToSchema for PricePerMTok {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints_dollars() {
        assert_eq!("12.5".parse::<Money>().map(Money::nanos), Ok(12_500_000_000));
        assert_eq!("0.000000001".parse::<Money>().map(Money::nanos), Ok(1));
        assert_eq!("-3".parse::<Money>().map(Money::nanos), Ok(-3_000_000_000));
        assert_eq!(Money::from_nanos(12_500_000_000).to_string(), "12.50");
        assert_eq!(Money::from_nanos(125).to_string(), "0.000000125");
        assert_eq!(Money::from_nanos(-3_000_000_000).to_string(), "-3.00");
    }

    #[test]
    fn rejects_malformed_amounts() {
        for bad in ["", ".5", "1.", "1.0000000001", "1e3", "abc", "1,5", "--1", "+1", " 1", "99999999999999999999"] {
            assert!(bad.parse::<Money>().is_err(), "{bad:?} should be rejected");
        }
        assert!("-1".parse::<PricePerMTok>().is_err());
    }

    #[test]
    fn cost_rounds_up_to_the_next_nano() {
        // $0.15 per million tokens is 150 nano-USD per token: exact.
        let price = PricePerMTok::from_nanos(150_000_000).unwrap();
        assert_eq!(price.cost_of(7).nanos(), 1050);
        assert_eq!(price.cost_of(0).nanos(), 0);
        // $0.0025 per million tokens is 2.5 nano-USD per token: 3 tokens cost 7.5, reserved as 8.
        let cheap = PricePerMTok::from_nanos(2_500_000).unwrap();
        assert_eq!(cheap.cost_of(3).nanos(), 8);
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(nanos in any::<i64>().prop_filter("min has no positive twin", |n| *n != i64::MIN)) {
            let money = Money::from_nanos(nanos);
            prop_assert_eq!(money.to_string().parse::<Money>(), Ok(money));
        }

        #[test]
        fn cost_is_never_below_the_exact_value(price in 0i64..100_000_000_000, tokens in 0u64..10_000_000) {
            let cost = PricePerMTok::from_nanos(price).unwrap().cost_of(tokens).nanos() as i128;
            let exact_times_million = i128::from(price) * i128::from(tokens);
            prop_assert!(cost * 1_000_000 >= exact_times_million);
            prop_assert!((cost - 1) * 1_000_000 < exact_times_million);
        }

        #[test]
        fn cost_is_additive_within_rounding(price in 0i64..100_000_000_000, a in 0u64..1_000_000, b in 0u64..1_000_000) {
            let p = PricePerMTok::from_nanos(price).unwrap();
            let split = p.cost_of(a).nanos() + p.cost_of(b).nanos();
            let whole = p.cost_of(a + b).nanos();
            prop_assert!(split >= whole && split <= whole + 1);
        }
    }
}
