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
