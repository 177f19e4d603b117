export function dateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString();
}

/** Money strings are exact decimals; show them with a dollar sign, at least two decimals. */
export function usd(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const [whole, frac = ''] = value.split('.');
  const trimmed = frac.replace(/0+$/, '');
  return `$${whole}.${trimmed.padEnd(2, '0')}`;
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(-8) : '—';
}

/** Badge colours of the provider trust tiers. */
export const TIER_COLOR: Record<string, string> = { local: 'green', private: 'blue', external: 'orange' };

/** What an alert is about: the threshold crossed, or its kind ("forecast exhaustion", ...). */
export function alertLabel(a: { kind: string; threshold_percent?: number | null }): string {
  return a.threshold_percent != null ? `${a.threshold_percent} %` : a.kind.replace(/_/g, ' ');
}
