import type { Command } from 'commander';
import type { CliIo, LazyServices } from './context.js';

export function registerTokenCommands(program: Command, services: LazyServices, io: CliIo): void {
  const token = program.command('token').description('API bearer tokens (stored hashed).');

  token
    .command('create')
    .argument('<name>', 'what the token is for, e.g. "statuspage-sync"')
    .description('Create a token; the secret is printed once, alone on the last line.')
    .action(async (name: string) => {
      const { tokens } = await services.get();
      const { token: created, secret } = await tokens.create(name);
      io.out(`Created API token "${created.name}" (id ${created.id}). It is shown only now; store it safely:`);
      io.out(secret);
    });

  token
    .command('list')
    .description('List tokens (never their secrets).')
    .action(async () => {
      const { tokens } = await services.get();
      const all = await tokens.list();
      if (all.length === 0) io.out('No API tokens. Create one with: npm run cli -- token create <name>');
      for (const t of all) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
        io.out(`${t.id}  ${t.name}  created ${t.createdAt.toISOString()}  ${state}`);
      }
    });

  token
    .command('revoke')
    .argument('<idOrName>', 'the token id or name')
    .description('Revoke a token at once; requests with it get 401.')
    .action(async (idOrName: string) => {
      const { tokens } = await services.get();
      for (const t of await tokens.revoke(idOrName)) io.out(`Revoked ${t.id} (${t.name}).`);
    });
}
