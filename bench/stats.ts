export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function line(label: string, value: string, target?: string, ok?: boolean): void {
  const verdict = target === undefined ? '' : `  (target ${target}: ${ok ? 'met' : 'NOT met'})`;
  console.log(`${label.padEnd(44)} ${value}${verdict}`);
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
