import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where `screenshot` writes; ignored by git. */
export const SCREENSHOT_DIR = path.join(repoRoot, 'test-output', 'screenshots');

/** The WCAG 2.2 AA conformance levels the site is held to (axe tags). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

// Playwright cannot download its own browsers here; scripts/ensure-chromium.sh provides Debian's.
// --no-sandbox: the tests run as root in a container. The rest keep Chromium off the network
// (outbound network is off in tests) and quiet.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches headless Chromium; call once per test file (in a top-level `before`) and close it in `after`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// Pages opened with JavaScript disabled: axe cannot run in them (see checkAccessibility).
const pagesWithoutJavaScript = new WeakSet<Page>();

/** Opens a page in a fresh context (no cookies shared with other pages); close it with `page.context().close()`. */
export async function newPage(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const javaScriptEnabled = options.javaScriptEnabled ?? true;
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  if (!javaScriptEnabled) pagesWithoutJavaScript.add(page);
  return page;
}

/** The part of axe's result the assertion reports. */
interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly helpUrl: string;
  readonly nodes: readonly { readonly target: readonly string[]; readonly failureSummary: string }[];
}

/** What the page sees once axe is injected; the test project has no DOM lib, so it is typed here. */
interface AxeWindow {
  readonly axe?: {
    run(
      context: unknown,
      options: { runOnly: readonly string[]; resultTypes: readonly string[] },
    ): Promise<{ violations: readonly AxeViolationRaw[] }>;
  };
  readonly document: unknown;
}

interface AxeViolationRaw {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly helpUrl: string;
  // A target is a selector list, nested for frames and shadow DOM.
  readonly nodes: readonly { readonly target: readonly unknown[]; readonly failureSummary?: string }[];
}

let axeSource: Promise<string> | undefined;

function readAxeSource(): Promise<string> {
  axeSource ??= fs.readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

async function injectAxe(page: Page): Promise<void> {
  const source = await readAxeSource();
  try {
    await page.addScriptTag({ content: source });
  } catch (error) {
    // A Content-Security-Policy without 'unsafe-inline' (helmet's default) blocks the inline
    // <script>. DevTools evaluation is not subject to the page's CSP, so evaluate the same source
    // instead of weakening the page under test with a bypassCSP context.
    if (!(error instanceof Error && error.message.includes('Content Security Policy'))) throw error;
    await page.evaluate(source);
  }
  assert.ok(await page.evaluate(() => (globalThis as unknown as AxeWindow).axe !== undefined), 'axe-core did not load into the page');
}

function describeViolation(v: AxeViolation): string {
  const nodes = v.nodes.map((n) => `    - ${n.target.join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replaceAll('\n', '\n      ')}` : ''}`);
  return [`  ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}`, `    ${v.helpUrl}`, ...nodes].join('\n');
}

/**
 * Runs axe-core on the page against WCAG 2.0–2.2 A and AA and fails with every violation (rule,
 * impact, help and the offending elements) when there is any.
 */
export async function checkAccessibility(page: Page, label: string): Promise<void> {
  // With JavaScript disabled, evaluation still works but the page's timers never fire, and axe
  // schedules its work on timers: axe.run would wait for ever. Say so instead.
  if (pagesWithoutJavaScript.has(page)) {
    throw new Error(`${label}: checkAccessibility needs a page with JavaScript enabled (axe never finishes without timers); check the same URL in a newPage(browser) page`);
  }
  await injectAxe(page);
  const violations = await page.evaluate(async (tags): Promise<AxeViolation[]> => {
    const w = globalThis as unknown as AxeWindow;
    if (!w.axe) throw new Error('axe-core is not loaded');
    // Only violations are reported, so axe need not collect details for passes and the rest.
    const result = await w.axe.run(w.document, { runOnly: tags, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))), failureSummary: n.failureSummary ?? '' })),
    }));
  }, AXE_TAGS);
  if (violations.length > 0) {
    assert.fail(`${label}: ${violations.length} accessibility violation(s) at ${page.url()}\n${violations.map(describeViolation).join('\n')}`);
  }
}

/** Saves a full-page PNG as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  assert.match(name, /^[\w.-]+$/, `screenshot name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-'`);
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the development sign-in form at /sign-in and waits to be sent on. */
export async function signIn(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  try {
    await page.waitForURL((url) => url.pathname !== '/sign-in', { timeout: 10_000 });
  } catch (error) {
    const shown = await page.locator('.govuk-error-summary').textContent({ timeout: 1_000 }).catch(() => null);
    throw new Error(`signIn(${JSON.stringify(name)}): still on /sign-in after submitting${shown ? `: ${shown.trim().replace(/\s+/g, ' ')}` : ''}`, {
      cause: error,
    });
  }
}

/**
 * The CSP hash of axe-core's source: checkAccessibility first tries it as an inline <script>, which
 * the site's CSP rightly blocks (Chromium logs a console error naming this hash) before it falls
 * back to evaluating it. Those messages are the harness's, not the page's.
 */
export async function axeCspHash(): Promise<string> {
  const source = await fs.readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return `sha256-${createHash('sha256').update(source).digest('base64')}`;
}

/**
 * Collects what went wrong in the page while a test drives it: uncaught page errors and console
 * errors, leaving out the harness's own (axe's inline script blocked by the CSP). Assert the
 * list at the end; a refused form's 400 shows up as a console error the test can expect.
 */
export async function watchPageProblems(page: Page): Promise<string[]> {
  const axeHash = await axeCspHash();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes(axeHash)) problems.push(`console error: ${message.text()}`);
  });
  return problems;
}
