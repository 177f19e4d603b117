//! Typed identifiers. Each entity gets its own newtype around a UUID so an `OrgId` can never be
//! passed where a `TeamId` is expected. New ids are UUIDv7: time-ordered, so ordering by id is
//! ordering by creation, which keyset pagination relies on.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! define_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

define_id!(
    /// An organization (tenant).
    OrgId,
    /// A team inside an organization.
    TeamId,
    /// A console user account.
    UserId,
    /// A virtual API key (the durable identity; its secrets rotate).
    KeyId,
    /// One secret of a virtual key.
    KeySecretId,
    /// A budget on an org, team or key.
    BudgetId,
    /// A rate-limit set on an org, team or key.
    RateLimitId,
    /// An upstream provider.
    ProviderId,
    /// A model served by a provider.
    ModelId,
    /// One version of a model's price.
    PriceId,
    /// A routing-policy document.
    PolicyId,
    /// A console login session.
    SessionId,
    /// One data-plane request (the ledger's identity).
    RequestId,
);

impl RequestId {
    /// When the request was admitted: the millisecond timestamp inside its UUIDv7. The ledger
    /// row's `occurred_at` is derived from it, so any component holding only the request id
    /// (a reconciler, a replayed outbox) computes the same row identity.
    pub fn admitted_at(&self) -> chrono::DateTime<chrono::Utc> {
        let millis = self.0.get_timestamp().map_or(0, |t| {
            let (secs, nanos) = t.to_unix();
            i64::try_from(secs).unwrap_or(0) * 1000 + i64::from(nanos / 1_000_000)
        });
        chrono::DateTime::from_timestamp_millis(millis).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_carry_their_admission_time() {
        let before = chrono::Utc::now() - chrono::Duration::milliseconds(1);
        let id = RequestId::new();
        let after = chrono::Utc::now();
        let at = id.admitted_at();
        assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
        assert_eq!(at, RequestId::from_uuid(id.as_uuid()).admitted_at());
    }
}
