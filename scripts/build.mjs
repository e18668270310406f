// Compiles src/main.ts into dist/ with esbuild, so a start runs plain JavaScript: no tsx, no
// transpiling at each start (half the start time and about 55 MB less RSS, docs/performance.md).
//
//   node scripts/build.mjs      build dist/ now (the container image's build stage)
//   node scripts/start.mjs      `npm start`: builds only when dist/ is missing or stale, then runs it
//
// What comes out:
// - dist/main.js, the entry: turns source maps on (stack traces name the .ts files and lines), then
//   imports the app. `node dist/main.js` is the whole start.
// - Chunks, split at dynamic imports: what app.ts imports only when configured (Slack and Bolt)
//   stays on disk until then. Packages stay external, loaded from node_modules as under tsx.
// - dist/build.json: the inputs the build read (size and mtime of each) and its output files, so a
//   start can tell whether any source changed since, and a later build can tidy up.
//
// Files found beside a module at run time (views, static assets, node_modules/govuk-frontend) are
// located from `import.meta.url`; in a bundle that would be the chunk's URL in dist/, so each
// `import.meta.url` in src/ is rewritten to the URL of its own source file, relative to dist/. The
// bundle therefore reads them from src/ (templates are not compiled: edit one and restart, no build),
// and the container image keeps src/ beside dist/.
/* global process -- Node's global */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = path.join(root, 'dist');
export const entryFile = path.join(distDir, 'main.js');
const manifestFile = path.join(distDir, 'build.json');
// Besides the modules bundled: what changes the output without being one of them.
const extraInputs = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];

/**
 * Size and mtime of each file: the fingerprint a later start compares (missing files are null).
 * Synchronous on purpose: a few hundred stats take 2-3 ms this way, several times that through
 * the thread pool, and nothing else runs yet.
 */
function fingerprint(files) {
  return Object.fromEntries(
    files.map((file) => {
      const stat = statSync(path.join(root, file), { throwIfNoEntry: false });
      return [file, stat ? `${stat.size}:${stat.mtimeMs}` : null];
    }),
  );
}

/** Every file under src/, relative to the root, as the build's candidate inputs. */
async function sourceFiles() {
  const entries = await fs.readdir(path.join(root, 'src'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)));
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return null;
  }
}

/** Why dist/ must be rebuilt (a changed, added or removed input), or null when it is up to date. */
export function staleReason() {
  const manifest = readManifest();
  if (!manifest?.inputs || !Array.isArray(manifest.outputs)) return 'dist/ has not been built';
  if (!manifest.outputs.every((file) => existsSync(path.join(distDir, file)))) return 'dist/ is incomplete';
  const now = fingerprint(Object.keys(manifest.inputs));
  const changed = Object.keys(now).find((file) => now[file] !== manifest.inputs[file]);
  return changed ? `${changed} changed` : null;
}

/** An `import.meta.url` in a bundled file must still name that file (see the top of this script). */
function sourceUrlPlugin() {
  return {
    name: 'source-url',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        if (!args.path.startsWith(path.join(root, 'src') + path.sep)) return undefined;
        const text = await fs.readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const relative = path.relative(distDir, args.path).split(path.sep).join('/');
        return {
          contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`),
          loader: path.extname(args.path).slice(1).replace(/^[cm]/, '') === 'ts' ? 'ts' : 'js',
        };
      });
    },
  };
}

/** Writes a file whole or not at all: a start running beside a build never reads half of one. */
async function writeAtomically(file, contents) {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temporary, contents);
  await fs.rename(temporary, file);
}

/**
 * Builds dist/. Safe beside a running app: every file is replaced atomically, chunks are
 * content-named, the entry and build.json are written last, and the previous build's files are
 * kept (a process that started from it may still load its lazy chunks); only older ones are
 * removed. Two builds at once of different sources may remove each other's chunks: build.json then
 * names a missing file, and the next start builds again.
 */
export async function build() {
  const { build: esbuild, stop } = await import('esbuild');
  // Taken before reading: a file edited during the build leaves a stale fingerprint, so the next
  // start builds again rather than running code older than the source.
  const before = fingerprint([...(await sourceFiles()), ...extraInputs]);
  const result = await esbuild({
    stdin: {
      // Source maps on before any application module loads: Node maps only modules loaded after.
      contents: `process.setSourceMapsEnabled(true);\nawait import('./src/main.ts');\n`,
      resolveDir: root,
      sourcefile: 'dist-entry.js',
      loader: 'js',
    },
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: distDir,
    entryNames: 'main',
    chunkNames: '[name]-[hash]',
    sourcemap: true,
    minifyWhitespace: true,
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [sourceUrlPlugin()],
  });
  // esbuild's service process would otherwise live as long as the app that `npm start` runs next.
  await stop();
  const read = Object.keys(result.metafile.inputs).filter((file) => file in before);
  const inputs = Object.fromEntries([...read, ...extraInputs].map((file) => [file, before[file] ?? null]));
  const files = result.outputFiles.map((f) => ({ name: path.relative(distDir, f.path), contents: f.contents }));
  const outputs = files.map((f) => f.name);
  const previous = readManifest()?.outputs ?? [];

  await fs.mkdir(distDir, { recursive: true });
  const entryLast = (a, b) => Number(a.name.startsWith('main.js')) - Number(b.name.startsWith('main.js'));
  for (const file of [...files].sort(entryLast)) await writeAtomically(path.join(distDir, file.name), file.contents);
  await writeAtomically(manifestFile, `${JSON.stringify({ builtAt: new Date().toISOString(), inputs, outputs }, null, 2)}\n`);

  const keep = new Set([...outputs, ...previous, 'build.json']);
  const present = await fs.readdir(distDir);
  await Promise.all(present.filter((f) => !keep.has(f) && !f.endsWith('.tmp')).map((f) => fs.rm(path.join(distDir, f), { force: true })));
  return { outputs };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { outputs } = await build();
  process.stdout.write(`built ${path.relative(process.cwd(), entryFile)} (${outputs.length} files) in ${Date.now() - started} ms\n`);
}
