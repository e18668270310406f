import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserId } from '../../src/domain/ids.js';
import { isVisibleTo, peopleInvolved, type Incident } from '../../src/domain/incident.js';
import { addPerson, assignRole, removePerson } from '../../src/domain/incident-transitions.js';
import { narrate } from '../../src/domain/narration.js';
import { defaultSeverityScale } from '../../src/domain/severity.js';
import { buildContext, buildIncident, buildUser } from './factories.js';

const ctx = buildContext();
const reporter = ctx.actor;
const priya = buildUser({ id: 'user-priya' as UserId, name: 'Priya', email: 'priya@example.com' });
const colin = buildUser({ id: 'user-colin' as UserId, name: 'Colin', email: null, slackUserId: null });
const olly = buildUser({ id: 'user-olly' as UserId, name: 'Olly', email: 'olly@example.com' });

const privateIncident = () => buildIncident({ private: true });
const viewer = (user: { id: UserId }, admin = false) => ({ userId: user.id, admin });

describe('the people of an incident', () => {
  it('peopleInvolved counts people added and members of the Slack channel, once each', () => {
    let incident: Incident = privateIncident();
    incident = addPerson(incident, priya, 'added', ctx).state;
    incident = addPerson(incident, colin, 'channel', ctx).state;
    incident = addPerson(incident, priya, 'channel', ctx).state;
    assert.deepEqual(peopleInvolved(incident), [reporter.id, priya.id, colin.id]);
  });

  it('a private incident is visible to someone added, to a channel member and to admins, not to others', () => {
    let incident: Incident = privateIncident();
    assert.equal(isVisibleTo(incident, viewer(priya)), false);
    assert.equal(isVisibleTo(incident, viewer(colin)), false);
    incident = addPerson(incident, priya, 'added', ctx).state;
    incident = addPerson(incident, colin, 'channel', ctx).state;
    assert.equal(isVisibleTo(incident, viewer(priya)), true);
    assert.equal(isVisibleTo(incident, viewer(colin)), true);
    assert.equal(isVisibleTo(incident, viewer(olly)), false);
    assert.equal(isVisibleTo(incident, viewer(olly, true)), true);
  });

  it('removing a person makes a private incident invisible to them again', () => {
    let incident: Incident = addPerson(privateIncident(), priya, 'added', ctx).state;
    incident = removePerson(incident, priya.id, 'added').state;
    assert.equal(isVisibleTo(incident, viewer(priya)), false);
    assert.deepEqual(peopleInvolved(incident), [reporter.id]);
  });

  it('leaving the Slack channel does not undo being added, and the other way round', () => {
    let incident: Incident = privateIncident();
    incident = addPerson(incident, priya, 'added', ctx).state;
    incident = addPerson(incident, priya, 'channel', ctx).state;
    const left = removePerson(incident, priya.id, 'channel');
    assert.equal(isVisibleTo(left.state, viewer(priya)), true);
    assert.deepEqual(left.state.people.map((p) => p.how), ['added']);
    const removed = removePerson(incident, priya.id, 'added');
    assert.equal(isVisibleTo(removed.state, viewer(priya)), true);
    assert.deepEqual(removed.state.people.map((p) => p.how), ['channel']);
  });

  it('adding records who, how, by whom and when, with one event', () => {
    const { state, events } = addPerson(privateIncident(), priya, 'added', ctx);
    assert.deepEqual(state.people, [{ user: priya, how: 'added', addedBy: reporter, addedAt: ctx.at }]);
    assert.deepEqual(events, [{ type: 'incident.person_added', person: { id: priya.id, name: 'Priya' }, how: 'added' }]);
  });

  it('adding someone already there the same way changes nothing and records nothing', () => {
    const once = addPerson(privateIncident(), priya, 'added', ctx).state;
    const twice = addPerson(once, priya, 'added', ctx);
    assert.equal(twice.state, once);
    assert.deepEqual(twice.events, []);
  });

  it('the reporter and role holders are involved already: adding them is a no-op, removing them shuts nobody out', () => {
    const incident = assignRole(privateIncident(), 'scribe', priya, ctx).state;
    for (const user of [reporter, priya]) {
      assert.deepEqual(addPerson(incident, user, 'added', ctx).events, []);
      assert.deepEqual(addPerson(incident, user, 'channel', ctx).events, []);
      const removed = removePerson(incident, user.id, 'added');
      assert.deepEqual(removed.events, []);
      assert.equal(isVisibleTo(removed.state, viewer(user)), true);
    }
    // A hand-over does not shut the earlier holder out either.
    const handedOver = assignRole(incident, 'scribe', colin, ctx).state;
    assert.equal(isVisibleTo(handedOver, viewer(priya)), true);
  });

  it('removing someone who is not there changes nothing and records nothing', () => {
    const incident = privateIncident();
    const result = removePerson(incident, olly.id, 'added');
    assert.equal(result.state, incident);
    assert.deepEqual(result.events, []);
  });

  it('narrates people added and removed, and channel joins and leaves, on the timeline', () => {
    const person = { id: priya.id, name: 'Priya' };
    const text = (type: 'incident.person_added' | 'incident.person_removed', how: 'added' | 'channel') =>
      narrate({ type, person, how }, defaultSeverityScale)?.text;
    assert.equal(text('incident.person_added', 'added'), 'Priya was added to the people involved');
    assert.equal(text('incident.person_removed', 'added'), 'Priya was removed from the people involved');
    assert.equal(text('incident.person_added', 'channel'), 'Priya joined the Slack channel');
    assert.equal(text('incident.person_removed', 'channel'), 'Priya left the Slack channel');
  });
});
