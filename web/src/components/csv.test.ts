import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes separators, quotes and line breaks, and serialises objects', () => {
    const csv = toCsv([{ a: 'x,y', b: 'say "hi"', c: { k: 1 } }, { a: 'two\nlines', b: null, c: 3 }], [
      { header: 'a', value: (r) => r.a },
      { header: 'b', value: (r) => r.b },
      { header: 'c', value: (r) => r.c },
    ]);
    expect(csv).toBe('a,b,c\r\n"x,y","say ""hi""","{""k"":1}"\r\n"two\nlines",,3\r\n');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(toCsv([{ v: '=HYPERLINK("x")' }, { v: '-1+2' }, { v: '@cmd' }], [{ header: 'v', value: (r) => r.v }])).toBe(
      'v\r\n"\'=HYPERLINK(""x"")"\r\n\'-1+2\r\n\'@cmd\r\n',
    );
  });
});
