import { describe, expect, it } from 'vitest';
import { checkAmount, checkLimit, parseThresholds } from './validation';

describe('budget and limit validation', () => {
  it('accepts exact decimal dollar amounts only', () => {
    expect(checkAmount('500')).toBeNull();
    expect(checkAmount('12.50')).toBeNull();
    expect(checkAmount('0.000000001')).toBeNull();
    expect(checkAmount('')).toMatch(/Enter an amount/);
    expect(checkAmount('$5')).toMatch(/digits/);
    expect(checkAmount('1.0000000001')).toMatch(/9 decimals/);
    expect(checkAmount('0.00')).toMatch(/greater than zero/);
  });

  it('parses alert thresholds', () => {
    expect(parseThresholds('80, 50 100')).toEqual({ value: [50, 80, 100], error: null });
    expect(parseThresholds('')).toEqual({ value: [], error: null });
    expect(parseThresholds('50, 50').error).toMatch(/twice/);
    expect(parseThresholds('0').error).toMatch(/1 to 100/);
    expect(parseThresholds('120').error).toMatch(/1 to 100/);
    expect(parseThresholds('5%').error).toMatch(/whole number/);
    expect(parseThresholds('1 2 3 4 5 6 7 8 9 10 11').error).toMatch(/At most 10/);
  });

  it('rate limits are positive whole numbers or empty', () => {
    expect(checkLimit('')).toEqual({ value: null, error: null });
    expect(checkLimit('600')).toEqual({ value: 600, error: null });
    expect(checkLimit('0').error).toBeTruthy();
    expect(checkLimit('1.5').error).toBeTruthy();
  });
});
