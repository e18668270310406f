import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputBlock, ModalView } from '@slack/types';
import { publishStatus } from '../../../src/domain/status-page.js';
import { renderClosedMessage } from '../../../src/slack/blocks/closed-message.js';
import { renderStatusPageModal } from '../../../src/slack/blocks/status-page-modal.js';
import { readStatusPageForm } from '../../../src/slack/parse/views.js';
import { context, declared, PUBLIC_URL } from './helpers.js';

const components = ['Use an LPA', 'Payments'];

function inputBlocks(view: ModalView): InputBlock[] {
  return view.blocks.filter((b): b is InputBlock => b.type === 'input');
}

describe('the status page modal', () => {
  it('for a first publication: title prefilled from the incident, investigating, a select per component, no override', () => {
    const incident = declared();
    const view = renderStatusPageModal(incident, { current: null, components, privateMetadata: '{}' }) as ModalView;
    assert.equal(view.callback_id, 'statuspage.publish');
    const blocks = inputBlocks(view);
    assert.deepEqual(blocks.map((b) => b.block_id), ['title', 'public_status', 'message', 'component:Use an LPA', 'component:Payments', 'notify_subscribers']);
    const title = blocks[0]!.element;
    assert.equal(title.type === 'plain_text_input' && title.initial_value, incident.title);
    const status = blocks[1]!.element;
    assert.equal(status.type === 'static_select' && status.initial_option?.value, 'investigating');
  });

  it('for a private incident, asks for "publish anyway" as a required input', () => {
    const view = renderStatusPageModal(declared({ private: true }), { current: null, components, privateMetadata: '{}' }) as ModalView;
    const override = inputBlocks(view).find((b) => b.block_id === 'publish_private');
    assert.ok(override);
    assert.notEqual(override.optional, true);
  });

  it('for an update: the public title, status and component states published last', () => {
    const incident = declared();
    const input = { title: 'Payments slow', status: 'identified', message: 'x', components: [{ name: 'Payments', state: 'major_outage' }], notifySubscribers: false, publishPrivate: false };
    const current = publishStatus(incident, null, input, components, context()).state.publicIncident;
    const blocks = inputBlocks(renderStatusPageModal(incident, { current, components, privateMetadata: '{}' }) as ModalView);
    const initial = (id: string) => {
      const element = blocks.find((b) => b.block_id === id)?.element;
      if (element?.type === 'static_select') return element.initial_option?.value;
      if (element?.type === 'plain_text_input') return element.initial_value;
      if (element?.type === 'checkboxes') return element.initial_options?.length ?? 0;
      return undefined;
    };
    assert.equal(initial('title'), 'Payments slow');
    assert.equal(initial('public_status'), 'identified');
    assert.equal(initial('component:Payments'), 'major_outage');
    assert.equal(initial('component:Use an LPA'), '__unaffected__');
    assert.equal(initial('notify_subscribers'), 0);
  });

  it('reads the form back: unaffected components left out, checkboxes as booleans', () => {
    const form = readStatusPageForm({
      title: { title: { type: 'plain_text_input', value: 'Payments slow' } },
      public_status: { public_status: { type: 'static_select', selected_option: { value: 'monitoring' } } },
      message: { message: { type: 'plain_text_input', value: 'Fixed &amp; watching' } },
      'component:Payments': { component_state: { type: 'static_select', selected_option: { value: 'degraded_performance' } } },
      'component:Use an LPA': { component_state: { type: 'static_select', selected_option: { value: '__unaffected__' } } },
      notify_subscribers: { notify_subscribers: { type: 'checkboxes', selected_options: [{ value: 'notify' }] } },
      publish_private: { publish_private: { type: 'checkboxes', selected_options: [] } },
    });
    assert.deepEqual(form, {
      title: 'Payments slow',
      status: 'monitoring',
      message: 'Fixed & watching',
      components: [{ name: 'Payments', state: 'degraded_performance' }],
      notifySubscribers: true,
      publishPrivate: false,
    });
  });
});

describe('the close message and the status page', () => {
  it('offers "Resolve on the status page" only while the public incident is open', () => {
    const incident = declared();
    const ids = (statusPageOpen: boolean) =>
      renderClosedMessage(incident, { publicUrl: PUBLIC_URL, statusPageOpen }).blocks.flatMap((b) =>
        b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : '')) : [],
      );
    assert.deepEqual(ids(true), ['statuspage.resolve', 'incident.reopen']);
    assert.deepEqual(ids(false), ['incident.reopen']);
  });
});
