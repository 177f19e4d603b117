// What went wrong saving a policy document, in place: field errors on matrix cells go into
// their cells (see `serverCellProblems`), other field errors are listed, a revision conflict
// says what to do, anything else is the usual error notice.

import { Alert, Text } from '@mantine/core';
import { ApiError, humanField } from '../api/errors';
import { ErrorNotice } from '../components/states';
import { cellOfField } from './model';

/** API field errors on matrix cells, by cell key (`pii.simple`). */
export function serverCellProblems(error: unknown): Record<string, string> {
  const cells: Record<string, string> = {};
  if (!(error instanceof ApiError)) return cells;
  for (const f of error.fields) {
    const cell = cellOfField(f.field);
    if (cell) cells[cell] = cells[cell] ? `${cells[cell]}; ${f.message}` : f.message;
  }
  return cells;
}

export function PolicySaveErrors({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 409) {
    return (
      <Alert color="orange" title="Someone else changed the policy" role="alert">
        The stored policy changed since you opened it; your edits were not saved. Copy what you need, then reload the page.
        <Text size="xs">{error.message}</Text>
      </Alert>
    );
  }
  if (error instanceof ApiError && error.fields.length) {
    const inCells = error.fields.some((f) => cellOfField(f.field));
    const others = error.fields.filter((f) => !cellOfField(f.field));
    return (
      <Alert color="red" title="The policy was not saved" role="alert">
        {inCells && <Text size="sm">Some matrix cells are refused: see the highlighted cells.</Text>}
        {others.map((f) => (
          <Text size="sm" key={f.field}>
            {humanField(f.field)}: {f.message}
          </Text>
        ))}
      </Alert>
    );
  }
  return <ErrorNotice error={error} />;
}
