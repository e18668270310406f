import { DomainError } from '../domain/errors.js';
import type { IncidentId } from '../domain/ids.js';
import type { Incident } from '../domain/incident.js';
import type { Repositories } from '../ports/store.port.js';

const REFERENCE = /^[A-Za-z][A-Za-z0-9]*-\d+$/;

/** The incident with this id or reference (`INC-42`, any case), or a not-found error. */
export async function findIncident(repos: Repositories, idOrReference: string): Promise<Incident> {
  const incident = REFERENCE.test(idOrReference)
    ? await repos.incidents.findByReference(idOrReference)
    : await repos.incidents.findById(idOrReference as IncidentId);
  if (!incident) throw new DomainError('incident.not_found', `No incident "${idOrReference}".`);
  return incident;
}

/** The incident, read after taking its lock: the state every change in this transaction builds on. */
export async function findIncidentForUpdate(repos: Repositories, idOrReference: string): Promise<Incident> {
  const found = await findIncident(repos, idOrReference);
  await repos.incidents.lock(found.id);
  return (await repos.incidents.findById(found.id)) ?? found;
}
