import type { Migration } from 'kysely';
import type { Engine } from '../../ports/store.port.js';
import { initialMigration } from './0001-initial.js';
import { jobsMigration } from './0002-jobs.js';
import { jobsActiveIndexMigration } from './0003-jobs-active-index.js';
import { apiTokenScopeMigration } from './0004-api-token-scope.js';
import { incidentPeopleMigration } from './0005-incident-people.js';
import { nudgesMigration } from './0006-nudges.js';
import { statusPageMigration } from './0007-status-page.js';
import { pagesMigration } from './0008-pages.js';
import { statusPageSyncMigration } from './0010-statuspage-sync.js';
import { pagingTeamsMigration } from './0011-paging-teams.js';
import { afterTheIncidentMigration } from './0012-after-the-incident.js';
import { slackInboxMigration } from './0013-slack-inbox.js';

/** Every migration, in order. Names sort; never rename or edit one that has shipped. */
export function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(engine),
    '0002-jobs': jobsMigration(engine),
    '0003-jobs-active-index': jobsActiveIndexMigration(),
    '0004-api-token-scope': apiTokenScopeMigration(),
    '0005-incident-people': incidentPeopleMigration(),
    '0006-nudges': nudgesMigration(),
    '0007-status-page': statusPageMigration(engine),
    '0008-pages': pagesMigration(),
    '0010-statuspage-sync': statusPageSyncMigration(),
    '0011-paging-teams': pagingTeamsMigration(),
    '0012-after-the-incident': afterTheIncidentMigration(),
    '0013-slack-inbox': slackInboxMigration(),
  };
}
