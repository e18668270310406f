import { DomainError } from '../domain/errors.js';
import type { ActionId, IncidentId, RoleAssignmentId, SlackUserId, TimelineEntryId, UserId } from '../domain/ids.js';
import { incidentExport, INCIDENT_EXPORT_FORMAT, type ExportedPerson, type IncidentExport } from '../domain/incident-export.js';
import { redactIncidentExport, type RedactedIncidentExport } from '../domain/incident-export-redaction.js';
import type { RedactionPattern } from '../domain/redaction.js';
import type { Incident } from '../domain/incident.js';
import type { TimelineEntry, TimelineRevision } from '../domain/timeline.js';
import { systemUser, type User } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import type { ServiceDeps } from './context.js';
import { findIncident } from './find-incident.js';
import { resolveUser } from './user-directory.js';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
const date = (s: string) => new Date(s);
const dateOrNull = (s: string | null) => (s === null ? null : new Date(s));

function personOf(user: User): ExportedPerson {
  return { name: user.name, email: user.email, slackUserId: user.slackUserId };
}

/** Exporting an incident as a portable document, and importing one as a new incident. */
export function createIncidentExportService(deps: ServiceDeps, options: { readonly redactPatterns?: readonly RedactionPattern[] } = {}) {
  const { store, ids, clock } = deps;

  /**
   * The users of an import, one per person named in the document: by email or Slack id through
   * the directory (so they join people already here); someone with neither (a token's own user,
   * the app itself) cannot be matched, so gets a user of their own, once per name.
   */
  function userMapper(repos: Repositories) {
    const known = new Map<string, User>();
    return async (person: ExportedPerson): Promise<User> => {
      const key = JSON.stringify([person.name, person.email, person.slackUserId]);
      const cached = known.get(key);
      if (cached) return cached;
      let user: User;
      if (person.email || person.slackUserId) {
        user = await resolveUser(repos, ids, { name: person.name, email: person.email ?? undefined, slackUserId: person.slackUserId ?? undefined }, 'person');
      } else if (person.name === systemUser.name) {
        user = systemUser;
      } else {
        user = { id: ids.newId() as UserId, name: person.name, email: null, slackUserId: null as SlackUserId | null };
        await repos.users.insertIfAbsent(user);
      }
      known.set(key, user);
      return user;
    };
  }

  return {
    /**
     * The whole record of one incident: fields, roles with hand-overs, people, every timeline
     * revision, actions, audit. It leaves the site, so likely secrets are masked and listed in `redactions`.
     */
    async exportIncident(idOrReference: string): Promise<RedactedIncidentExport> {
      const incident = await findIncident(store, idOrReference);
      const entries = await store.timeline.listForIncident(incident.id, { includeRemoved: true });
      const histories = await Promise.all(entries.map((e) => store.timeline.history(e.id)));
      const actions = await store.actions.listForIncident(incident.id);
      const audit = await store.audit.listForIncident(incident.id);
      const rca = await store.rcas.find(incident.id);
      const doc: IncidentExport = {
        format: INCIDENT_EXPORT_FORMAT,
        incident: {
          reference: incident.reference,
          title: incident.title,
          status: incident.status,
          closeReason: incident.closeReason,
          blockedUntil: isoOrNull(incident.blockedUntil),
          reportOnly: incident.reportOnly,
          occurredAt: isoOrNull(incident.occurredAt),
          private: incident.private,
          drill: incident.drill,
          summary: incident.summary,
          impact: incident.impact,
          severity: incident.severity,
          startedAt: iso(incident.startedAt),
          endedAt: isoOrNull(incident.endedAt),
          channel: incident.channel,
          channelArchivedAt: isoOrNull(incident.channelArchivedAt),
          reporter: personOf(incident.reporter),
          createdAt: iso(incident.createdAt),
          updatedAt: iso(incident.updatedAt),
          roles: incident.roleAssignments.map((a) => ({
            role: a.role,
            holder: personOf(a.holder),
            assignedAt: iso(a.assignedAt),
            assignedBy: personOf(a.assignedBy),
            endedAt: isoOrNull(a.endedAt),
            endedBy: a.endedBy ? personOf(a.endedBy) : null,
          })),
          people: incident.people.map((p) => ({ person: personOf(p.user), how: p.how, addedBy: personOf(p.addedBy), addedAt: iso(p.addedAt) })),
        },
        timeline: entries.map((e, i) => ({
          occurredAt: iso(e.occurredAt),
          kind: e.kind,
          text: e.text,
          link: e.link,
          removed: e.removed,
          author: personOf(e.author),
          sourceRef: e.sourceRef,
          source: e.source,
          createdAt: iso(e.createdAt),
          updatedAt: iso(e.updatedAt),
          updatedBy: personOf(e.updatedBy),
          revisions: (histories[i] ?? []).map((r) => ({
            revision: r.revision,
            occurredAt: iso(r.occurredAt),
            kind: r.kind,
            text: r.text,
            link: r.link,
            removed: r.removed,
            revisedBy: personOf(r.revisedBy),
            source: r.source,
            revisedAt: iso(r.revisedAt),
          })),
        })),
        actions: actions.map((a) => ({
          text: a.text,
          owner: a.owner ? personOf(a.owner) : null,
          done: a.done,
          doneAt: isoOrNull(a.doneAt),
          followUp: a.followUp,
          dueOn: a.dueOn,
          createdBy: personOf(a.createdBy),
          createdAt: iso(a.createdAt),
          updatedAt: iso(a.updatedAt),
        })),
        rca: rca
          ? {
              heldOn: rca.heldOn,
              attendees: rca.attendees.map(personOf),
              rootCause: rca.rootCause,
              contributingFactors: rca.contributingFactors,
              wentWell: rca.wentWell,
              wentBadly: rca.wentBadly,
              status: rca.status,
              version: rca.version,
              createdBy: personOf(rca.createdBy),
              createdAt: iso(rca.createdAt),
              updatedBy: personOf(rca.updatedBy),
              updatedAt: iso(rca.updatedAt),
            }
          : null,
        audit: audit.map((r) => ({ at: iso(r.at), actor: personOf(r.actor), source: r.source, type: r.type, data: r.data })),
      };
      return redactIncidentExport(doc, options.redactPatterns ?? []);
    },

    /**
     * Writes an exported document as a new incident with the next reference, all in one
     * transaction; the original reference is kept in a timeline note and the audit trail.
     */
    async importIncident(document: unknown): Promise<Incident> {
      const parsed = incidentExport.safeParse(document);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
        throw new DomainError('import.invalid', `Not an incident export (${INCIDENT_EXPORT_FORMAT})${where}: ${issue?.message ?? 'invalid'}.`);
      }
      const doc = parsed.data;
      for (const [i, entry] of doc.timeline.entries()) {
        if (entry.revisions.some((r, n) => r.revision !== n + 1)) {
          throw new DomainError('import.invalid', `Timeline entry ${i} has revisions out of sequence.`);
        }
      }
      const now = clock.now();
      return store.transaction(async (repos) => {
        const userOf = userMapper(repos);
        const number = await repos.incidents.allocateNumber();
        const id = ids.newId() as IncidentId;
        const source = doc.incident;
        const incident: Incident = {
          id,
          number,
          reference: `${deps.referencePrefix}-${number}`,
          title: source.title,
          status: source.status,
          closeReason: source.closeReason,
          blockedUntil: dateOrNull(source.blockedUntil),
          reportOnly: source.reportOnly,
          occurredAt: dateOrNull(source.occurredAt),
          private: source.private,
          drill: source.drill ?? false,
          summary: source.summary,
          impact: source.impact,
          severity: source.severity,
          startedAt: date(source.startedAt),
          endedAt: dateOrNull(source.endedAt),
          channel: source.channel,
          channelArchivedAt: dateOrNull(source.channelArchivedAt ?? null),
          reporter: await userOf(source.reporter),
          roleAssignments: [],
          people: [],
          version: 1,
          createdAt: date(source.createdAt),
          updatedAt: date(source.updatedAt),
        };
        const roleAssignments = [];
        for (const a of source.roles) {
          roleAssignments.push({
            id: ids.newId() as RoleAssignmentId,
            role: a.role,
            holder: await userOf(a.holder),
            assignedAt: date(a.assignedAt),
            assignedBy: await userOf(a.assignedBy),
            endedAt: dateOrNull(a.endedAt),
            endedBy: a.endedBy ? await userOf(a.endedBy) : null,
          });
        }
        await repos.incidents.insert({ ...incident, roleAssignments });
        for (const p of source.people) {
          await repos.people.add(id, { user: await userOf(p.person), how: p.how, addedBy: await userOf(p.addedBy), addedAt: date(p.addedAt) });
        }

        for (const e of doc.timeline) {
          const entryId = ids.newId() as TimelineEntryId;
          const base = { id: entryId, incidentId: id, author: await userOf(e.author), sourceRef: e.sourceRef, source: e.source, createdAt: date(e.createdAt) };
          for (const r of e.revisions) {
            const revision: TimelineRevision = {
              entryId,
              revision: r.revision,
              occurredAt: date(r.occurredAt),
              kind: r.kind,
              text: r.text,
              link: r.link,
              removed: r.removed,
              revisedBy: await userOf(r.revisedBy),
              source: r.source,
              revisedAt: date(r.revisedAt),
            };
            const entry: TimelineEntry = { ...base, ...revision, id: entryId, source: e.source, updatedAt: revision.revisedAt, updatedBy: revision.revisedBy };
            if (r.revision === 1) await repos.timeline.insert([{ entry, revision }]);
            else await repos.timeline.saveRevision({ entry, revision });
          }
        }
        const noteId = ids.newId() as TimelineEntryId;
        const note = { occurredAt: now, kind: 'note' as const, text: `Imported from ${source.reference}.`, link: null, removed: false };
        await repos.timeline.insert([
          {
            entry: { ...note, id: noteId, incidentId: id, author: systemUser, sourceRef: null, source: 'system', revision: 1, createdAt: now, updatedAt: now, updatedBy: systemUser },
            revision: { ...note, entryId: noteId, revision: 1, revisedBy: systemUser, source: 'system', revisedAt: now },
          },
        ]);

        for (const a of doc.actions) {
          await repos.actions.insert({
            id: ids.newId() as ActionId,
            incidentId: id,
            text: a.text,
            owner: a.owner ? await userOf(a.owner) : null,
            done: a.done,
            doneAt: dateOrNull(a.doneAt),
            followUp: a.followUp ?? false,
            dueOn: a.dueOn ?? null,
            createdBy: await userOf(a.createdBy),
            createdAt: date(a.createdAt),
            updatedAt: date(a.updatedAt),
          });
        }
        if (doc.rca) {
          const r = doc.rca;
          const attendees = [];
          for (const person of r.attendees) attendees.push(await userOf(person));
          await repos.rcas.insert({
            incidentId: id,
            heldOn: r.heldOn,
            attendees,
            rootCause: r.rootCause,
            contributingFactors: r.contributingFactors,
            wentWell: r.wentWell,
            wentBadly: r.wentBadly,
            status: r.status,
            version: r.version,
            createdBy: await userOf(r.createdBy),
            createdAt: date(r.createdAt),
            updatedBy: await userOf(r.updatedBy),
            updatedAt: date(r.updatedAt),
          });
        }
        const audit = [];
        for (const r of doc.audit) audit.push({ incidentId: id, at: date(r.at), actor: await userOf(r.actor), source: r.source, type: r.type, data: r.data });
        audit.push({ incidentId: id, at: now, actor: systemUser, source: 'system' as const, type: 'incident.imported', data: { originalReference: source.reference } });
        await repos.audit.appendStored(audit);
        return (await repos.incidents.findById(id)) ?? incident;
      });
    },
  };
}

export type IncidentExportService = ReturnType<typeof createIncidentExportService>;
