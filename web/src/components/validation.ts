// Client-side checks mirroring the admin API's rules, so people see problems before sending.
// The API validates again; its field errors are shown the same way.

/** Money: a positive decimal string of US dollars with at most 9 decimals. */
export function checkAmount(text: string): string | null {
  const t = text.trim();
  if (!t) return 'Enter an amount in US dollars, e.g. 500 or 12.50.';
  if (!/^\d+(\.\d{1,9})?$/.test(t)) return 'Use digits with an optional decimal point (at most 9 decimals), no currency sign.';
  if (/^0+(\.0+)?$/.test(t)) return 'The amount must be greater than zero.';
  return null;
}

/** Alert thresholds: "50, 80, 100" → [50, 80, 100]; percentages 1–100, at most 10, no repeats. */
export function parseThresholds(text: string): { value: number[]; error: string | null } {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const value: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { value, error: `"${p}" is not a whole number of percent.` };
    const n = Number(p);
    if (n < 1 || n > 100) return { value, error: 'Each threshold is a percentage from 1 to 100.' };
    if (value.includes(n)) return { value, error: `${n} is listed twice.` };
    value.push(n);
  }
  if (value.length > 10) return { value, error: 'At most 10 thresholds.' };
  value.sort((a, b) => a - b);
  return { value, error: null };
}

/** Rate limits: empty = not limited; otherwise a positive whole number. */
export function checkLimit(text: string): { value: number | null; error: string | null } {
  const t = text.trim();
  if (!t) return { value: null, error: null };
  if (!/^\d+$/.test(t) || Number(t) <= 0) return { value: null, error: 'A positive whole number, or empty for no limit.' };
  if (Number(t) > 2_147_483_647) return { value: null, error: 'Too large.' };
  return { value: Number(t), error: null };
}

/** A price per million tokens: a non-negative decimal of US dollars (empty allowed when optional). */
export function checkPrice(text: string, optional = false): string | null {
  const t = text.trim();
  if (!t) return optional ? null : 'Enter US dollars per million tokens, e.g. 2.50.';
  if (!/^\d+(\.\d{1,9})?$/.test(t)) return 'US dollars per million tokens, e.g. 2.50 (digits, at most 9 decimals).';
  return null;
}

/** An optional positive whole number (token counts, days): empty is null. */
export function checkCount(text: string, { allowZero = false } = {}): { value: number | null; error: string | null } {
  const t = text.trim();
  if (!t) return { value: null, error: null };
  if (!/^\d+$/.test(t) || (!allowZero && Number(t) === 0)) return { value: null, error: allowZero ? 'A whole number, or empty.' : 'A positive whole number, or empty.' };
  if (Number(t) > 2_147_483_647) return { value: null, error: 'Too large.' };
  return { value: Number(t), error: null };
}
