import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputBlock, ModalView, View } from '@slack/types';
import { renderCloseModal } from '../../../src/slack/blocks/close-modal.js';
import { renderDeclareModal } from '../../../src/slack/blocks/declare-modal.js';
import { renderEditModal } from '../../../src/slack/blocks/edit-modal.js';
import { actionIds, blockIds, optionValues, viewCallbackIds } from '../../../src/slack/blocks/ids.js';
import { declared, input, inputs, PAGE_URL, PUBLIC_URL, severities } from './helpers.js';

function asModal(view: View): ModalView {
  assert.equal(view.type, 'modal');
  return view as ModalView;
}

function element<T extends InputBlock['element']['type']>(block: InputBlock, type: T): Extract<InputBlock['element'], { type: T }> {
  assert.equal(block.element.type, type);
  return block.element as Extract<InputBlock['element'], { type: T }>;
}

describe('renderDeclareModal', () => {
  const view = asModal(renderDeclareModal({ title: 'Checkout is failing', severities, privateMetadata: '{"channel":"C1"}' }));

  it('is the declare modal: callback id, Declare / Cancel, metadata passed through', () => {
    assert.equal(view.callback_id, viewCallbackIds.declare);
    assert.equal(view.callback_id, 'incident.declare');
    assert.equal(view.submit?.text, 'Declare');
    assert.equal(view.close?.text, 'Cancel');
    assert.equal(view.private_metadata, '{"channel":"C1"}');
    assert.ok(view.title.text.length <= 24);
  });

  it("shows the process's four criteria of an incident before the inputs", () => {
    const help = view.blocks[0];
    assert.ok(help && help.type === 'section' && 'text' in help);
    const text = JSON.stringify(help);
    assert.match(text, /An incident is an event that/);
    assert.match(text, /requires immediate response/);
    assert.match(text, /severely degrades user experience/);
    assert.match(text, /compromises application security/);
    assert.match(text, /potential for loss or compromise of data/);
  });

  it('requires the live-or-report choice, live first and preselected, with the "later" hint', () => {
    const kind = input(view, blockIds.kind);
    assert.notEqual(kind.optional, true);
    const radio = element(kind, 'radio_buttons');
    assert.equal(radio.action_id, actionIds.kind);
    assert.deepEqual(
      radio.options.map((o) => [o.value, o.text.text]),
      [
        [optionValues.live, 'Live incident — it is happening now'],
        [optionValues.report, 'Report something that already happened'],
      ],
    );
    assert.equal(radio.initial_option?.value, 'live');
    assert.match(kind.hint?.text ?? '', /Everything else can be filled in later/);
  });

  it('makes every other input optional except the prefilled title', () => {
    const title = input(view, blockIds.title);
    assert.notEqual(title.optional, true);
    const text = element(title, 'plain_text_input');
    assert.equal(text.action_id, actionIds.title);
    assert.equal(text.initial_value, 'Checkout is failing');
    assert.equal(text.max_length, 200);
    for (const id of [blockIds.summary, blockIds.impact, blockIds.severity, blockIds.lead, blockIds.private]) {
      assert.equal(input(view, id).optional, true, id);
    }
    assert.equal(element(input(view, blockIds.summary), 'plain_text_input').multiline, true);
    assert.equal(element(input(view, blockIds.impact), 'plain_text_input').multiline, true);
    assert.equal(element(input(view, blockIds.lead), 'users_select').action_id, actionIds.lead);
  });

  it('offers the severity scale and the private checkbox', () => {
    const select = element(input(view, blockIds.severity), 'static_select');
    assert.deepEqual(select.options?.map((o) => [o.value, o.text.text]), [
      ['critical', 'Critical'],
      ['major', 'Major'],
      ['trivial', 'Trivial'],
    ]);
    const checkbox = element(input(view, blockIds.private), 'checkboxes');
    assert.deepEqual(checkbox.options.map((o) => [o.value, o.text.text]), [
      [optionValues.private, 'Private — only the people involved can see it'],
    ]);
    assert.equal(checkbox.initial_options, undefined);
  });

  it('uses the same string for each input as block id and action id', () => {
    for (const [id, block] of inputs(view)) assert.equal(block.element.action_id, id);
  });

  it('leaves the title empty without one, and cuts an over-long one to the input limit', () => {
    const empty = renderDeclareModal({ severities, privateMetadata: '' });
    assert.equal(element(input(empty, blockIds.title), 'plain_text_input').initial_value, undefined);
    const long = renderDeclareModal({ title: 'word '.repeat(100), severities, privateMetadata: '' });
    assert.ok((element(input(long, blockIds.title), 'plain_text_input').initial_value ?? '').length <= 200);
  });

  it('drops the severity input when the team has no scale', () => {
    assert.equal(inputs(renderDeclareModal({ severities: [], privateMetadata: '' })).has(blockIds.severity), false);
  });
});

