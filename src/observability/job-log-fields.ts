import type { IncidentId } from '../domain/ids.js';
import type { Job } from '../ports/jobs.port.js';
import type { Store } from '../ports/store.port.js';

const CACHED = 1000;

/**
 * The reference of the incident a job is about (its payload's `incidentId`), for its log lines.
 * References never change, so a small cache spares the database a read per run; a job about no
 * incident, or a read that fails, gives null and the job runs all the same.
 */
export function createJobIncidentNamer(store: Pick<Store, 'incidents'>): (job: Job) => Promise<string | null> {
  const references = new Map<string, string>();
  return async (job) => {
    const payload = job.payload as { incidentId?: unknown } | null;
    const id = typeof payload === 'object' && payload !== null && typeof payload.incidentId === 'string' ? payload.incidentId : null;
    if (!id) return null;
    const known = references.get(id);
    if (known) return known;
    const incident = await store.incidents.findById(id as IncidentId).catch(() => null);
    if (!incident) return null;
    if (references.size >= CACHED) references.delete(references.keys().next().value!);
    references.set(id, incident.reference);
    return incident.reference;
  };
}
