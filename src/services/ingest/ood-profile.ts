import type { EntityManager } from 'typeorm';

/**
 * Out-of-distribution prompts, by comparison with a reference profile of recent healthy traffic of the
 * same model version (rows kept only as SAMPLED in the last 24 h: an unbiased sample of ordinary traffic).
 *
 * Two features, both cheap enough for the ingest path (one pass over the prompt's characters):
 * - length: ln(1 + characters). A prompt is OOD when |z| > OOD_LENGTH_Z (default 4) against the
 *   profile's mean and standard deviation (floored at 0.05 so a uniform profile does not flag everything).
 * - script mix: the share of letters outside the Latin script. A prompt is OOD when its share differs
 *   from the profile's mean by more than OOD_SCRIPT_SHIFT (default 0.5): e.g. Cyrillic or CJK text sent
 *   to a model whose traffic is English.
 * A profile is trusted only with OOD_MIN_SAMPLES (default 200) healthy prompts behind it; before that
 * nothing is flagged. Rare-token rate was considered and left out: it needs a vocabulary of the model's
 * training data, which Flywheel does not have yet.
 */
export interface PromptFeatures {
  logLength: number;
  nonLatinShare: number;
}

export interface Profile {
  samples: number;
  logLengthMean: number;
  logLengthStd: number;
  nonLatinMean: number;
}

function isLatinLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff);
}

/** Letters of other scripts, approximately: code points from Greek upward, minus punctuation, symbols and emoji. */
function isOtherLetter(c: number): boolean {
  return c >= 0x370 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0xd800 && c <= 0xdfff) && !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xfe00 && c <= 0xfe6f) && !(c >= 0xff00 && c <= 0xff20);
}

export function promptFeatures(prompt: string): PromptFeatures {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < prompt.length; i++) {
    const c = prompt.charCodeAt(i);
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) latin++;
    } else if (isLatinLetter(c)) latin++;
    else if (isOtherLetter(c)) other++;
  }
  const letters = latin + other;
  return { logLength: Math.log1p(prompt.length), nonLatinShare: letters === 0 ? 0 : other / letters };
}

export function computeProfile(prompts: string[]): Profile {
  const f = prompts.map(promptFeatures);
  const n = f.length;
  const mean = (xs: number[]) => (n === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / n);
  const lm = mean(f.map((x) => x.logLength));
  const variance = n < 2 ? 0 : f.reduce((a, x) => a + (x.logLength - lm) ** 2, 0) / (n - 1);
  return { samples: n, logLengthMean: lm, logLengthStd: Math.sqrt(variance), nonLatinMean: mean(f.map((x) => x.nonLatinShare)) };
}

export function isOutOfDistribution(profile: Profile, features: PromptFeatures, opts: { lengthZ: number; scriptShift: number; minSamples: number }): boolean {
  if (profile.samples < opts.minSamples) return false;
  const z = Math.abs(features.logLength - profile.logLengthMean) / Math.max(profile.logLengthStd, 0.05);
  return z > opts.lengthZ || Math.abs(features.nonLatinShare - profile.nonLatinMean) > opts.scriptShift;
}

/** The profiles, held in memory for the ingest path and reloaded from the database periodically. */
export class ProfileCache {
  private profiles = new Map<string, Profile>();
  private timer: NodeJS.Timeout | undefined;

  get(modelVersion: string): Profile | undefined {
    return this.profiles.get(modelVersion);
  }

  async reload(db: EntityManager): Promise<void> {
    const rows: (Profile & { modelVersion: string })[] = await db.query(
      `SELECT model_version AS "modelVersion", samples, log_length_mean AS "logLengthMean", log_length_std AS "logLengthStd",
              non_latin_mean AS "nonLatinMean" FROM traffic_profile`,
    );
    this.profiles = new Map(rows.map((r) => [r.modelVersion, r]));
  }

  start(db: EntityManager, everyMs: number, onError: (e: Error) => void): void {
    this.timer = setInterval(() => this.reload(db).catch(onError), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Rebuilds every model version's profile from its recent SAMPLED-only rows. Returns profiles written. */
export async function refreshProfiles(db: EntityManager, opts: { maxSamples: number; windowHours: number }): Promise<number> {
  const versions: { model_version: string }[] = await db.query(
    `SELECT DISTINCT model_version FROM ingest_stats_hourly WHERE hour >= now() - make_interval(secs => $1)`,
    [opts.windowHours * 3600],
  );
  let written = 0;
  for (const { model_version } of versions) {
    const rows: { prompt: string }[] = await db.query(
      `SELECT prompt FROM inference_log WHERE model_version = $1 AND ts >= now() - make_interval(secs => $3)
         AND keep_reasons = '{SAMPLED}' ORDER BY ts DESC LIMIT $2`,
      [model_version, opts.maxSamples, opts.windowHours * 3600],
    );
    if (rows.length === 0) continue;
    const p = computeProfile(rows.map((r) => r.prompt));
    await db.query(
      `INSERT INTO traffic_profile (model_version, samples, log_length_mean, log_length_std, non_latin_mean, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (model_version) DO UPDATE SET samples = EXCLUDED.samples, log_length_mean = EXCLUDED.log_length_mean,
         log_length_std = EXCLUDED.log_length_std, non_latin_mean = EXCLUDED.non_latin_mean, updated_at = now()`,
      [model_version, p.samples, p.logLengthMean, p.logLengthStd, p.nonLatinMean],
    );
    written++;
  }
  return written;
}
