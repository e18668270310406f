import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { CliFailure, type CliIo, type LazyServices } from './context.js';

export function registerImportCommand(program: Command, services: LazyServices, io: CliIo): void {
  program
    .command('import')
    .argument('<file>', 'a JSON export (GET /api/v1/incidents/{id}/export?format=json)')
    .description('Import an exported incident as a new incident with the next reference; nothing is written if the file is invalid.')
    .action(async (file: string) => {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (error) {
        throw new CliFailure(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        throw new CliFailure(`${file} is not JSON: expected an incident export.`);
      }
      const { exports } = await services.get();
      const incident = await exports.importIncident(document);
      io.out(`Imported ${file} as ${incident.reference} (id ${incident.id}).`);
    });
}
