// Spotting negative trends early: each category's negative comments over the last 7 days against
// its trailing 8-week baseline. A spike is a count a Poisson process with the baseline's weekly
// mean would reach rarely (mean + 3·√mean), and at least 3 comments so one bad day is not a crisis.

export interface Spike {
  category: string;
  count: number;
  weeklyMean: number;
  threshold: number;
}

export const MIN_SPIKE = 3;

export function spikeThreshold(weeklyMean: number): number {
  return Math.max(MIN_SPIKE, Math.ceil(weeklyMean + 3 * Math.sqrt(Math.max(weeklyMean, 1))));
}

/** `lastWeek[c]` = negative comments of category c in the last 7 days; `baseline[c]` = the 8 weeks before, one count each. */
export function detectSpikes(lastWeek: Record<string, number>, baseline: Record<string, number[]>): Spike[] {
  const spikes: Spike[] = [];
  for (const [category, count] of Object.entries(lastWeek)) {
    const weeks = baseline[category] ?? [];
    const weeklyMean = weeks.length ? weeks.reduce((a, b) => a + b, 0) / 8 : 0;
    const threshold = spikeThreshold(weeklyMean);
    if (count >= threshold) spikes.push({ category, count, weeklyMean: Math.round(weeklyMean * 10) / 10, threshold });
  }
  return spikes.sort((a, b) => b.count - a.count);
}
