// One table component for every list in the console: columns declared once serve both the
// screen and the CSV export, so what a person downloads is what they see (plus any export-only
// columns), and every table scrolls sideways in a narrow window instead of squeezing.

import { Button, Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { downloadCsv, type Column } from './csv';

export interface DataColumn<T> {
  header: string;
  /** What the cell shows; absent: the column is only exported. */
  cell?: (row: T) => ReactNode;
  /** The exported value; absent: the column is not exported (e.g. actions). */
  csv?: (row: T) => unknown;
  /** CSV header when it differs from `header`. */
  csvHeader?: string;
}

export function csvColumns<T>(columns: DataColumn<T>[]): Column<T>[] {
  return columns.filter((c) => c.csv).map((c) => ({ header: c.csvHeader ?? c.header, value: c.csv as (row: T) => unknown }));
}

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  label,
  minWidth = 600,
  rowProps,
}: {
  rows: T[];
  columns: DataColumn<T>[];
  /** A stable key for the row (its index breaks ties where rows may repeat). */
  rowKey: (row: T, index: number) => string;
  /** The table's accessible name. */
  label: string;
  minWidth?: number;
  rowProps?: (row: T) => Record<string, string>;
}) {
  const shown = columns.filter((c) => c.cell);
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {shown.map((c) => (
              <Table.Th key={c.header} scope="col">
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={rowKey(row, i)} {...rowProps?.(row)}>
              {shown.map((c) => (
                <Table.Td key={c.header}>{c.cell?.(row)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** "Export CSV" of the rows a table shows, with the table's exported columns. */
export function CsvButton<T>({ filename, rows, columns, label = 'Export CSV' }: { filename: string; rows: T[]; columns: DataColumn<T>[]; label?: string }) {
  return (
    <Button variant="default" disabled={rows.length === 0} onClick={() => downloadCsv(filename, rows, csvColumns(columns))}>
      {label}
    </Button>
  );
}
