// The frame of a report screen: title, the server-side CSV download (with its failure shown
// under the title), the day range and, for usage reports, the grouping.

import { Button, Group, Select } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Section } from '../components/Section';
import { useOrg } from '../components/Shell';
import { ErrorNotice } from '../components/states';
import { downloadReportCsv, type GroupBy } from './api';
import { DateRangeInputs, GROUP_LABEL, validRange } from './controls';

export interface Range {
  from: string;
  to: string;
}

export function ReportSection({
  title,
  csv,
  range,
  onRange,
  grouping,
  children,
}: {
  title: string;
  /** The report and query to download as CSV, and the file name. */
  csv?: { report: 'usage' | 'egress'; query: Record<string, string | undefined>; filename: string };
  range: Range;
  onRange: (r: Range) => void;
  grouping?: { value: GroupBy; onChange: (g: GroupBy) => void; options: readonly GroupBy[] };
  children: ReactNode;
}) {
  const { orgId } = useOrg();
  const download = useMutation({ mutationFn: () => (csv ? downloadReportCsv(orgId, csv.report, csv.query, csv.filename) : Promise.resolve()) });
  return (
    <Section
      title={title}
      actions={
        csv && (
          <Button variant="default" onClick={() => download.mutate()} loading={download.isPending} disabled={!validRange(range)}>
            Download CSV
          </Button>
        )
      }
    >
      <ErrorNotice error={download.error} />
      <Group align="flex-end" gap="sm">
        <DateRangeInputs from={range.from} to={range.to} onChange={onRange} />
        {grouping && (
          <Select
            label="Group by"
            w={160}
            allowDeselect={false}
            value={grouping.value}
            onChange={(v) => v && grouping.onChange(v as GroupBy)}
            data={grouping.options.map((g) => ({ value: g, label: GROUP_LABEL[g] }))}
          />
        )}
      </Group>
      {children}
    </Section>
  );
}
