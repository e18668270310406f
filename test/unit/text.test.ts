import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oneLine, optionalLink, optionalText } from '../../src/domain/text.js';
import { catchDomainError } from './assertions.js';

describe('oneLine', () => {
  it('turns runs of white space, new lines included, into one space', () => {
    assert.equal(oneLine(' a\n\n b\t c ', 'title', 10, 'request.invalid'), 'a b c');
  });

  it('measures the length after collapsing', () => {
    assert.equal(oneLine('ab    cd', 'title', 5, 'request.invalid'), 'ab cd');
    const error = catchDomainError(() => oneLine('abcdef', 'title', 5, 'request.invalid'));
    assert.equal(error.code, 'request.invalid');
    assert.equal(error.details.field, 'title');
  });
});

describe('optionalText', () => {
  it('keeps inner new lines, normalising CRLF, and trims the ends', () => {
    assert.equal(optionalText('\n one\r\ntwo\rthree \n', 'summary', 100, 'request.invalid'), 'one\ntwo\nthree');
  });

  it('treats null and blank as none', () => {
    assert.equal(optionalText(null, 'summary', 100, 'request.invalid'), null);
    assert.equal(optionalText(' \n ', 'summary', 100, 'request.invalid'), null);
  });

  it('refuses text over the limit', () => {
    assert.equal(catchDomainError(() => optionalText('abcdef', 'summary', 5, 'incident.field_invalid')).code, 'incident.field_invalid');
  });
});

describe('optionalLink', () => {
  it('accepts http and https only', () => {
    assert.equal(optionalLink(' https://example.com/a?b=1 ', 'link', 'request.invalid'), 'https://example.com/a?b=1');
    assert.equal(optionalLink('http://example.com/', 'link', 'request.invalid'), 'http://example.com/');
    for (const link of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://example.com/']) {
      assert.equal(catchDomainError(() => optionalLink(link, 'link', 'request.invalid')).details.field, 'link', link);
    }
  });

  it('treats null and blank as none', () => {
    assert.equal(optionalLink(null, 'link', 'request.invalid'), null);
    assert.equal(optionalLink('   ', 'link', 'request.invalid'), null);
  });
});
