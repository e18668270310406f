import type { Incident } from './incident.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A length of time as people say it in an incident: "45 s", "12 min", "2 h 5 min", "3 d 4 h".
 * Two units at most, rounded down, no zero parts; negative or non-finite input reads as "0 s".
 */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : 0;
  if (total < MINUTE) return `${Math.floor(total / SECOND)} s`;
  if (total < HOUR) return `${Math.floor(total / MINUTE)} min`;
  if (total < DAY) return joinParts(Math.floor(total / HOUR), 'h', Math.floor((total % HOUR) / MINUTE), 'min');
  return joinParts(Math.floor(total / DAY), 'd', Math.floor((total % DAY) / HOUR), 'h');
}

function joinParts(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

/** How long the incident ran (to its end) or has been running (to `now`), in ms; never negative. */
export function incidentDuration(incident: Pick<Incident, 'startedAt' | 'endedAt'>, now: Date): number {
  const end = incident.endedAt ?? now;
  return Math.max(0, end.getTime() - incident.startedAt.getTime());
}
