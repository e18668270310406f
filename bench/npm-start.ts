import { readFileSync } from 'node:fs';

/** `npm start`'s command as package.json has it, without `node`: its V8 flags, then scripts/start.mjs. */
export const npmStartArgs: readonly string[] = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .slice(1);

/** The V8 flags `npm start` gives node, so a benchmark's server runs as a deployed one does. */
export const npmStartFlags: readonly string[] = npmStartArgs.filter((arg) => arg.startsWith('--'));
