import { z } from 'zod';
import { parseRetentionPeriod, RETENTION_MIN_DAYS, type RetentionPeriod } from '../domain/retention.js';

// RETENTION_ANONYMISE_AFTER's parser; config.ts holds the schema and the table of variables.

/** `off`, or how long after their last incident ended people are anonymised: `3y`, `1095d`. */
export const retentionPeriod = z.string().transform((value, ctx): RetentionPeriod | null => {
  if (value.trim().toLowerCase() === 'off') return null;
  const period = parseRetentionPeriod(value);
  if (period) return period;
  ctx.addIssue({
    code: 'custom',
    message: `expected off, years like 3y or days like 1095d (at least ${RETENTION_MIN_DAYS} days, at most 100 years); got "${value}"`,
  });
  return z.NEVER;
});
