//! Rate limits: requests per minute, tokens per minute and requests in flight.

use crate::DomainError;

/// A validated set of limits; at least one is set and every set one is positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimits {
    pub rpm: Option<u32>,
    pub tpm: Option<u32>,
    pub max_parallel: Option<u32>,
}

impl RateLimits {
    pub fn new(rpm: Option<i64>, tpm: Option<i64>, max_parallel: Option<i64>) -> Result<Self, (&'static str, DomainError)> {
        let check = |field: &'static str, value: Option<i64>| -> Result<Option<u32>, (&'static str, DomainError)> {
            match value {
                None => Ok(None),
                Some(v) if v > 0 && v <= i64::from(i32::MAX) => Ok(Some(v as u32)),
                Some(_) => Err((field, DomainError::new("must be a positive integer below 2^31"))),
            }
        };
        let limits = Self { rpm: check("rpm", rpm)?, tpm: check("tpm", tpm)?, max_parallel: check("max_parallel", max_parallel)? };
        if limits.rpm.is_none() && limits.tpm.is_none() && limits.max_parallel.is_none() {
            return Err(("rpm", DomainError::new("set at least one of rpm, tpm, max_parallel")));
        }
        Ok(limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_one_positive_limit() {
        assert!(RateLimits::new(None, None, None).is_err());
        assert_eq!(RateLimits::new(Some(0), None, None).map_err(|e| e.0), Err("rpm"));
        assert_eq!(RateLimits::new(None, Some(-1), None).map_err(|e| e.0), Err("tpm"));
        assert_eq!(RateLimits::new(Some(60), None, Some(4)).map(|l| (l.rpm, l.max_parallel)), Ok((Some(60), Some(4))));
    }
}
