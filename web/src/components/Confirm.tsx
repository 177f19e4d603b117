import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ErrorNotice } from './states';

/** A button that asks before doing something destructive, and shows the failure if any. */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  color = 'red',
  size = 'xs',
  variant = 'light',
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  color?: string;
  size?: string;
  variant?: string;
}) {
  const [open, setOpen] = useState(false);
  const mutation = useMutation({ mutationFn: onConfirm, onSuccess: () => setOpen(false) });
  return (
    <>
      <Button size={size} variant={variant} color={color} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title}>
        <Stack>
          <Text size="sm">{children}</Text>
          <ErrorNotice error={mutation.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color={color} loading={mutation.isPending} onClick={() => mutation.mutate()}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
