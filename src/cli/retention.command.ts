import type { Command } from 'commander';
import { describeRetentionPeriod, maskEmail } from '../domain/retention.js';
import type { RetentionPlan, RetentionPlanEntry } from '../services/retention.service.js';
import type { CliIo, LazyServices } from './context.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** What anonymising changes, said the same way in the dry run and after --apply. */
const COVERED =
  'Covered: the person\'s name becomes "Former colleague <id>", their email and Slack id are cleared; in the incidents they appear in, ' +
  'their name (whole word, exact case), email and Slack id are replaced in timeline entries, their earlier revisions and audit event data. ' +
  'Not covered: incident titles, summaries, impacts, action texts and RCA texts as people typed them, and other incidents.';

function totals(people: readonly RetentionPlanEntry[]): string {
  const incidents = people.reduce((n, p) => n + p.incidents, 0);
  const texts = people.reduce((n, p) => n + p.textEntries, 0);
  const who = people.length === 1 ? '1 person' : `${people.length} people`;
  return `${who}, ${incidents} incident involvement(s), ${texts} text entries (timeline entries, revisions, audit events)`;
}

function policyLine(plan: RetentionPlan): string {
  return `Retention policy: anonymise people whose every incident ended more than ${describeRetentionPeriod(plan.period)} ago (before ${day(plan.cutoff)}).`;
}

/** `retention`: the policy's dry run (the default) or, with --apply, the anonymisation itself. */
export function registerRetentionCommand(program: Command, services: LazyServices, io: CliIo): void {
  program
    .command('retention')
    .option('--apply', 'anonymise the people listed (without it: a dry run that changes nothing)')
    .description(
      'Apply the retention policy (RETENTION_ANONYMISE_AFTER). By default a dry run: lists each person it would anonymise ' +
        '(id, name, email partly masked, last involvement, incidents and text entries affected) and changes nothing. Safe to run from cron with --apply.',
    )
    .action(async (options: { apply?: boolean }) => {
      const { retention } = await services.get();
      if (!retention.policy.anonymiseAfter) {
        io.out('The retention policy is off (RETENTION_ANONYMISE_AFTER is unset or off): nothing to do.');
        return;
      }
      if (!options.apply) {
        const plan = (await retention.plan())!;
        io.out(policyLine(plan));
        io.out('Dry run: nothing was changed. Run with --apply to anonymise.');
        if (plan.people.length === 0) io.out('Nobody to anonymise.');
        for (const p of plan.people) {
          io.out(
            `${p.user.id}\t${p.user.name}\t${maskEmail(p.user.email)}\tlast involved ${day(p.lastInvolvement)}\t${p.incidents} incident(s)\t${p.textEntries} text entries\t-> ${p.newName}`,
          );
        }
        io.out(`Would anonymise ${totals(plan.people)}.`);
        io.out(COVERED);
        return;
      }
      const done = (await retention.apply())!;
      io.out(policyLine(done));
      if (done.people.length === 0) io.out('Nobody to anonymise.');
      // Former names and emails are not printed: this output may be mailed or kept by cron.
      for (const p of done.people) {
        io.out(`${p.user.id}\tnow ${p.newName}\tlast involved ${day(p.lastInvolvement)}\t${p.incidents} incident(s)\t${p.textEntries} text entries rewritten`);
      }
      io.out(`Anonymised ${totals(done.people)}.`);
      io.out(COVERED);
    });
}
