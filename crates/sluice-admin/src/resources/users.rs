//! Console user accounts.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sluice_store::users::UserRow;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub is_platform_admin: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            is_platform_admin: r.is_platform_admin,
            disabled: r.disabled_at.is_some(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
