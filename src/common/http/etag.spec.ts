import { ifNoneMatchHits, strongEtag, strongEtagOfJson } from './etag';
import { SerializedJson } from './serialized-json';

describe('strongEtag', () => {
  it('is a quoted strong tag that depends only on the JSON of the value', () => {
    const tag = strongEtag({ id: 'p-1', priceCents: 100 });

    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(strongEtag({ id: 'p-1', priceCents: 100 })).toBe(tag);
    expect(strongEtag({ id: 'p-1', priceCents: 101 })).not.toBe(tag);
  });
});

describe('ifNoneMatchHits', () => {
  const etag = '"abc"';

  it.each<[string, string | string[] | undefined, boolean]>([
    ['no header', undefined, false],
    ['the same tag', '"abc"', true],
    ['another tag', '"abd"', false],
    ['a list containing it', '"x", "abc" ,"y"', true],
    ['its weak form (If-None-Match compares weakly)', 'W/"abc"', true],
    ['a wildcard', '*', true],
    ['the tag without quotes', 'abc', false],
    ['repeated headers', ['"x"', '"abc"'], true],
  ])('%s → %s', (_label, header, expected) => {
    expect(ifNoneMatchHits(header, etag)).toBe(expected);
  });
});

describe('strongEtagOfJson', () => {
  it('gives the tag strongEtag gives the value, so cached bytes keep the tags clients hold', () => {
    const value = { id: 'p-1', name: 'Mug "enamel"', tags: ['a', 'b'] };

    expect(strongEtagOfJson(JSON.stringify(value))).toBe(strongEtag(value));
  });
});

describe('SerializedJson', () => {
  it('keeps the JSON it was given, tags it, and parses to a fresh copy each time', () => {
    const sut = SerializedJson.of({ count: 1 });
    const first = sut.parse();
    first.count = 99;

    expect(sut.json).toBe('{"count":1}');
    expect(sut.etag).toBe(strongEtag({ count: 1 }));
    expect(sut.parse()).toEqual({ count: 1 });
  });
});
