import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputBlock } from '@slack/types';
import { renderDeclareModal } from '../../../src/slack/blocks/declare-modal.js';
import { renderHeadline } from '../../../src/slack/blocks/headline.js';
import { actionIds, blockIds, optionValues } from '../../../src/slack/blocks/ids.js';
import { renderKickoff } from '../../../src/slack/blocks/kickoff.js';
import { readDeclareForm } from '../../../src/slack/parse/views.js';
import { declared, input, PUBLIC_URL, severities } from './helpers.js';

const features = { pager: false, call: false };

// The drill flag in Slack: a checkbox on the declare modal, read back, and said in the announcement
// and the channel's first message so nobody mistakes an exercise for a real incident.
describe('drills in Slack', () => {
  it('the declare modal offers an optional, unticked "drill or test" checkbox', () => {
    const block: InputBlock = input(renderDeclareModal({ severities, privateMetadata: '' }), blockIds.drill);
    assert.equal(block.optional, true);
    assert.equal(block.element.type, 'checkboxes');
    assert.ok(block.element.type === 'checkboxes');
    assert.equal(block.element.action_id, actionIds.drill);
    assert.deepEqual(block.element.options.map((o) => [o.value, o.text.text]), [[optionValues.drill, 'This is a drill or test']]);
    assert.equal(block.element.initial_options, undefined);
  });

  it('the submitted form reads ticked as a drill and absent or unticked as not', () => {
    const base = { title: { title: { type: 'plain_text_input', value: 'Game day' } } };
    const ticked = { ...base, drill: { drill: { type: 'checkboxes', selected_options: [{ value: 'drill' }] } } };
    const unticked = { ...base, drill: { drill: { type: 'checkboxes', selected_options: [] } } };
    assert.equal(readDeclareForm(ticked).drill, true);
    assert.equal(readDeclareForm(unticked).drill, false);
    assert.equal(readDeclareForm(base).drill, false);
  });

  it('the announcement and the kickoff say it is a drill; a real incident’s say nothing of the kind', () => {
    const drill = declared({ drill: true });
    const headline = renderHeadline(drill, { publicUrl: PUBLIC_URL, severities, features });
    assert.match(JSON.stringify(headline.blocks), /\*Drill\* — a drill or test, not a real incident/);
    assert.match(headline.text, /^INC-7 declared \(drill\): Checkout is failing/);
    const kickoff = renderKickoff(drill, { publicUrl: PUBLIC_URL, features });
    assert.match(JSON.stringify(kickoff.blocks), /This is a drill or test\*, not a real incident/);
    assert.match(kickoff.text, /^Drill: INC-7/);

    const real = declared();
    assert.doesNotMatch(JSON.stringify(renderHeadline(real, { publicUrl: PUBLIC_URL, severities, features })), /drill/i);
    assert.doesNotMatch(JSON.stringify(renderKickoff(real, { publicUrl: PUBLIC_URL, features })), /drill/i);
  });
});
