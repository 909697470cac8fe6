import fc from 'fast-check';

/** The id shape UuidParamPipe accepts; anything else in a path is a malformed id. */
const STRICT_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

const SQL_INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  "admin'--",
  '1; SELECT pg_sleep(5)',
  "' UNION SELECT password_hash FROM users --",
  "%' AND 1=1 --",
  '%',
  '_',
  '\\',
  '%%__\\%',
  '$$; DELETE FROM products; $$',
  "E'\\x27'",
];

const SCRIPT_INJECTIONS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '<!--#exec cmd="ls"-->',
  '../../../../etc/passwd',
  '{"$gt":""}',
  '$where',
];

const UNICODE_TRICKS = [
  '\u202eevil.exe\u202c',
  'עברית ومرحبا',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  'zero\u200bwidth\u200djoin',
  'e\u0301\u0302\u0303 combining',
  '\ufeffbom',
  '中文字符',
  '\u2028line\u2029sep',
  'İıſK',
  '\ud83d\ude00',
];

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** No NUL and no unpaired surrogate: text the API must take as it is, however odd. */
function isAcceptableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** encodeURIComponent throws on unpaired surrogates, which a URL cannot carry anyway. */
export function isUrlSafe(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** A short, printable form of a value for failure messages. */
export function preview(value: unknown): string {
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}… (${shown.length} chars)` : shown;
}

/** Injection attempts and awkward but well-formed Unicode (RTL overrides, emoji, combining marks). */
export const hostileText: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(...SQL_INJECTIONS),
    fc.constantFrom(...SCRIPT_INJECTIONS),
    fc.constantFrom(...UNICODE_TRICKS),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  )
  .filter((text) => isAcceptableText(text) && text.trim().length > 0);

/** Text with a NUL character somewhere in it. */
export const textWithNul: fc.Arbitrary<string> = fc
  .tuple(hostileText, fc.nat())
  .map(([text, at]) => insertAt(text, at, '\u0000'));

/** Text with an unpaired UTF-16 surrogate (only JSON's `\uXXXX` escape can carry one). */
const textWithLoneSurrogate: fc.Arbitrary<string> = fc
  .tuple(hostileText, fc.nat(), fc.constantFrom(...LONE_SURROGATES))
  .map(([text, at, surrogate]) => insertAt(text, at, `x${surrogate}x`));

/** Texts the API must refuse in any field: NUL characters and unpaired surrogates. */
export const unstorableText: fc.Arbitrary<string> = fc.oneof(textWithNul, textWithLoneSurrogate);

/** Anything but a UUID UuidParamPipe accepts. */
export const malformedUuid: fc.Arbitrary<string> = fc
  .oneof(
    hostileText,
    textWithNul,
    fc.uuid().map((uuid) => `{${uuid}}`),
    fc.uuid().map((uuid) => uuid.replaceAll('-', '')),
    fc.uuid().map((uuid) => `${uuid}0`),
    fc.uuid().map((uuid) => uuid.slice(1)),
    fc.uuid().map((uuid) => `${uuid.slice(0, 14)}0${uuid.slice(15)}`),
    fc.uuid().map((uuid) => ` ${uuid}`),
    fc.constantFrom(
      '0',
      '-1',
      'null',
      'undefined',
      'NaN',
      'true',
      '[]',
      '{}',
      'me',
      '..',
      '.',
      '00000000-0000-0000-0000-000000000000',
    ),
    fc.integer({ min: 300, max: 3000 }).map((length) => 'a'.repeat(length)),
  )
  .filter((text) => text.length > 0 && !STRICT_UUID.test(text));

/** Request ids a client might send: mostly insane ones (which the app must replace), some sane ones (kept). */
export const clientRequestId: fc.Arbitrary<string | null> = fc.option(
  fc.oneof(
    fc.constantFrom(
      '',
      'short',
      'has space in it',
      "' OR 1=1 --",
      '<script>x</script>',
      'ünïcödé-latin1-id',
      'a\tb-tabbed-id',
    ),
    fc.integer({ min: 129, max: 400 }).map((length) => 'r'.repeat(length)),
    fc.stringMatching(/^[A-Za-z0-9._:-]{8,64}$/),
  ),
  { freq: 3 },
);

/** A JSON value of another type than `type` (never null: whether null means "absent" is the field's business). */
export function valueOfAnotherType(type: string | undefined): fc.Arbitrary<unknown> {
  const byType: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('5', '0', '-1', 'true', '1.5')),
    integer: fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, 1.5)),
    number: fc.double({ noNaN: true, noDefaultInfinity: true }),
    boolean: fc.boolean(),
    array: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
    object: fc.dictionary(fc.constantFrom('a', 'b', 'length', 'toJSON'), fc.integer(), { maxKeys: 2 }),
  };
  const others = Object.entries(byType)
    .filter(
      ([name]) =>
        name !== type && !(type === 'integer' && name === 'number') && !(type === 'number' && name === 'integer'),
    )
    .map(([, arbitrary]) => arbitrary);
  return fc.oneof(...others);
}

/** Numbers an integer field bounded by `schema` must refuse: fractions, and values outside its range. */
export function invalidInteger(minimum: number | undefined, maximum: number | undefined): fc.Arbitrary<number> {
  const low = minimum ?? 0;
  const candidates: Array<fc.Arbitrary<number>> = [
    fc.integer({ min: 1, max: 99 }).map((hundredths) => low + hundredths / 100),
    fc.constantFrom(0.5, -0.5, 1e-9, Math.PI),
  ];
  if (minimum !== undefined) {
    candidates.push(fc.integer({ min: 1, max: 1000 }).map((below) => minimum - below));
    candidates.push(fc.constantFrom(-1e21, -1e308, -(2 ** 53) - 2, -(2 ** 31) - 1));
  }
  if (maximum !== undefined) {
    candidates.push(fc.integer({ min: 1, max: 1000 }).map((above) => maximum + above));
    candidates.push(fc.constantFrom(1e21, 1e308, 2 ** 53 + 2, 2 ** 31, 2 ** 63));
  }
  return fc
    .oneof(...candidates)
    .filter(
      (value) =>
        !Number.isInteger(value) ||
        (minimum !== undefined && value < minimum) ||
        (maximum !== undefined && value > maximum),
    );
}

/** Nested arrays/objects `depth` levels deep around `leaf`. */
export function nestedJson(depth: number, shape: 'array' | 'object' | 'mixed', leaf = '1'): string {
  let text = leaf;
  for (let level = 0; level < depth; level += 1) {
    const asArray = shape === 'array' || (shape === 'mixed' && level % 2 === 0);
    text = asArray ? `[${text}]` : `{"k":${text}}`;
  }
  return text;
}

function insertAt(text: string, at: number, insert: string): string {
  const position = at % (text.length + 1);
  return `${text.slice(0, position)}${insert}${text.slice(position)}`;
}
