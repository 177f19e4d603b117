//! What budgets, rate limits and routing policies share: each hangs off a target (the org
//! itself, one team, or one key) and is visible to whoever may read that target. Rows store the
//! target as two nullable columns; these helpers turn them back into a `Target` and apply the
//! rules of `access` to it, so the three resources cannot drift apart on isolation.

use sluice_domain::budget::Target;
use sluice_domain::ids::{KeyId, TeamId};
use sluice_domain::roles::OrgAccess;
use sluice_store::Conn;
use sluice_store::budgets::TargetFilter;
use uuid::Uuid;

use crate::access::{require_target_manage, require_target_read};
use crate::error::ApiError;

/// The target of a stored row. Both columns set cannot happen (a check constraint forbids it),
/// so it is an internal error rather than a client's.
pub fn stored_target(team_id: Option<Uuid>, key_id: Option<Uuid>) -> Result<Target, ApiError> {
    Target::from_parts(team_id.map(TeamId::from), key_id.map(KeyId::from)).map_err(|e| ApiError::internal(format!("stored row with two targets: {e}")))
}

/// 404 unless the caller may read the row's target (org-level rows need an org role).
pub async fn require_row_read(conn: &mut Conn, access: &OrgAccess, org_id: Uuid, team_id: Option<Uuid>, key_id: Option<Uuid>) -> Result<(), ApiError> {
    require_target_read(conn, access, org_id, stored_target(team_id, key_id)?).await
}

/// 404 if the caller cannot see the row's target, 403 if they can see but not manage it.
/// Reading comes first so that a row the caller cannot see answers the same 404 to a change as
/// to a read.
pub async fn require_row_manage(conn: &mut Conn, access: &OrgAccess, org_id: Uuid, team_id: Option<Uuid>, key_id: Option<Uuid>) -> Result<(), ApiError> {
    let target = stored_target(team_id, key_id)?;
    require_target_read(conn, access, org_id, target).await?;
    require_target_manage(conn, access, org_id, target).await
}

/// The list filter: what the caller asked for, narrowed to the teams they may see. `visible` is
/// `access::visible_teams`; when it is set, the store's `only_teams` clause also drops org-level
/// rows, which only org roles may read.
pub fn list_filter(team_id: Option<Uuid>, key_id: Option<Uuid>, org_level: Option<bool>, visible: Option<&[Uuid]>) -> TargetFilter<'_> {
    TargetFilter { team_id, key_id, org_level_only: org_level.unwrap_or(false), only_teams: visible }
}
