// The data class × task tier matrix: each cell is an ordered pool of model names (the router
// tries them in order). Cells are tag inputs: type or pick a model, Enter adds it, Backspace
// removes the last one. Problems the API would refuse are shown in the cell before saving.

import { Stack, TagsInput, Table, Text } from '@mantine/core';
import { DATA_CLASSES, TASK_TIERS, setCell, type Matrix } from './model';

const CLASS_LABEL: Record<string, string> = { public: 'Public', confidential: 'Confidential', pii: 'Personal data', secret: 'Secrets' };

export function MatrixEditor({
  matrix,
  onChange,
  models,
  problems = {},
  readOnly = false,
  emptyLabel = 'falls back',
}: {
  matrix: Matrix;
  onChange: (next: Matrix) => void;
  models: string[];
  problems?: Record<string, string>;
  readOnly?: boolean;
  /** What an empty cell means: the org policy falls back to neighbours, an override inherits. */
  emptyLabel?: string;
}) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table withTableBorder withColumnBorders aria-label="Routing matrix: data class by task tier">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Data class \ task tier</Table.Th>
            {TASK_TIERS.map((t) => (
              <Table.Th key={t} scope="col">
                {t}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {DATA_CLASSES.map((cls) => (
            <Table.Tr key={cls}>
              <Table.Th scope="row">{CLASS_LABEL[cls]}</Table.Th>
              {TASK_TIERS.map((tier) => {
                const pool = matrix[cls]?.[tier] ?? [];
                const problem = problems[`${cls}.${tier}`];
                return (
                  <Table.Td key={tier} style={{ verticalAlign: 'top', minWidth: 170 }}>
                    {readOnly ? (
                      <Stack gap={2}>
                        {pool.length ? pool.map((m, i) => <Text key={`${m}-${i}`} size="sm">{`${i + 1}. ${m}`}</Text>) : <Text size="sm" c="dimmed">{emptyLabel}</Text>}
                        {problem && <Text size="xs" c="red">{problem}</Text>}
                      </Stack>
                    ) : (
                      <TagsInput
                        aria-label={`Models for ${cls} data, ${tier} tasks`}
                        size="xs"
                        data={models}
                        value={pool}
                        allowDuplicates={false}
                        placeholder={pool.length ? undefined : emptyLabel}
                        error={problem}
                        onChange={(next) => onChange(setCell(matrix, cls, tier, next))}
                      />
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
