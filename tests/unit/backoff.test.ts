import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/core/backoff.ts';

describe('back-off', () => {
  it('doubles per attempt, jitters within the upper half, and stops at the ceiling', () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, 1000, 60_000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(2, 1000, 60_000, () => 0)).toBe(2000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
