import { DomainError } from './errors.js';

/** One level of the team's ordered severity scale (most severe first). */
export interface SeverityLevel {
  readonly key: string;
  readonly label: string;
}

export type SeverityScale = readonly SeverityLevel[];

/** The seed process's scale: Critical, Major, Trivial. */
export const defaultSeverityScale: SeverityScale = Object.freeze([
  { key: 'critical', label: 'Critical' },
  { key: 'major', label: 'Major' },
  { key: 'trivial', label: 'Trivial' },
]);

/** Resolves user input (key or label, any case) to a severity key, or fails listing the allowed keys. */
export function parseSeverity(scale: SeverityScale, input: string): string {
  const wanted = input.trim().toLowerCase();
  const level = scale.find((l) => l.key === wanted || l.label.toLowerCase() === wanted);
  if (!level) {
    const allowed = scale.map((l) => l.key);
    throw new DomainError(
      'incident.severity_invalid',
      `Unknown severity "${input}". Allowed values: ${allowed.join(', ')}.`,
      { field: 'severity', allowed },
    );
  }
  return level.key;
}

/** The human label of a severity key, falling back to the key when the scale has changed since. */
export function severityLabel(scale: SeverityScale, key: string): string {
  return scale.find((l) => l.key === key)?.label ?? key;
}
