// Members of an organization or a team: name, e-mail and role, with the role editable in place
// and a confirmed removal for those allowed to manage them. Both screens use the same table.

import { Select } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Schemas } from '../api/client';
import type { DataColumn } from './DataTable';
import { ConfirmButton } from './Confirm';
import { TableSection } from './Section';
import type { QueryLike } from './states';

type Member = Schemas['Member'];

export interface RoleOption {
  value: string;
  label: string;
}

export function MembersSection({
  title,
  order,
  query,
  actions,
  manage,
  roles,
  roleLocked,
  onRoleChange,
  onRemove,
  removeText,
  before,
  csv,
  empty,
}: {
  title: string;
  order?: 2 | 3;
  query: QueryLike<Schemas['Paginated_Member']>;
  actions?: ReactNode;
  /** Whether the viewer may change roles and remove members. */
  manage: boolean;
  /** The roles offered for a member (may depend on the member, e.g. owners). */
  roles: (m: Member) => RoleOption[];
  /** A member whose role this viewer may not change. */
  roleLocked?: (m: Member) => boolean;
  onRoleChange: (m: Member, role: string) => void;
  onRemove: (m: Member) => Promise<unknown>;
  /** What removal means, in the confirmation. */
  removeText: string;
  before?: ReactNode;
  csv?: string;
  empty: string;
}) {
  const columns: DataColumn<Member>[] = [
    { header: 'Name', cell: (m) => m.display_name, csvHeader: 'display_name', csv: (m) => m.display_name },
    { header: 'E-mail', cell: (m) => m.email, csvHeader: 'email', csv: (m) => m.email },
    {
      header: 'Role',
      cell: (m) =>
        manage ? (
          <Select
            aria-label={`Role of ${m.email}`}
            size="xs"
            w={240}
            value={m.role}
            allowDeselect={false}
            data={roles(m)}
            disabled={roleLocked?.(m)}
            onChange={(r) => r && r !== m.role && onRoleChange(m, r)}
          />
        ) : (
          m.role
        ),
      csvHeader: 'role',
      csv: (m) => m.role,
    },
    {
      header: 'Actions',
      cell: (m) =>
        manage && (
          <ConfirmButton label="Remove" title={`Remove ${m.email}?`} confirmLabel="Remove member" onConfirm={() => onRemove(m)}>
            {removeText}
          </ConfirmButton>
        ),
    },
  ];
  return (
    <TableSection
      title={title}
      order={order}
      actions={actions}
      query={query}
      rows={(d) => d.items}
      rowKey={(m) => m.user_id}
      columns={columns}
      csv={csv}
      empty={empty}
      before={before}
    />
  );
}
