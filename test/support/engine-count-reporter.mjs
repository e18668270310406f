// A node:test reporter that counts the database tests per engine, so a run shows (and
// scripts/test.sh can check) that every database test ran on SQLite and on PostgreSQL alike.
// A database test is a leaf test whose name starts with `[sqlite]` or `[postgres]`, as
// `describeEngines` in test/support/engines.ts names them. Suites are not counted.
//
// With ENGINE_COUNT_FILE set, it also writes the counts there as JSON.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const ENGINES = ['sqlite', 'postgres'];
const PREFIX = /^\[(sqlite|postgres)\] (.*)$/s;

/** Counts `test:pass` / `test:fail` of engine-prefixed leaf tests; prints one summary line. */
export default async function* engineCountReporter(source) {
  const counts = Object.fromEntries(ENGINES.map((engine) => [engine, { passed: 0, failed: 0, skipped: 0 }]));
  // How many times each test (file + name without the prefix) ran on each engine.
  const runs = new Map();

  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    const match = PREFIX.exec(data.name ?? '');
    if (!match) continue;
    const [, engine, name] = match;
    const count = counts[engine];
    if (event.type === 'test:fail') count.failed += 1;
    else if (data.skip !== undefined || data.todo !== undefined) count.skipped += 1;
    else count.passed += 1;
    // Not keyed by file: a describeEngines test reports engines.ts as its location.
    const key = name;
    const perEngine = runs.get(key) ?? Object.fromEntries(ENGINES.map((e) => [e, 0]));
    perEngine[engine] += 1;
    runs.set(key, perEngine);
  }

  const describe = (engine) => {
    const { passed, failed, skipped } = counts[engine];
    return `${engine} ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  };
  const totals = ENGINES.map((engine) => counts[engine].passed + counts[engine].failed + counts[engine].skipped);
  const unpaired = [...runs]
    .filter(([, perEngine]) => new Set(ENGINES.map((engine) => perEngine[engine])).size > 1)
    .map(([key, perEngine]) => `${key} (${ENGINES.map((engine) => `${engine} ${perEngine[engine]}`).join(', ')})`);
  const balanced = new Set(totals).size === 1 && unpaired.length === 0;

  if (process.env.ENGINE_COUNT_FILE) {
    writeFileSync(process.env.ENGINE_COUNT_FILE, `${JSON.stringify({ counts, balanced, unpaired }, null, 2)}\n`);
  }

  yield `\ndatabase tests: ${ENGINES.map(describe).join('; ')}\n`;
  if (!balanced) {
    yield 'database tests differ between engines; each must run on every engine (use describeEngines):\n';
    for (const line of unpaired.slice(0, 20)) yield `  ${line}\n`;
    if (unpaired.length > 20) yield `  ... and ${unpaired.length - 20} more\n`;
  }
}
