import { Paper, Text } from '@mantine/core';

/** One figure with its label, for rows of key numbers. */
export function Stat({ label, value, color }: { label: string; value: string; color?: string }) {
  return (
    <Paper withBorder p="xs">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} c={color}>
        {value}
      </Text>
    </Paper>
  );
}
