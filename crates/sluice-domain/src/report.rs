//! The dimensions a usage report can be grouped by. The store turns the choice into the roll-up
//! column to group on, the admin API and the CLI parse it from `group_by`; one enum keeps the
//! three agreeing on the spelling.

use serde::{Deserialize, Serialize};

use crate::roles::string_enum;

/// What one row of a usage report stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsageGroupBy {
    /// A UTC day (`YYYY-MM-DD`); rows in date order.
    Day,
    Team,
    /// A virtual key.
    Key,
    /// The model the request was routed to.
    Model,
    Provider,
    DataClass,
    /// Why the request went where it went (see docs/billing.md).
    RouteReason,
}

string_enum!(UsageGroupBy {
    Day => "day", Team => "team", Key => "key", Model => "model", Provider => "provider",
    DataClass => "data_class", RouteReason => "route_reason"
} else "must be one of day, team, key, model, provider, data_class, route_reason");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_by_round_trips_through_its_text() {
        for g in [UsageGroupBy::Day, UsageGroupBy::Team, UsageGroupBy::Key, UsageGroupBy::Model, UsageGroupBy::Provider, UsageGroupBy::DataClass, UsageGroupBy::RouteReason] {
            assert_eq!(g.as_str().parse::<UsageGroupBy>().unwrap(), g);
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
        }
        assert!("week".parse::<UsageGroupBy>().unwrap_err().to_string().contains("one of day"));
    }
}
