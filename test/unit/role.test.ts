import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBuiltInRole, parseRoleName, roleLabel, sameRole } from '../../src/domain/role.js';
import { catchDomainError } from './assertions.js';

describe('parseRoleName', () => {
  it('maps the aliases of the communications lead', () => {
    for (const input of ['comms', 'Comms Lead', 'communications lead', 'COMMS_LEAD', 'commsLead']) {
      assert.equal(parseRoleName(input), 'commsLead', input);
    }
  });

  it('maps the aliases of the lead and the scribe', () => {
    assert.equal(parseRoleName('Incident Lead'), 'lead');
    assert.equal(parseRoleName('  incident   lead '), 'lead');
    assert.equal(parseRoleName('IL'), 'lead');
    assert.equal(parseRoleName('Incident scribe'), 'scribe');
  });

  it('refuses the reporter, which is not an assignable role', () => {
    for (const input of ['reporter', 'Reporter', 'Incident  Reporter']) {
      const error = catchDomainError(() => parseRoleName(input));
      assert.equal(error.code, 'role.invalid', input);
      assert.equal(error.details.field, 'role');
    }
  });

  it('refuses an empty or blank name', () => {
    assert.equal(catchDomainError(() => parseRoleName('')).code, 'role.invalid');
    assert.equal(catchDomainError(() => parseRoleName(' \n\t ')).code, 'role.invalid');
  });

  it('accepts a custom name of 60 characters and refuses one of 61', () => {
    assert.equal(parseRoleName('x'.repeat(60)), 'x'.repeat(60));
    const error = catchDomainError(() => parseRoleName('x'.repeat(61)));
    assert.equal(error.code, 'role.invalid');
    assert.match(error.message, /1 to 60/);
  });

  it('collapses white space in a custom name and keeps its case', () => {
    assert.equal(parseRoleName('  Subject   matter\nExpert '), 'Subject matter Expert');
  });
});

describe('sameRole', () => {
  it('compares names without regard to case', () => {
    assert.equal(sameRole('SME', 'sme'), true);
    assert.equal(sameRole('lead', 'scribe'), false);
  });
});

describe('roleLabel and isBuiltInRole', () => {
  it('labels built-in roles for people and shows custom roles as named', () => {
    assert.equal(roleLabel('lead'), 'Incident lead');
    assert.equal(roleLabel('scribe'), 'Incident scribe');
    assert.equal(roleLabel('commsLead'), 'Communications lead');
    assert.equal(roleLabel('Subject matter expert'), 'Subject matter expert');
  });

  it('tells built-in roles from custom ones', () => {
    assert.equal(isBuiltInRole('commsLead'), true);
    assert.equal(isBuiltInRole('SME'), false);
  });
});
