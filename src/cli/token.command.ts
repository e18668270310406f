import type { Command } from 'commander';
import type { ApiToken } from '../ports/store.port.js';
import type { CliIo, LazyServices } from './context.js';

export function registerTokenCommands(program: Command, services: LazyServices, io: CliIo): void {
  const token = program.command('token').description('API bearer tokens (stored hashed).');

  token
    .command('create')
    .argument('<name>', 'what the token is for, e.g. "statuspage-sync"')
    .option('--as <email>', 'act as this existing person: changes are theirs, and it sees the private incidents they are in')
    .option('--admin', 'see every incident, private ones included (integrations, operators)')
    .description(
      'Create a token; the secret is printed once, alone on the last line. By default the token acts as a user of its own ' +
        'and sees public incidents plus the private ones that user is involved in.',
    )
    .action(async (name: string, options: { as?: string; admin?: boolean }) => {
      const { tokens } = await services.get();
      const { token: created, secret } = await tokens.create(name, { as: options.as, admin: options.admin === true });
      io.out(`Created API token "${created.name}" (id ${created.id}), ${describeScope(created)}. It is shown only now; store it safely:`);
      io.out(secret);
    });

  token
    .command('list')
    .description('List tokens with their scope (never their secrets).')
    .action(async () => {
      const { tokens } = await services.get();
      const all = await tokens.list();
      if (all.length === 0) io.out('No API tokens. Create one with: npm run cli -- token create <name>');
      for (const t of all) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : 'active';
        io.out(`${t.id}  ${t.name}  ${describeScope(t)}  created ${t.createdAt.toISOString()}  ${state}`);
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

/** Whom a token acts as and what it sees, in a few words for an operator. */
function describeScope(token: ApiToken): string {
  const who = token.user.email ?? token.user.name;
  return `acts as ${who}, sees ${token.admin ? 'every incident (admin)' : 'public incidents and private ones its user is in'}`;
}
