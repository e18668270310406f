import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Action } from '../../src/domain/action.js';
import type { ActionId, IncidentId, TimelineEntryId, UserId } from '../../src/domain/ids.js';
import type { Rca, RcaReport } from '../../src/domain/rca.js';
import { escapeStorage, rcaDocumentTitle, redactRcaReport, renderRcaMarkdown, renderRcaStorage } from '../../src/domain/rca-document.js';
import { compileRedactionPattern, type RedactionPattern } from '../../src/domain/redaction.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import type { TimelineEntry } from '../../src/domain/timeline.js';
import { renderRcaSummary } from '../../src/slack/blocks/rca-summary.js';
import { buildIncident, buildUser, fixedNow, minutesFromNow } from './factories.js';

const TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
const rcaUrl = 'https://incidents.example.com/incidents/INC-1/rca';
const options = { severities: defaultSeverityScale, rcaUrl };
const bob = buildUser({ id: 'user-bob' as UserId, name: 'Bob' });

function entry(minutes: number, text: string, link: string | null = null): TimelineEntry {
  const at = minutesFromNow(minutes);
  return {
    id: `entry-${minutes}` as TimelineEntryId,
    incidentId: 'incident-1' as IncidentId,
    occurredAt: at,
    kind: 'pinnedMessage',
    text,
    link,
    removed: false,
    author: buildUser(),
    sourceRef: null,
    source: 'slack',
    revision: 1,
    createdAt: at,
    updatedAt: at,
    updatedBy: buildUser(),
  };
}

function action(n: number, text: string, followUp: { owner?: typeof bob; dueOn?: string; done?: boolean } | null = null): Action {
  return {
    id: `action-${n}` as ActionId,
    incidentId: 'incident-1' as IncidentId,
    text,
    owner: followUp?.owner ?? null,
    done: followUp?.done ?? false,
    doneAt: null,
    followUp: followUp !== null,
    dueOn: followUp?.dueOn ?? null,
    createdBy: buildUser(),
    createdAt: fixedNow(),
    updatedAt: fixedNow(),
  };
}

/** An RCA report of INC-1, closed after 90 minutes, with a secret planted in every free-text field. */
function buildRcaReport(overrides: Partial<RcaReport> = {}): RcaReport {
  const incident = {
    ...buildIncident({ severity: 'major', summary: `Checkout failed; token ${TOKEN}`, impact: 'All card payments failed (password=hunter22)' }),
    status: 'closed' as const,
    closeReason: 'resolved' as const,
    endedAt: minutesFromNow(90),
  };
  const rca: Rca = {
    incidentId: incident.id,
    heldOn: '2024-05-03',
    attendees: [buildUser(), bob],
    rootCause: 'An expired certificate <script>alert(1)</script> & a bad deploy',
    contributingFactors: 'Key AKIAIOSFODNN7EXAMPLE was in the runbook',
    wentWell: 'Fast paging',
    wentBadly: 'Slow comms\nNo status page update',
    status: 'complete',
    version: 3,
    createdBy: buildUser(),
    createdAt: fixedNow(),
    updatedBy: buildUser(),
    updatedAt: fixedNow(),
  };
  return {
    incident,
    rca,
    durations: { toLeadMs: 5 * 60_000, toFirstUpdateMs: 20 * 60_000, toCloseMs: 90 * 60_000 },
    timeline: [entry(1, `Deploying with ${TOKEN}`, 'https://admin:s3cretpw@ci.example.com/job/1'), entry(30, 'Rolled back', 'javascript:alert(1)')],
    actions: [action(1, 'Roll back the deploy')],
    followUps: [action(2, 'Monitor certificate expiry', { owner: bob, dueOn: '2024-06-01' }), action(3, `Rotate ${TOKEN}`, { owner: buildUser(), done: true })],
    ...overrides,
  };
}

describe('redactRcaReport', () => {
  it('masks every free-text field and says where, never what', () => {
    const { report, masked } = redactRcaReport(buildRcaReport(), []);
    const everything = JSON.stringify(report);
    assert.ok(!everything.includes(TOKEN), 'no Slack token left');
    assert.ok(!everything.includes('hunter22'));
    assert.ok(!everything.includes('AKIAIOSFODNN7EXAMPLE'));
    assert.ok(!everything.includes('s3cretpw'));
    assert.equal(report.incident.summary, 'Checkout failed; token [masked: Slack token]');
    assert.equal(report.timeline[0]?.link, 'https://admin:•••@ci.example.com/job/1');
    assert.deepEqual(
      masked.map((m) => `${m.field}: ${m.label}`),
      [
        'Summary: Slack token',
        'Impact: secret value',
        'Contributing factors: AWS access key id',
        'Timeline, 2024-05-01 12:01 UTC: Slack token',
        'Timeline, 2024-05-01 12:01 UTC (link): password in a link',
        'Follow-up 2: Slack token',
      ],
    );
    assert.ok(!JSON.stringify(masked).includes('hunter22'));
  });

  it('masks configured patterns too, and leaves a clean report as it was', () => {
    const patterns = [compileRedactionPattern('Fast\\s+paging')] as RedactionPattern[];
    const { report, masked } = redactRcaReport(buildRcaReport(), patterns);
    assert.equal(report.rca?.wentWell, '[masked: configured pattern]');
    assert.ok(masked.some((m) => m.field === 'What went well' && m.kind === 'configured'));
    const clean = buildRcaReport({ timeline: [], followUps: [], rca: null });
    const again = redactRcaReport({ ...clean, incident: { ...clean.incident, summary: 'Nothing secret', impact: null } }, []);
    assert.deepEqual(again.masked, []);
  });
});

