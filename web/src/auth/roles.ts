// What the signed-in user may do, derived from `GET /me`. The UI hides what a role cannot do;
// the admin API enforces the same rules regardless.

import type { Schemas } from '../api/client';

export type Me = Schemas['Me'];

export interface Abilities {
  platformAdmin: boolean;
  orgRole: 'owner' | 'admin' | 'viewer' | null;
  /** Reads org-wide data (budgets, audit log, policies): any org role. */
  readOrg: boolean;
  /** Changes org-wide settings, teams, keys, budgets, limits and policies. */
  editOrg: boolean;
  /** Makes owners and archives the org. */
  ownOrg: boolean;
  /** Issues and revokes keys and manages members of this team. */
  manageTeam: (teamId: string) => boolean;
}

export function abilities(me: Me | undefined, orgId: string | undefined): Abilities {
  const platformAdmin = !!me?.user.is_platform_admin;
  const rows = me?.memberships.filter((m) => m.org_id === orgId) ?? [];
  const orgRole = (rows.find((m) => m.org_role)?.org_role ?? null) as Abilities['orgRole'];
  const editOrg = platformAdmin || orgRole === 'owner' || orgRole === 'admin';
  const teamAdmin = new Set(rows.filter((m) => m.team_id && m.team_role === 'admin').map((m) => m.team_id as string));
  return {
    platformAdmin,
    orgRole,
    readOrg: platformAdmin || orgRole !== null,
    editOrg,
    ownOrg: platformAdmin || orgRole === 'owner',
    manageTeam: (teamId) => editOrg || teamAdmin.has(teamId),
  };
}

/** The org roles, as offered when adding a member or changing a role. */
export const ORG_ROLES = [
  { value: 'viewer', label: 'Viewer (reads)' },
  { value: 'admin', label: 'Admin (manages everything)' },
  { value: 'owner', label: 'Owner (also owners, archiving)' },
];
