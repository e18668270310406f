import type { IncidentId } from '../domain/ids.js';
import type { SlackMessageRepository } from '../ports/store.port.js';
import { iso, type Db } from './rows.js';

export function createSlackMessageRepository(db: Db, now: () => Date): SlackMessageRepository {
  return {
    async find(incidentId: IncidentId, kind) {
      const row = await db
        .selectFrom('slack_messages')
        .select(['channel_id', 'ts'])
        .where('incident_id', '=', incidentId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return row ? { channelId: row.channel_id, ts: row.ts } : null;
    },
    async save(incidentId, kind, ref) {
      await db
        .insertInto('slack_messages')
        .values({ incident_id: incidentId, kind, channel_id: ref.channelId, ts: ref.ts, created_at: iso(now()) })
        .onConflict((oc) => oc.columns(['incident_id', 'kind']).doUpdateSet({ channel_id: ref.channelId, ts: ref.ts }))
        .execute();
    },
  };
}
