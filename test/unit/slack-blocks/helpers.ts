import assert from 'node:assert/strict';
import type { AnyBlock, Button, InputBlock, KnownBlock, View } from '@slack/types';
import type { TransitionContext } from '../../../src/domain/context.js';
import type { IncidentId, SlackUserId, UserId } from '../../../src/domain/ids.js';
import type { Incident } from '../../../src/domain/incident.js';
import { assignRole, closeIncident, declareIncident, type DeclareInput } from '../../../src/domain/incident-transitions.js';
import type { RoleName } from '../../../src/domain/role.js';
import { defaultSeverityScale } from '../../../src/domain/severity.js';
import type { User } from '../../../src/domain/user.js';
import { limits } from '../../../src/slack/blocks/limits.js';

export const PUBLIC_URL = 'https://incidents.example.com';
export const PAGE_URL = `${PUBLIC_URL}/incidents/INC-7`;
export const severities = defaultSeverityScale;

/** The fixed moment every incident here is declared: 2024-05-01 12:00 UTC. */
export const DECLARED_AT = new Date('2024-05-01T12:00:00.000Z');

export function context(overrides: Partial<TransitionContext> = {}): TransitionContext {
  let counter = 0;
  return {
    at: DECLARED_AT,
    actor: alice,
    newId: () => `id-${++counter}`,
    severities: defaultSeverityScale,
    ...overrides,
  };
}

function user(id: string, name: string, slackUserId: string | null): User {
  return { id: id as UserId, name, email: null, slackUserId: slackUserId as SlackUserId | null };
}

export const alice = user('user-alice', 'Alice', 'U0ALICE');
export const bob = user('user-bob', 'Bob', 'U0BOB');
/** Someone known only by name (declared from the web, no Slack account linked). */
export const carol = user('user-carol', 'Carol <Ops> & Co', null);

/** INC-7, open and live, declared by Alice through the real transition. */
export function declared(overrides: Partial<DeclareInput> = {}): Incident {
  return declareIncident(
    { id: 'incident-7' as IncidentId, number: 7, referencePrefix: 'INC', title: 'Checkout is failing', reportOnly: false, ...overrides },
    context(),
  ).state;
}

export function withRole(incident: Incident, role: RoleName, holder: User | null): Incident {
  return assignRole(incident, role, holder, context()).state;
}

export function closed(incident: Incident, reason: 'resolved' | 'blocked', blockedUntil?: Date): Incident {
  return closeIncident(incident, { reason, blockedUntil: blockedUntil ?? null }, context({ at: new Date('2024-05-01T14:00:00.000Z') })).state;
}

export function withChannel(incident: Incident): Incident {
  return { ...incident, channel: { id: 'C0INC7', name: 'inc-20240501-checkout-is-failing' } };
}

/** Every button in the blocks, in order: actions elements and section accessories. */
export function buttons(blocks: readonly KnownBlock[]): Button[] {
  const found: Button[] = [];
  for (const block of blocks) {
    if (block.type === 'actions') {
      for (const element of block.elements) if (element.type === 'button') found.push(element);
    } else if (block.type === 'section' && block.accessory?.type === 'button') {
      found.push(block.accessory);
    }
  }
  return found;
}

export function buttonLabels(blocks: readonly KnownBlock[]): string[] {
  return buttons(blocks).map((b) => b.text.text);
}

/** All mrkdwn and plain text in the blocks, one string per text object. */
export function texts(blocks: readonly KnownBlock[]): string[] {
  const found: string[] = [];
  for (const block of blocks) {
    if (block.type === 'section') {
      if (block.text) found.push(block.text.text);
      for (const field of block.fields ?? []) found.push(field.text);
    } else if (block.type === 'header') {
      found.push(block.text.text);
    } else if (block.type === 'context') {
      for (const element of block.elements) if ('text' in element && typeof element.text === 'string') found.push(element.text);
    }
  }
  return found;
}

export function allText(blocks: readonly KnownBlock[]): string {
  return texts(blocks).join('\n');
}

/** A token Slack reads as markup: mention, channel, broadcast, user group, date or web link. */
const token =
  /<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!(?:here|channel|everyone)|!subteam\^[A-Z0-9]+|!date\^\d+\^[^<>|]+|https?:\/\/[^\s<>|]+)(?:\|[^<>]*)?>/g;

/** Fails when mrkdwn holds a `<`, `>` or `&` that is not a well-formed token or entity. */
export function assertWellFormedMrkdwn(mrkdwn: string): void {
  const rest = mrkdwn.replace(token, '');
  assert.doesNotMatch(rest, /[<>]/, `stray angle bracket in: ${mrkdwn.slice(0, 200)}`);
  assert.doesNotMatch(rest, /&(?!amp;|lt;|gt;)/, `stray ampersand in: ${mrkdwn.slice(0, 200)}`);
}

/** Every mrkdwn text object in the blocks (plain text is shown as typed and needs no escaping). */
function mrkdwnTexts(blocks: readonly KnownBlock[]): string[] {
  const found: string[] = [];
  for (const block of blocks) {
    if (block.type === 'section') {
      for (const t of [block.text, ...(block.fields ?? [])]) if (t?.type === 'mrkdwn') found.push(t.text);
    } else if (block.type === 'context') {
      for (const e of block.elements) if (e.type === 'mrkdwn') found.push(e.text);
    }
  }
  return found;
}

/** Fails when a payload breaks one of Block Kit's limits (Slack would refuse it) or holds broken mrkdwn. */
export function assertWithinLimits(blocks: readonly KnownBlock[]): void {
  for (const text of mrkdwnTexts(blocks)) assertWellFormedMrkdwn(text);
  assert.ok(blocks.length <= limits.blocks, `${blocks.length} blocks`);
  for (const block of blocks) {
    if (block.type === 'header') assert.ok(block.text.text.length <= limits.header, 'header too long');
    if (block.type === 'section') {
      if (block.text) {
        assert.ok(block.text.text.length >= 1 && block.text.text.length <= limits.sectionText, `section of ${block.text.text.length}`);
      }
      assert.ok((block.fields ?? []).length <= limits.sectionFields, 'too many fields');
      for (const field of block.fields ?? []) assert.ok(field.text.length <= limits.sectionField, 'field too long');
    }
  }
  for (const b of buttons(blocks)) {
    assert.ok(b.text.text.length <= limits.buttonText, 'button text too long');
    assert.ok((b.value ?? '').length <= limits.buttonValue, 'button value too long');
  }
}

function isInput(block: AnyBlock): block is InputBlock {
  return block.type === 'input';
}

/** The modal's input blocks keyed by block_id. */
export function inputs(view: View): Map<string, InputBlock> {
  return new Map(view.blocks.filter(isInput).map((block) => [block.block_id ?? '', block]));
}

export function input(view: View, blockId: string): InputBlock {
  const found = inputs(view).get(blockId);
  assert.ok(found, `no input block "${blockId}"`);
  return found;
}
