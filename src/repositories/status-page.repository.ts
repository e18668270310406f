import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { PublicIncidentsTable } from '../db/schema.js';
import type { IncidentId } from '../domain/ids.js';
import {
  componentStates,
  type ComponentState,
  type PublicIncident,
  type PublicIncidentId,
  type PublicStatus,
  type PublicUpdate,
  type PublicUpdateId,
} from '../domain/status-page.js';
import type { ExternalStatusIncident } from '../ports/status-page-publisher.port.js';
import type { StatusPageRepository } from '../ports/store.port.js';
import { date, dateOrNull, flag, iso, isoOrNull, loadUsers, userFrom, type Db } from './rows.js';

const storedComponents = z.array(z.object({ name: z.string(), state: z.enum(componentStates) }));

function externalFrom(row: Selectable<PublicIncidentsTable>): ExternalStatusIncident | null {
  return row.statuspage_id ? { id: row.statuspage_id, link: row.statuspage_link } : null;
}

export function createStatusPageRepository(db: Db): StatusPageRepository {
  async function hydrate(rows: Selectable<PublicIncidentsTable>[]): Promise<PublicIncident[]> {
    if (rows.length === 0) return [];
    const updateRows = await db
      .selectFrom('public_incident_updates')
      .selectAll()
      .where(
        'public_incident_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('seq', 'desc')
      .execute();
    const users = await loadUsers(
      db,
      updateRows.map((u) => u.by_id),
    );
    const updates = new Map<string, PublicUpdate[]>();
    for (const u of updateRows) {
      const update: PublicUpdate = {
        id: u.id as PublicUpdateId,
        publicIncidentId: u.public_incident_id as PublicIncidentId,
        status: u.status as PublicStatus,
        message: u.message,
        components: storedComponents.parse(JSON.parse(u.components)),
        at: date(u.at),
        by: userFrom(users, u.by_id),
      };
      updates.set(u.public_incident_id, [...(updates.get(u.public_incident_id) ?? []), update]);
    }
    return rows.map((r) => ({
      id: r.id as PublicIncidentId,
      incidentId: r.incident_id as IncidentId,
      title: r.title,
      status: r.status as PublicStatus,
      notifySubscribers: r.notify_subscribers === 1,
      createdAt: date(r.created_at),
      updatedAt: date(r.updated_at),
      resolvedAt: dateOrNull(r.resolved_at),
      updates: updates.get(r.id) ?? [],
    }));
  }

  return {
    async findByIncident(incidentId) {
      const rows = await db.selectFrom('public_incidents').selectAll().where('incident_id', '=', incidentId).execute();
      return (await hydrate(rows))[0] ?? null;
    },

    async savePublication({ publicIncident: p, update }) {
      const mutable = {
        title: p.title,
        status: p.status,
        notify_subscribers: flag(p.notifySubscribers),
        updated_at: iso(p.updatedAt),
        resolved_at: isoOrNull(p.resolvedAt),
      };
      await db
        .insertInto('public_incidents')
        .values({ id: p.id, incident_id: p.incidentId, created_at: iso(p.createdAt), ...mutable })
        .onConflict((oc) => oc.column('id').doUpdateSet(mutable))
        .execute();
      await db
        .insertInto('public_incident_updates')
        .values({
          id: update.id,
          public_incident_id: update.publicIncidentId,
          status: update.status,
          message: update.message,
          components: JSON.stringify(update.components),
          at: iso(update.at),
          by_id: update.by.id,
        })
        .execute();
      for (const component of update.components) {
        const values = { state: component.state, updated_at: iso(update.at) };
        await db
          .insertInto('status_components')
          .values({ name: component.name, ...values })
          .onConflict((oc) => oc.column('name').doUpdateSet(values))
          .execute();
      }
    },

    async list() {
      const rows = await db.selectFrom('public_incidents').selectAll().orderBy('updated_at', 'desc').orderBy('id').execute();
      return hydrate(rows);
    },

    async componentStates() {
      const rows = await db.selectFrom('status_components').selectAll().execute();
      return new Map(rows.map((r): [string, ComponentState] => [r.name, r.state as ComponentState]));
    },

    async findForSync(updateId) {
      const row = await db.selectFrom('public_incident_updates').select(['public_incident_id', 'statuspage_synced_at']).where('id', '=', updateId).executeTakeFirst();
      if (!row) return null;
      const incidents = await db.selectFrom('public_incidents').selectAll().where('id', '=', row.public_incident_id).execute();
      const [publicIncident] = await hydrate(incidents);
      const update = publicIncident?.updates.find((u) => u.id === updateId);
      if (!publicIncident || !update) return null;
      return { publicIncident, update, syncedAt: dateOrNull(row.statuspage_synced_at), external: externalFrom(incidents[0]!) };
    },

    async markSynced(updateId, external, at) {
      const row = await db.selectFrom('public_incident_updates').select('public_incident_id').where('id', '=', updateId).executeTakeFirstOrThrow();
      await db.updateTable('public_incident_updates').set({ statuspage_synced_at: iso(at) }).where('id', '=', updateId).execute();
      await db
        .updateTable('public_incidents')
        .set({ statuspage_id: external.id, statuspage_link: external.link })
        .where('id', '=', row.public_incident_id)
        .execute();
    },

    async externalOf(publicIncidentId) {
      const row = await db.selectFrom('public_incidents').selectAll().where('id', '=', publicIncidentId).executeTakeFirst();
      return row ? externalFrom(row) : null;
    },

    async lastVendorRequestAt(vendor) {
      const row = await db.selectFrom('vendor_requests').select('last_request_at').where('vendor', '=', vendor).executeTakeFirst();
      return row ? date(row.last_request_at) : null;
    },

    async noteVendorRequest(vendor, at) {
      await db
        .insertInto('vendor_requests')
        .values({ vendor, last_request_at: iso(at) })
        .onConflict((oc) => oc.column('vendor').doUpdateSet({ last_request_at: iso(at) }))
        .execute();
    },
  };
}
