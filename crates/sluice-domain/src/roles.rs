//! Console roles and what each may do. Platform admins run the installation; inside an org,
//! owners and admins manage everything, viewers read; inside a team, team admins manage the
//! team's keys, budgets, limits and members, members read.

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($name:ident { $($variant:ident => $text:literal),* $(,)? } else $err:literal) => {
        impl $name {
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)*
                    _ => Err($crate::DomainError::new($err)),
                }
            }
        }
    };
}
pub(crate) use string_enum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgRole {
    Viewer,
    Admin,
    Owner,
}

string_enum!(OrgRole { Viewer => "viewer", Admin => "admin", Owner => "owner" } else "must be one of owner, admin, viewer");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Member,
    Admin,
}

string_enum!(TeamRole { Member => "member", Admin => "admin" } else "must be one of admin, member");

/// What one user may do inside one organization, resolved from their memberships.
/// `None` everywhere means the org does not exist for them (the API answers 404).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgAccess {
    pub platform_admin: bool,
    pub org_role: Option<OrgRole>,
    /// Teams of this org the user belongs to, with their role there.
    pub team_roles: Vec<(crate::ids::TeamId, TeamRole)>,
}

impl OrgAccess {
    /// May see that the org exists and read what their role covers.
    pub fn can_see_org(&self) -> bool {
        self.platform_admin || self.org_role.is_some() || !self.team_roles.is_empty()
    }

    /// May read everything org-wide (teams, keys, budgets, policies, audit log).
    pub fn can_read_org(&self) -> bool {
        self.platform_admin || self.org_role.is_some()
    }

    /// May change org-wide settings, teams, policies and org-level budgets and limits.
    pub fn can_manage_org(&self) -> bool {
        self.platform_admin || matches!(self.org_role, Some(OrgRole::Admin | OrgRole::Owner))
    }

    /// May grant or remove the owner role, or archive the org.
    pub fn is_owner(&self) -> bool {
        self.platform_admin || self.org_role == Some(OrgRole::Owner)
    }

    fn team_role(&self, team: crate::ids::TeamId) -> Option<TeamRole> {
        self.team_roles.iter().find(|(t, _)| *t == team).map(|(_, r)| *r)
    }

    /// May read one team's keys, budgets, limits and members.
    pub fn can_read_team(&self, team: crate::ids::TeamId) -> bool {
        self.can_read_org() || self.team_role(team).is_some()
    }

    /// May issue and revoke the team's keys and set its (and its keys') budgets and limits.
    pub fn can_manage_team(&self, team: crate::ids::TeamId) -> bool {
        self.can_manage_org() || self.team_role(team) == Some(TeamRole::Admin)
    }
}
