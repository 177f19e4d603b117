//! How far apart two numbers may be and still count as the same.
//!
//! Providers round differently from Sluice (per request vs per bucket, cents in some exports,
//! floats in others), so exact equality would flag every cell. A difference is tolerated when it
//! is within the absolute allowance *or* within the relative one (a fraction of the larger
//! side); both are exact integers — nano-USD, tokens, parts per million — so the verdict never
//! depends on floating-point rounding.

use sluice_domain::Money;

use crate::decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    /// Parts per million of the larger side.
    relative_ppm: i64,
    absolute_amount: Money,
    absolute_tokens: i64,
}

impl Default for Tolerance {
    /// 0.5 % or one cent; token counts must agree to 0.5 % (usage exports count per bucket,
    /// the ledger per request, and a request near midnight may fall on either side).
    fn default() -> Self {
        Self { relative_ppm: 5_000, absolute_amount: Money::from_nanos(10_000_000), absolute_tokens: 0 }
    }
}

impl Tolerance {
    /// `relative` as a fraction ("0.005"), `absolute_usd` in dollars ("0.01").
    pub fn new(relative: &str, absolute_usd: &str, absolute_tokens: i64) -> Result<Self, String> {
        let relative_ppm = decimal::parts_per_million(relative).map_err(|e| format!("relative tolerance {e}"))?;
        if !(0..=1_000_000).contains(&relative_ppm) {
            return Err("relative tolerance must be between 0 and 1".into());
        }
        let absolute = decimal::usd_nanos(absolute_usd).map_err(|e| format!("absolute tolerance {e}"))?;
        if absolute < 0 || absolute_tokens < 0 {
            return Err("absolute tolerances must not be negative".into());
        }
        Ok(Self { relative_ppm, absolute_amount: Money::from_nanos(absolute), absolute_tokens })
    }

    pub fn relative_ppm(self) -> i64 {
        self.relative_ppm
    }

    pub fn absolute_amount(self) -> Money {
        self.absolute_amount
    }

    pub fn absolute_tokens(self) -> i64 {
        self.absolute_tokens
    }

    pub fn amounts_agree(self, a: Money, b: Money) -> bool {
        within(a.nanos(), b.nanos(), self.absolute_amount.nanos(), self.relative_ppm)
    }

    pub fn quantities_agree(self, a: i64, b: i64) -> bool {
        within(a, b, self.absolute_tokens, self.relative_ppm)
    }
}

fn within(a: i64, b: i64, absolute: i64, ppm: i64) -> bool {
    let (a, b) = (i128::from(a), i128::from(b));
    let difference = (a - b).abs();
    difference <= i128::from(absolute) || difference * 1_000_000 <= a.abs().max(b.abs()) * i128::from(ppm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_allowance_is_enough() {
        let t = Tolerance::new("0.01", "0.05", 10).unwrap();
        let usd = |s: &str| s.parse::<Money>().unwrap();
        assert!(t.amounts_agree(usd("100"), usd("100.99")), "1 % of 100.99");
        assert!(!t.amounts_agree(usd("100"), usd("101.02")));
        assert!(t.amounts_agree(usd("0.01"), usd("0.06")), "five cents absolute");
        assert!(!t.amounts_agree(usd("0.01"), usd("0.07")));
        assert!(t.quantities_agree(0, 10));
        assert!(!t.quantities_agree(0, 11));
        let exact = Tolerance::new("0", "0", 0).unwrap();
        assert!(exact.amounts_agree(usd("1.000000001"), usd("1.000000001")));
        assert!(!exact.amounts_agree(usd("1"), usd("1.000000001")));
    }

    #[test]
    fn nonsense_tolerances_are_refused() {
        assert!(Tolerance::new("1.5", "0", 0).is_err());
        assert!(Tolerance::new("-0.1", "0", 0).is_err());
        assert!(Tolerance::new("0", "-1", 0).is_err());
        assert!(Tolerance::new("x", "0", 0).is_err());
    }
}
