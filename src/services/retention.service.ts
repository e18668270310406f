import type { IncidentId, TimelineEntryId } from '../domain/ids.js';
import {
  anonymisedName,
  decideRetention,
  redactIdentity,
  redactIdentityInJson,
  retentionCutoff,
  type RetentionFacts,
  type RetentionPeriod,
  type RetentionPolicy,
} from '../domain/retention.js';
import type { User } from '../domain/user.js';
import type { Repositories } from '../ports/store.port.js';
import type { ServiceDeps } from './context.js';

/** One person the policy anonymises, and what it changes. */
export interface RetentionPlanEntry {
  readonly user: User;
  readonly newName: string;
  /** When the last of their incidents ended. */
  readonly lastInvolvement: Date;
  readonly incidents: number;
  /** Timeline entries, timeline revisions and audit events whose text changes. */
  readonly textEntries: number;
}

export interface RetentionPlan {
  readonly period: RetentionPeriod;
  /** Incidents that ended before this moment are old enough. */
  readonly cutoff: Date;
  readonly people: readonly RetentionPlanEntry[];
}

/** The text rewrites one person's anonymisation makes in their incidents' records. */
interface Rewrites {
  readonly timeline: { readonly id: TimelineEntryId; readonly text: string }[];
  readonly revisions: { readonly entryId: TimelineEntryId; readonly revision: number; readonly text: string }[];
  readonly audit: { readonly seq: number; readonly data: string }[];
}

const countOf = (r: Rewrites) => r.timeline.length + r.revisions.length + r.audit.length;

/**
 * The retention policy (RETENTION_ANONYMISE_AFTER): plans who is anonymised, and applies it one
 * person per transaction, re-deciding under that transaction, so a person who came back since the
 * plan is left alone and an anonymised person is never planned again.
 */
export function createRetentionService(deps: ServiceDeps, options: { readonly policy: RetentionPolicy; readonly adminEmails: readonly string[] }) {
  const { store, clock } = deps;

  async function rewritesFor(repos: Repositories, facts: RetentionFacts, newName: string): Promise<Rewrites> {
    const ids: IncidentId[] = facts.incidents.map((i) => i.incidentId);
    const texts = await repos.retention.textsOf(ids);
    const rewrites: Rewrites = { timeline: [], revisions: [], audit: [] };
    for (const e of texts.timelineEntries) {
      const text = redactIdentity(e.text, facts.user, newName);
      if (text !== e.text) rewrites.timeline.push({ id: e.id, text });
    }
    for (const r of texts.timelineRevisions) {
      const text = redactIdentity(r.text, facts.user, newName);
      if (text !== r.text) rewrites.revisions.push({ entryId: r.entryId, revision: r.revision, text });
    }
    for (const a of texts.auditEvents) {
      const data = JSON.stringify(redactIdentityInJson(JSON.parse(a.data) as unknown, facts.user, newName));
      // Compared parsed, so a row only re-serialised (key order, spacing) is not counted as changed.
      if (data !== JSON.stringify(JSON.parse(a.data) as unknown)) rewrites.audit.push({ seq: a.seq, data });
    }
    return rewrites;
  }

  function entryOf(facts: RetentionFacts, lastInvolvement: Date, rewrites: Rewrites): RetentionPlanEntry {
    return {
      user: facts.user,
      newName: anonymisedName(facts.user.id),
      lastInvolvement,
      incidents: facts.incidents.length,
      textEntries: countOf(rewrites),
    };
  }

  function cutoffNow(period: RetentionPeriod): Date {
    return retentionCutoff(clock.now(), period);
  }

  return {
    /** The configured policy (its period is null when it is off). */
    policy: options.policy,

    /** What the policy would change now, changing nothing; null when the policy is off. */
    async plan(): Promise<RetentionPlan | null> {
      const period = options.policy.anonymiseAfter;
      if (!period) return null;
      const cutoff = cutoffNow(period);
      const people: RetentionPlanEntry[] = [];
      for (const facts of await store.retention.people()) {
        const decision = decideRetention(facts, { cutoff, adminEmails: options.adminEmails });
        if (!decision.anonymise) continue;
        people.push(entryOf(facts, decision.lastInvolvement, await rewritesFor(store, facts, anonymisedName(facts.user.id))));
      }
      return { period, cutoff, people };
    },

    /**
     * Anonymises everyone the policy covers now, one transaction per person (a failure leaves the
     * others done and that person untouched); what was done. Null when the policy is off.
     */
    async apply(): Promise<RetentionPlan | null> {
      const period = options.policy.anonymiseAfter;
      if (!period) return null;
      const cutoff = cutoffNow(period);
      const candidates = (await store.retention.people()).filter((f) => decideRetention(f, { cutoff, adminEmails: options.adminEmails }).anonymise);
      const done: RetentionPlanEntry[] = [];
      for (const candidate of candidates) {
        const entry = await store.transaction(async (repos) => {
          // Decided again inside the transaction: involved since the list was read, or done by a
          // concurrent run, they are left as they are.
          const [facts] = await repos.retention.people(candidate.user.id);
          if (!facts) return null;
          const decision = decideRetention(facts, { cutoff, adminEmails: options.adminEmails });
          if (!decision.anonymise) return null;
          const newName = anonymisedName(facts.user.id);
          const rewrites = await rewritesFor(repos, facts, newName);
          for (const t of rewrites.timeline) await repos.retention.setTimelineText(t.id, t.text);
          for (const r of rewrites.revisions) await repos.retention.setRevisionText(r.entryId, r.revision, r.text);
          for (const a of rewrites.audit) await repos.retention.setAuditData(a.seq, a.data);
          await repos.retention.anonymise(facts.user.id, newName, clock.now());
          return entryOf(facts, decision.lastInvolvement, rewrites);
        });
        if (entry) done.push(entry);
      }
      return { period, cutoff, people: done };
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
