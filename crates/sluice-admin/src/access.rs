//! Tenant isolation and role checks.
//!
//! Every org-scoped handler starts with `org_access`, which answers 404 — not 403 — when the
//! caller has no membership in the org: another tenant's org does not exist for them. Inside
//! their own org, a missing permission is a 403 (they can see the resource, not change it),
//! except for teams they cannot see, which are 404 again.

use sluice_domain::budget::Target;
use sluice_domain::ids::{KeyId, TeamId};
use sluice_domain::roles::OrgAccess;
use sluice_store::{Conn, keys, memberships, orgs, teams};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::{ApiError, stored};

pub async fn org_access(conn: &mut Conn, principal: &Principal, org_id: Uuid) -> Result<OrgAccess, ApiError> {
    if principal.platform_admin {
        orgs::get(conn, org_id).await?.ok_or(ApiError::NotFound)?;
        return Ok(OrgAccess { platform_admin: true, ..OrgAccess::default() });
    }
    let row = memberships::access(conn, org_id, principal.user_id).await?.ok_or(ApiError::NotFound)?;
    let access = OrgAccess {
        platform_admin: false,
        org_role: row.org_role.as_deref().map(stored).transpose()?,
        team_roles: row
            .team_roles
            .iter()
            .map(|(team, role)| Ok((TeamId::from(*team), stored(role)?)))
            .collect::<Result<_, ApiError>>()?,
    };
    if access.can_see_org() { Ok(access) } else { Err(ApiError::NotFound) }
}

pub fn require(allowed: bool, what: &'static str) -> Result<(), ApiError> {
    if allowed { Ok(()) } else { Err(ApiError::Forbidden(what)) }
}

/// Teams the caller may read, or None for "all of them" (org-level roles).
pub fn visible_teams(access: &OrgAccess) -> Option<Vec<Uuid>> {
    if access.can_read_org() { None } else { Some(access.team_roles.iter().map(|(t, _)| t.as_uuid()).collect()) }
}

/// 404 unless the caller may read this team.
pub fn require_team_read(access: &OrgAccess, team: Uuid) -> Result<(), ApiError> {
    if access.can_read_team(TeamId::from(team)) { Ok(()) } else { Err(ApiError::NotFound) }
}

/// 404 if the caller cannot see the team, 403 if they can see but not manage it.
pub fn require_team_manage(access: &OrgAccess, team: Uuid) -> Result<(), ApiError> {
    require_team_read(access, team)?;
    require(access.can_manage_team(TeamId::from(team)), "managing this team needs the team admin or org admin role")
}

/// The team a target belongs to (None for the org itself).
pub async fn team_of_target(conn: &mut Conn, org_id: Uuid, target: Target) -> Result<Option<Uuid>, ApiError> {
    Ok(match target {
        Target::Org => None,
        Target::Team(team) => Some(team.as_uuid()),
        Target::Key(key) => Some(keys::team_of(conn, org_id, key.as_uuid()).await?.ok_or(ApiError::NotFound)?),
    })
}

/// Resolves `team_id` / `key_id` from a request body into a target that exists in this org.
/// Ids of other orgs' teams and keys are reported as unknown, exactly like ids that never existed.
pub async fn body_target(conn: &mut Conn, org_id: Uuid, team_id: Option<Uuid>, key_id: Option<Uuid>) -> Result<Target, ApiError> {
    let target = Target::from_parts(team_id.map(TeamId::from), key_id.map(KeyId::from)).map_err(|e| ApiError::field("key_id", e.0))?;
    match target {
        Target::Org => {}
        Target::Team(team) => {
            teams::get(conn, org_id, team.as_uuid()).await?.ok_or_else(|| ApiError::field("team_id", "no such team in this organization"))?;
        }
        Target::Key(key) => {
            keys::team_of(conn, org_id, key.as_uuid()).await?.ok_or_else(|| ApiError::field("key_id", "no such key in this organization"))?;
        }
    }
    Ok(target)
}

/// May the caller read resources on this target?
pub async fn require_target_read(conn: &mut Conn, access: &OrgAccess, org_id: Uuid, target: Target) -> Result<(), ApiError> {
    match team_of_target(conn, org_id, target).await? {
        None => require_org_read(access),
        Some(team) => require_team_read(access, team),
    }
}

/// May the caller change budgets, limits and policies on this target?
pub async fn require_target_manage(conn: &mut Conn, access: &OrgAccess, org_id: Uuid, target: Target) -> Result<(), ApiError> {
    match team_of_target(conn, org_id, target).await? {
        None => require(access.can_manage_org(), "org-level settings need the org admin role"),
        Some(team) => require_team_manage(access, team),
    }
}

/// Org-wide reads need an org role; team-only members get 404 for org-level resources.
pub fn require_org_read(access: &OrgAccess) -> Result<(), ApiError> {
    if access.can_read_org() { Ok(()) } else { Err(ApiError::NotFound) }
}
