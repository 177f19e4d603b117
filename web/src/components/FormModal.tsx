// Every create/edit dialog of the console: a modal around a form, a general error notice when
// the API refused without naming a field (field errors stand next to their fields), and
// Cancel / submit buttons. Enter submits; Escape cancels.

import { Button, Group, Modal, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { ErrorNotice } from './states';

export function FormModal({
  title,
  onClose,
  onSubmit,
  submitLabel,
  pending,
  error,
  fieldErrors,
  size,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  submitLabel: string;
  pending: boolean;
  /** The failure of the last submit, if any. */
  error: unknown;
  /** Field errors currently shown next to fields: when any, the general notice is left out. */
  fieldErrors?: Record<string, string>;
  size?: string;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  const showNotice = !!error && Object.keys(fieldErrors ?? {}).length === 0;
  return (
    <Modal opened onClose={onClose} title={title} size={size}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {showNotice && <ErrorNotice error={error} />}
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