describe('renderEditModal', () => {
  const incident = declared({
    summary: 'Payments <@U123> down',
    impact: 'All UK users',
    severity: 'major',
    private: true,
  });
  const view = asModal(renderEditModal(incident, { severities, privateMetadata: 'incident-7' }));

  it('is the edit modal', () => {
    assert.equal(view.callback_id, viewCallbackIds.edit);
    assert.equal(view.callback_id, 'incident.edit');
    assert.equal(view.private_metadata, 'incident-7');
    assert.equal(view.submit?.text, 'Save');
  });

  it('prefills title, summary, impact, severity and private', () => {
    assert.equal(element(input(view, blockIds.title), 'plain_text_input').initial_value, 'Checkout is failing');
    assert.equal(element(input(view, blockIds.summary), 'plain_text_input').initial_value, 'Payments <@U123> down');
    assert.equal(element(input(view, blockIds.impact), 'plain_text_input').initial_value, 'All UK users');
    assert.equal(element(input(view, blockIds.severity), 'static_select').initial_option?.value, 'major');
    assert.deepEqual(element(input(view, blockIds.private), 'checkboxes').initial_options?.map((o) => o.value), ['private']);
  });

  it('offers "Not set" so a severity can be cleared, selected when there is none', () => {
    const plain = renderEditModal(declared(), { severities, privateMetadata: '' });
    const select = element(input(plain, blockIds.severity), 'static_select');
    assert.equal(select.options?.at(-1)?.value, optionValues.severityNotSet);
    assert.equal(select.initial_option?.value, optionValues.severityNotSet);
    assert.equal(element(input(plain, blockIds.private), 'checkboxes').initial_options, undefined);
  });

  it('does not offer a summary too long for Slack to edit, pointing to the incident page instead', () => {
    const long = renderEditModal(declared({ summary: 's'.repeat(5000) }), { severities, privateMetadata: '', publicUrl: PUBLIC_URL });
    assert.equal(inputs(long).has(blockIds.summary), false);
    assert.match(JSON.stringify(long.blocks), /too long to edit here/);
    assert.ok(JSON.stringify(long.blocks).includes(PAGE_URL));
  });
});

describe('renderCloseModal', () => {
  const view = asModal(renderCloseModal(declared({ title: 'A & <b>' }), { privateMetadata: 'incident-7' }));

  it('is the close modal', () => {
    assert.equal(view.callback_id, viewCallbackIds.close);
    assert.equal(view.callback_id, 'incident.close');
    assert.equal(view.private_metadata, 'incident-7');
  });

  it('requires a reason: resolved or blocked', () => {
    const reason = input(view, blockIds.reason);
    assert.notEqual(reason.optional, true);
    const radio = element(reason, 'radio_buttons');
    assert.equal(radio.action_id, actionIds.reason);
    assert.deepEqual(
      radio.options.map((o) => [o.value, o.text.text]),
      [
        ['resolved', 'Resolved — the problem is fixed'],
        ['blocked', 'Blocked — work stops until a later date'],
      ],
    );
  });

  it('takes an optional note and blocked-until date', () => {
    assert.equal(input(view, blockIds.note).optional, true);
    assert.equal(element(input(view, blockIds.note), 'plain_text_input').action_id, actionIds.note);
    assert.equal(element(input(view, blockIds.blockedUntil), 'datepicker').action_id, actionIds.blockedUntil);
  });

  it('escapes the title it quotes', () => {
    const text = JSON.stringify(view.blocks);
    assert.ok(text.includes('A &amp; &lt;b&gt;'));
  });
});
