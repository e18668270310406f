import type { IncidentExport } from './incident-export.js';
import { createRedactor, type MaskedInField, type RedactionPattern } from './redaction.js';

/*
 * An export leaves the site, so it is masked like everything else that does. Every string in the
 * document is looked at (whatever sections it grows, an RCA's included), except the fields that
 * are structure rather than prose: dates, enums, references and people's identifiers, which a
 * configured pattern must not break (the document has to import back).
 */

const structural = new Set(['format', 'reference', 'status', 'closeReason', 'severity', 'kind', 'source', 'role', 'how', 'type', 'email', 'slackUserId', 'sourceRef', 'heldOn', 'dueOn', 'id']);
const isStructural = (key: string) => structural.has(key) || /At$/.test(key);

/** An export with what was masked in it: `redactions` lists kind, hint and where, never the secret. */
export type RedactedIncidentExport = IncidentExport & { readonly redactions: MaskedInField[] };

function where(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? String(p + 1) : p)).join(' ');
}

/** The export with every free-text value masked, and the list of what was. */
export function redactIncidentExport(doc: IncidentExport, patterns: readonly RedactionPattern[]): RedactedIncidentExport {
  const r = createRedactor(patterns);
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') return r.text(value, where(path));
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, v]) => [key, isStructural(key) || (key === 'name' && path.length > 0) ? v : walk(v, [...path, key])]),
      );
    }
    return value;
  };
  const masked = walk(doc, []) as IncidentExport;
  return { ...masked, redactions: [...r.masked()] };
}