describe('RCA documents', () => {
  it('the title names the incident', () => {
    assert.equal(rcaDocumentTitle(buildRcaReport()), 'RCA INC-1: Checkout is failing');
  });

  it('Markdown has the facts, outcome, durations, follow-ups with owners and due dates, timeline and the link', () => {
    const { report } = redactRcaReport(buildRcaReport(), []);
    const md = renderRcaMarkdown(report, options);
    assert.match(md, /^# RCA INC-1: Checkout is failing$/m);
    assert.match(md, /^- \*\*Severity:\*\* Major$/m);
    assert.match(md, /^- \*\*Attendees:\*\* Alice, Bob$/m);
    assert.match(md, /^## Root cause\n\nAn expired certificate/m);
    assert.match(md, /^- \*\*To close:\*\* 1 h 30 min$/m);
    assert.match(md, /^- \[ \] Monitor certificate expiry — Bob, due 2024-06-01$/m);
    assert.match(md, /^- \[x\] Rotate \[masked: Slack token\] — Alice$/m);
    assert.match(md, /^- 2024-05-01 12:01 UTC — Alice: Deploying with \[masked: Slack token\] \(https:\/\/admin:•••@ci\.example\.com\/job\/1\)$/m);
    assert.ok(md.endsWith(`The record: ${rcaUrl}\n`));
    assert.ok(!md.includes(TOKEN));
  });

  it('Confluence storage format escapes what was typed, keeps line breaks, links only web addresses', () => {
    const { report } = redactRcaReport(buildRcaReport(), []);
    const xhtml = renderRcaStorage(report, options);
    assert.ok(xhtml.includes('An expired certificate &lt;script&gt;alert(1)&lt;/script&gt; &amp; a bad deploy'));
    assert.ok(!xhtml.includes('<script>'));
    assert.ok(xhtml.includes('Slow comms<br />No status page update'));
    assert.ok(xhtml.includes(`<a href="${rcaUrl}">${rcaUrl}</a>`));
    assert.ok(xhtml.includes('javascript:alert(1)') && !xhtml.includes('href="javascript:'), 'a script link stays text');
    assert.ok(xhtml.includes('<td>Monitor certificate expiry</td><td>Bob</td><td>2024-06-01</td><td>No</td>'));
    assert.ok(!xhtml.includes(TOKEN));
    // Well-formed enough for Confluence's XHTML parser: every table and paragraph closes.
    for (const tag of ['table', 'tr', 'td', 'p', 'h2']) {
      assert.equal(xhtml.split(`<${tag}>`).length + xhtml.split(`<${tag} `).length - 1, xhtml.split(`</${tag}>`).length, `<${tag}> balanced`);
    }
    assert.equal(escapeStorage('a\u0001b'), 'ab', 'control characters XML cannot carry are dropped');
  });

  it('the Slack summary has title, severity, durations, root cause, follow-ups with owners and due dates, and the link', () => {
    const { report } = redactRcaReport(buildRcaReport(), []);
    const message = renderRcaSummary(report, options);
    const all = JSON.stringify(message);
    assert.ok(all.includes('RCA: INC-1 Checkout is failing'));
    assert.ok(all.includes('*Severity*\\nMajor'));
    assert.ok(all.includes('*To close*\\n1 h 30 min'));
    assert.ok(all.includes('An expired certificate &lt;script&gt;'), 'typed text is escaped for mrkdwn');
    assert.ok(all.includes('Monitor certificate expiry — Bob, due 2024-06-01'));
    assert.ok(all.includes('(1 open)'));
    assert.ok(all.includes(`<${rcaUrl}|RCA page>`));
    assert.ok(!all.includes(TOKEN));
    assert.ok(message.text.includes('Root cause: An expired certificate'));
  });

  it('the Slack summary of an RCA not written yet says so', () => {
    const message = renderRcaSummary(buildRcaReport({ rca: null, followUps: [] }), options);
    const all = JSON.stringify(message);
    assert.ok(all.includes('_Not recorded yet._'));
    assert.ok(all.includes('_None agreed._'));
  });
});
