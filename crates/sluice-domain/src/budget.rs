//! Budgets: an amount of money per period on an org, a team or a key.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{KeyId, TeamId};
use crate::money::Money;
use crate::roles::string_enum;

pub use crate::period::BudgetPeriod;

/// What a budget, rate limit or policy override applies to. Every target lives inside one org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Org,
    Team(TeamId),
    Key(KeyId),
}

impl Target {
    /// From the two nullable columns/fields used in storage and the API.
    pub fn from_parts(team: Option<TeamId>, key: Option<KeyId>) -> Result<Self, DomainError> {
        match (team, key) {
            (None, None) => Ok(Self::Org),
            (Some(team), None) => Ok(Self::Team(team)),
            (None, Some(key)) => Ok(Self::Key(key)),
            (Some(_), Some(_)) => Err(DomainError::new("set at most one of team_id and key_id")),
        }
    }

    pub fn team_id(self) -> Option<TeamId> {
        match self {
            Self::Team(t) => Some(t),
            _ => None,
        }
    }

    pub fn key_id(self) -> Option<KeyId> {
        match self {
            Self::Key(k) => Some(k),
            _ => None,
        }
    }
}

/// What happens when a hard budget has no room left for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exhaustion {
    /// Refuse the request.
    Block,
    /// Route to the cheapest tier the policy allows instead (when that fits).
    Downgrade,
}

string_enum!(Exhaustion { Block => "block", Downgrade => "downgrade" } else "must be one of block, downgrade");

/// What the gateway does for an org when the shared quota store cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuotaFailureMode {
    /// Refuse with 503; no provider is called. Budgets are never at risk.
    #[default]
    Deny,
    /// Decide in process, each gateway replica limited to its share of the limits and of the
    /// budget remaining at the last successful decision; replay the spend afterwards.
    Local,
    /// Admit without limits; record the spend and replay it afterwards.
    Allow,
}

string_enum!(QuotaFailureMode { Deny => "deny", Local => "local", Allow => "allow" } else "must be one of deny, local, allow");

/// Alert thresholds as percentages of the budget: strictly ascending, each 1..=100, at most 10.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertThresholds(Vec<u8>);

impl AlertThresholds {
    pub fn new(mut percents: Vec<i64>) -> Result<Self, DomainError> {
        if percents.len() > 10 {
            return Err(DomainError::new("at most 10 thresholds"));
        }
        if percents.iter().any(|p| !(1..=100).contains(p)) {
            return Err(DomainError::new("each threshold must be a percentage between 1 and 100"));
        }
        percents.sort_unstable();
        let before = percents.len();
        percents.dedup();
        if percents.len() != before {
            return Err(DomainError::new("thresholds must not repeat"));
        }
        Ok(Self(percents.into_iter().map(|p| p as u8).collect()))
    }

    pub fn percents(&self) -> &[u8] {
        &self.0
    }
}

/// A budget amount: strictly positive.
pub fn budget_amount(amount: Money) -> Result<Money, DomainError> {
    if amount.is_positive() { Ok(amount) } else { Err(DomainError::new("must be greater than zero")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_sorted_and_validated() {
        assert_eq!(AlertThresholds::new(vec![90, 50, 100]).map(|t| t.0), Ok(vec![50, 90, 100]));
        assert!(AlertThresholds::new(vec![0]).is_err());
        assert!(AlertThresholds::new(vec![101]).is_err());
        assert!(AlertThresholds::new(vec![50, 50]).is_err());
        assert!(AlertThresholds::new((1..=11).collect()).is_err());
    }

    #[test]
    fn targets() {
        assert_eq!(Target::from_parts(None, None), Ok(Target::Org));
        assert!(Target::from_parts(Some(TeamId::new()), Some(KeyId::new())).is_err());
        assert!(budget_amount(Money::ZERO).is_err());
    }
}
