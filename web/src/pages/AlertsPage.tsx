import { useAlerts, useBudgets } from '../api/queries';
import type { Schemas } from '../api/client';
import type { DataColumn } from '../components/DataTable';
import { alertLabel, dateTime, usd } from '../components/format';
import { TableSection } from '../components/Section';
import { useOrg } from '../components/Shell';
import { useTargetNames } from '../components/TargetSelect';

export function AlertsPage() {
  const { orgId } = useOrg();
  const names = useTargetNames(orgId);
  const alerts = useAlerts(orgId);
  const budgets = useBudgets(orgId);
  const budgetName = (id: string) => {
    const b = budgets.data?.items.find((x) => x.id === id);
    return b ? `${names.label(b)} · ${b.period} ${usd(b.amount_usd)}` : 'deleted budget';
  };
  const columns: DataColumn<Schemas['Alert']>[] = [
    { header: 'When', cell: (a) => dateTime(a.occurred_at), csvHeader: 'occurred_at', csv: (a) => a.occurred_at },
    { header: 'Budget', cell: (a) => budgetName(a.budget_id), csvHeader: 'budget', csv: (a) => budgetName(a.budget_id) },
    { header: 'Period', cell: (a) => a.period, csvHeader: 'period', csv: (a) => a.period },
    { header: 'Alert', cell: (a) => alertLabel(a), csvHeader: 'kind', csv: (a) => a.kind },
    { header: 'threshold_percent', csv: (a) => a.threshold_percent },
    { header: 'Spent', cell: (a) => `${usd(a.spent_usd)} of ${usd(a.amount_usd)}`, csvHeader: 'spent_usd', csv: (a) => a.spent_usd },
    { header: 'amount_usd', csv: (a) => a.amount_usd },
  ];
  return (
    <TableSection
      title="Budget alerts"
      query={alerts}
      rows={(d) => d.items}
      rowKey={(a) => a.id}
      columns={columns}
      csv="alerts.csv"
      minWidth={700}
      empty="No alerts: no budget has crossed a threshold, and no forecast, anomaly or drift was raised."
    />
  );
}
