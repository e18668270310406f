import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRoutableSlackBody } from '../../src/slack/parse/envelope.js';
import { appMentionEvent, blockAction, eventCallback, slashCommand, viewSubmission } from '../support/slack-requests.js';

const asBody = (payload: unknown) => payload as Record<string, unknown>;

// Found by the Slack payload fuzz suite: signed bodies of these shapes made Bolt throw a TypeError
// before any listener ran (logged as a failed listener); they are refused as malformed instead.
describe('isRoutableSlackBody', () => {
  it('lets every shape Slack sends through', () => {
    assert.ok(isRoutableSlackBody(asBody(slashCommand({ command: '/incident', text: 'x', userId: 'U1', channelId: 'C1' }).payload)));
    assert.ok(isRoutableSlackBody(asBody(eventCallback(appMentionEvent({ user: 'U1', text: 'help', channel: 'C1' })).payload)));
    assert.ok(isRoutableSlackBody(asBody(blockAction({ actionId: 'incident.edit', value: 'i', userId: 'U1', channelId: 'C1' }).payload)));
    assert.ok(isRoutableSlackBody(asBody(viewSubmission({ callbackId: 'incident.declare', userId: 'U1', values: {} }).payload)));
    assert.ok(isRoutableSlackBody({ type: 'something_new' }));
  });

  it('refuses the shapes Bolt would trip over before any listener runs', () => {
    const action = asBody(blockAction({ actionId: 'incident.edit', value: 'i', userId: 'U1', channelId: 'C1' }).payload);
    const view = asBody(viewSubmission({ callbackId: 'incident.declare', userId: 'U1', values: {} }).payload);
    const event = asBody(eventCallback({ type: 'reaction_added', user: 'U1' }).payload);
    for (const [name, body] of Object.entries({
      'block_actions without a user': { ...action, user: undefined },
      'block_actions with actions not a list': { ...action, actions: 5 },
      'block_actions with no actions': { ...action, actions: [] },
      'block_actions with a null action': { ...action, actions: [null] },
      'block_actions with a null channel': { ...action, channel: null },
      'view_submission without a view': { ...view, view: 'x' },
      'an event that is not an object': { ...event, event: 'x' },
      'an event without a type': { ...event, event: { user: 'U1' } },
      'an event whose item is null': { ...event, event: { type: 'reaction_added', item: null } },
      'an event whose user is null': { ...event, event: { type: 'reaction_added', user: null } },
      'an event with a null authorization': { ...event, authorizations: [null] },
      'an event whose event_id is not text': { ...event, event_id: { id: 1 } },
      'a shortcut whose user has no id': { type: 'shortcut', user: {} },
      'a command that is not text': { command: 5 },
      'a command whose text is not text': { command: '/incident', text: ['sev', 'major'] },
      'a button whose value is not text': { ...action, actions: [{ action_id: 'incident.close', value: ['x'] }] },
      'a button without an action_id': { ...action, actions: [{ value: 'x' }] },
      'a trigger id that is not text': { ...view, trigger_id: 5 },
      'a button press without a trigger id': { ...action, trigger_id: undefined },
      'a view_submission whose response_urls is null': { ...view, response_urls: null },
    })) {
      assert.equal(isRoutableSlackBody(body), false, name);
    }
  });
});
