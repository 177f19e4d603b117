// The building blocks of a screen: a titled section with its actions on the right (wrapping
// under the title in a narrow window), and a section that shows a query as a table with the
// loading, empty and error states and a CSV export of what is shown.

import { Group, Stack, Title, type TitleOrder } from '@mantine/core';
import type { ReactNode } from 'react';
import { CsvButton, DataTable, type DataColumn } from './DataTable';
import { QueryView, type QueryLike } from './states';

export function Section({ title, order = 2, actions, children }: { title: ReactNode; order?: TitleOrder; actions?: ReactNode; children?: ReactNode }) {
  return (
    <Stack gap="sm" component="section">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={order}>{title}</Title>
        {actions && <Group gap="xs">{actions}</Group>}
      </Group>
      {children}
    </Stack>
  );
}

export function TableSection<D, T>({
  title,
  order,
  actions,
  query,
  rows,
  columns,
  rowKey,
  empty,
  csv,
  minWidth,
  rowProps,
  before,
  after,
}: {
  title: ReactNode;
  order?: TitleOrder;
  /** Buttons next to the title (the CSV export is added after them). */
  actions?: ReactNode;
  query: QueryLike<D>;
  rows: (data: D) => T[];
  columns: DataColumn<T>[];
  rowKey: (row: T) => string;
  /** Shown when there are no rows. */
  empty: ReactNode;
  /** File name of the CSV export; absent: no export. */
  csv?: string;
  minWidth?: number;
  rowProps?: (row: T) => Record<string, string>;
  /** Between the title and the table (filters, notices). */
  before?: ReactNode;
  /** Under the table (paging, notes). */
  after?: ReactNode;
}) {
  const shown = query.data === undefined ? [] : rows(query.data);
  const label = typeof title === 'string' ? title : 'Table';
  return (
    <Section
      title={title}
      order={order}
      actions={
        (actions || csv) && (
          <>
            {csv && <CsvButton filename={csv} rows={shown} columns={columns} />}
            {actions}
          </>
        )
      }
    >
      {before}
      <QueryView query={query} isEmpty={(d) => rows(d).length === 0} empty={empty}>
        {() => <DataTable rows={shown} columns={columns} rowKey={rowKey} label={label} minWidth={minWidth} rowProps={rowProps} />}
      </QueryView>
      {after}
    </Section>
  );
}
