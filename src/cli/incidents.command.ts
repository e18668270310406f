import { type Command, Option } from 'commander';
import { severityLabel } from '../domain/severity.js';
import type { CliIo, LazyServices } from './context.js';

export function registerIncidentCommands(program: Command, services: LazyServices, io: CliIo): void {
  const incidents = program.command('incidents').description('Incidents.');

  incidents
    .command('list')
    .description('List incidents, newest first.')
    .addOption(new Option('--status <status>', 'only open or closed incidents').choices(['open', 'closed']))
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'one JSON object per line')
    .action(async (options: { status?: 'open' | 'closed'; limit: number; json?: boolean }) => {
      const { incidents: service, config } = await services.get();
      const limit = Number.isFinite(options.limit) && options.limit > 0 ? Math.min(options.limit, 1000) : 50;
      const page = await service.list({ status: options.status, limit });
      if (page.items.length === 0 && !options.json) io.out('No incidents.');
      for (const i of page.items) {
        if (options.json) {
          io.out(JSON.stringify({ id: i.id, reference: i.reference, status: i.status, severity: i.severity, title: i.title, startedAt: i.startedAt }));
          continue;
        }
        const severity = i.severity ? severityLabel(config.severities, i.severity) : '-';
        const flags = [i.reportOnly ? 'report' : '', i.private ? 'private' : ''].filter(Boolean).join(',');
        io.out(`${i.reference}\t${i.status}\t${severity}\t${i.startedAt.toISOString()}\t${i.title}${flags ? `\t[${flags}]` : ''}`);
      }
    });
}
