import { z } from 'zod';

/*
 * The wire shapes of `GET /api/v1/metrics`, beside the route (schemas.ts holds the incident
 * routes'); the OpenAPI document is generated from them.
 */

const dateTime = z.iso.datetime({ offset: true });
const bound = (which: string) =>
  z
    .union([z.iso.date(), dateTime])
    .optional()
    .describe(
      `${which} An ISO date (\`2026-11-27\`: a whole day, included) or date-time with offset (an instant; as \`to\`, excluded).`,
    );

export const metricsQuery = z
  .object({
    from: bound('Counts incidents declared at or after this. Default: 89 days before `to`’s last day.'),
    to: bound('Counts incidents declared before the end of this day (or before this instant). Default: today included.'),
  })
  .strict();

const durationSummary = z
  .object({
    count: z.number().int().describe('Incidents that have this duration (an open incident has no time to close yet).'),
    medianMs: z.number().int().nullable().describe('Median, in milliseconds (nearest rank: the lower middle value for an even count); null when count is 0.'),
    p90Ms: z.number().int().nullable().describe('90th percentile, in milliseconds (nearest rank); null when count is 0.'),
  })
  .describe('A duration from the moment the incident was declared, in milliseconds.');

export const metricsResponse = z.object({
  from: dateTime.describe('Start of the range (included).'),
  to: dateTime.describe('End of the range (excluded).'),
  bucketSize: z.enum(['day', 'week', 'month']).describe('Days for up to 31 days, weeks (from Monday, UTC) for up to 26 weeks, months beyond.'),
  incidentCount: z.number().int().describe('Incidents declared in the range that the token may see; drills and tests are never counted.'),
  severities: z
    .array(z.object({ key: z.string().nullable().describe('null: no severity set.'), label: z.string(), count: z.number().int() }))
    .describe('The configured scale in order, then any retired level in use, then no severity; with the range’s totals.'),
  buckets: z.array(
    z.object({
      start: dateTime,
      end: dateTime.describe('Excluded. The first and last buckets are cut to the range.'),
      counts: z.array(z.object({ severity: z.string().nullable(), count: z.number().int() })).describe('In the order of `severities`.'),
      total: z.number().int(),
    }),
  ),
  durations: z.object({ toLead: durationSummary, toFirstUpdate: durationSummary, toClose: durationSummary }),
  followUps: z.object({
    open: z.number().int().describe('RCA follow-ups not done, on the incidents counted.'),
    overdue: z.number().int().describe('Of those, the ones due before today (UTC).'),
  }),
});

export type MetricsJson = z.output<typeof metricsResponse>;
