/** Counts per bucket (bucket key → count). */
export type Distribution = Record<string, number>;

/** Empty buckets get this share so ln(p/q) stays finite (a common floor for PSI). */
const FLOOR = 1e-4;

/**
 * Population stability index of `actual` against `expected`: Σ (a − e) · ln(a / e) over the buckets
 * of either. 0 is identical; below 0.1 little shift, 0.1–0.25 moderate, above 0.25 significant
 * (the usual reading, and DATASET_MAX_PSI's default).
 */
export function populationStabilityIndex(actual: Distribution, expected: Distribution): number {
  const total = (d: Distribution) => Object.values(d).reduce((a, b) => a + b, 0);
  const na = total(actual);
  const ne = total(expected);
  if (na === 0 || ne === 0) return 0;
  let psi = 0;
  for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
    const a = Math.max((actual[key] ?? 0) / na, FLOOR);
    const e = Math.max((expected[key] ?? 0) / ne, FLOOR);
    psi += (a - e) * Math.log(a / e);
  }
  return Number(psi.toFixed(4));
}
