// A target's stats page as a scenario gives it: a path on the target ("/cpstats/data") or a
// loopback URL (cpdiag reads nothing off this machine). Shared by the kinds that can have one,
// with the one rule that turns it into the URL read.
import { z } from 'zod';
import { checkLoopbackUrl } from '../probe/server-stats.js';

export const statsUrlSchema = z
  .string()
  .refine((v) => v.startsWith('/') || checkLoopbackUrl(v) === undefined, (v) => ({
    message: `a path on the target such as /cpstats/data, or a loopback URL: ${checkLoopbackUrl(v)}`,
  }))
  .describe("the server's statistics page: CherryPy's /cpstats/data, cheroot's statistics JSON, or /_cpdiag/stats");

/** The URL of a stats page given as a path on the target (`base`) or as a loopback URL. */
export function resolveStatsUrl(base: string, statsUrl: string): string {
  return statsUrl.startsWith('/') ? `${base.replace(/\/$/, '')}${statsUrl}` : statsUrl;
}
