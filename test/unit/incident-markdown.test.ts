import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INCIDENT_EXPORT_FORMAT, type IncidentExport } from '../../src/domain/incident-export.js';
import { renderIncidentMarkdown } from '../../src/domain/incident-markdown.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';

const alice = { name: 'Alice', email: 'alice@example.com', slackUserId: null };
const start = '2026-03-02T10:00:00.000Z';
const minutes = (n: number) => new Date(Date.parse(start) + n * 60_000).toISOString();

function entry(kind: IncidentExport['timeline'][number]['kind'], at: number, removed = false): IncidentExport['timeline'][number] {
  const revision = { revision: 1, occurredAt: minutes(at), kind, text: `${kind} at ${at}`, link: null, removed, revisedBy: alice, source: 'slack' as const, revisedAt: minutes(at) };
  return { occurredAt: minutes(at), kind, text: revision.text, link: null, removed, author: alice, sourceRef: null, source: 'slack', createdAt: minutes(at), updatedAt: minutes(at), updatedBy: alice, revisions: [revision] };
}

function doc(timeline: IncidentExport['timeline'], leadAt: number[]): IncidentExport {
  return {
    format: INCIDENT_EXPORT_FORMAT,
    incident: {
      reference: 'INC-7', title: 'Checkout failing', status: 'closed', closeReason: 'resolved', blockedUntil: null, reportOnly: false, occurredAt: null,
      private: false, summary: null, impact: null, severity: null, startedAt: start, endedAt: minutes(90), channel: null, reporter: alice,
      createdAt: start, updatedAt: minutes(90),
      roles: leadAt.map((at) => ({ role: 'lead', holder: alice, assignedAt: minutes(at), assignedBy: alice, endedAt: null, endedBy: null })),
      people: [],
    },
    timeline,
    actions: [],
    audit: [],
  };
}

describe('incident Markdown durations', () => {
  it('counts a status page publication as the first update, as the RCA page and the metrics do', () => {
    const markdown = renderIncidentMarkdown(doc([entry('note', 2), entry('statusPage', 12), entry('update', 30)], [5]), defaultSeverityScale);
    assert.match(markdown, /\*\*To lead assigned:\*\* 5 min/);
    assert.match(markdown, /\*\*To first update:\*\* 12 min/);
    assert.match(markdown, /\*\*To close:\*\* 1 h 30 min/);
  });

  it('ignores a removed update and takes the earliest lead whatever the order of the roles', () => {
    const markdown = renderIncidentMarkdown(doc([entry('update', 3, true), entry('update', 20)], [40, 8]), defaultSeverityScale);
    assert.match(markdown, /\*\*To lead assigned:\*\* 8 min/);
    assert.match(markdown, /\*\*To first update:\*\* 20 min/);
  });

  it('says none when there was no update', () => {
    const markdown = renderIncidentMarkdown(doc([entry('note', 2)], []), defaultSeverityScale);
    assert.match(markdown, /\*\*To first update:\*\* —/);
    assert.match(markdown, /\*\*To lead assigned:\*\* —/);
  });
});
