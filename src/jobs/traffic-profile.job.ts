import { refreshProfiles } from '../services/ingest/ood-profile';
import type { JobDefinition } from './job-queue';

export const TRAFFIC_PROFILE_JOB = 'traffic-profile';

/** Rebuilds the out-of-distribution reference profiles (every 10 minutes, and on demand). */
export function trafficProfileJob(): JobDefinition<Record<string, never>> {
  return {
    name: TRAFFIC_PROFILE_JOB,
    parse(data) {
      if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length > 0)) {
        throw new TypeError('traffic-profile payload must be an empty object');
      }
      return {};
    },
    retryLimit: 3,
    retryDelay: 30,
    expireInSeconds: 600,
    async handle(_payload, ctx) {
      const profiles = await refreshProfiles(ctx.db, { maxSamples: 2000, windowHours: 24 });
      await ctx.progress({ profiles });
      return { profiles };
    },
  };
}
