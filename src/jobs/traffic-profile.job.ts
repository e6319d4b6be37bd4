import { refreshProfiles } from '../services/ingest/ood-profile';
import type { JobDefinition } from './job-queue';
import { reportProgress } from './progress';

export const TRAFFIC_PROFILE_JOB = 'traffic-profile';

export interface TrafficProfilePayload {
  maxSamples?: number;
  windowHours?: number;
}

function parseTrafficProfilePayload(data: unknown): TrafficProfilePayload {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new TypeError('traffic-profile payload must be an object');
  const { maxSamples, windowHours, ...rest } = data as Record<string, unknown>;
  if (Object.keys(rest).length) throw new TypeError(`traffic-profile payload: unknown field(s) ${Object.keys(rest).join(', ')}`);
  if (maxSamples !== undefined && (typeof maxSamples !== 'number' || !Number.isInteger(maxSamples) || maxSamples < 10 || maxSamples > 100_000)) {
    throw new TypeError('traffic-profile payload: maxSamples: must be an integer in 10..100000');
  }
  if (windowHours !== undefined && (typeof windowHours !== 'number' || !(windowHours > 0 && windowHours <= 744))) {
    throw new TypeError('traffic-profile payload: windowHours: must be in (0, 744]');
  }
  return { maxSamples: maxSamples as number | undefined, windowHours: windowHours as number | undefined };
}

/** Rebuilds the out-of-distribution reference profiles (every 10 minutes, and on demand). */
export function trafficProfileJob(): JobDefinition<TrafficProfilePayload> {
  return {
    name: TRAFFIC_PROFILE_JOB,
    parse: parseTrafficProfilePayload,
    retryLimit: 3,
    retryDelay: 30,
    expireInSeconds: 600,
    async handle(payload, ctx) {
      const profiles = await refreshProfiles(ctx.db, { maxSamples: payload.maxSamples ?? 2000, windowHours: payload.windowHours ?? 24 });
      await reportProgress(ctx, 'DONE', profiles, profiles);
      return { profiles };
    },
  };
}
