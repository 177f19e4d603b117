// The usual actions of a table row: "Edit" and a confirmed "Delete".

import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { ConfirmButton } from './Confirm';

export function EditDeleteActions({
  onEdit,
  deleteLabel = 'Delete',
  deleteTitle,
  confirmLabel,
  onDelete,
  children,
  extra,
}: {
  onEdit?: () => void;
  deleteLabel?: string;
  deleteTitle: string;
  confirmLabel: string;
  onDelete: () => Promise<unknown>;
  /** What deleting means, in the confirmation. */
  children: ReactNode;
  /** More buttons before Edit. */
  extra?: ReactNode;
}) {
  return (
    <Group gap="xs" wrap="nowrap">
      {extra}
      {onEdit && (
        <Button size="xs" variant="light" onClick={onEdit}>
          Edit
        </Button>
      )}
      <ConfirmButton label={deleteLabel} title={deleteTitle} confirmLabel={confirmLabel} onConfirm={onDelete}>
        {children}
      </ConfirmButton>
    </Group>
  );
}
