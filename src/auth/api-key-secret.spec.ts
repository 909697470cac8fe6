import { createHash } from 'node:crypto';

import { generateApiKey, parseApiKey, secretMatches } from './api-key-secret';

describe(generateApiKey.name, () => {
  const sut = generateApiKey;

  it('makes `<uuid>.<43 base64url characters>` (32 random bytes) and stores its SHA-256', () => {
    const generated = sut();
    const [id, secret] = generated.key.split('.');

    expect(id).toBe(generated.id);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(generated.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
  });

  it('never repeats a secret', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => sut().key.split('.')[1]));

    expect(secrets.size).toBe(50);
  });
});

describe(parseApiKey.name, () => {
  it('splits a well-formed key', () => {
    const { key, id } = generateApiKey();

    expect(parseApiKey(key)).toEqual({ id, secret: key.split('.')[1] });
  });

  it.each([
    '',
    'no-dot',
    'not-a-uuid.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e.short',
    '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+',
    '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.extra',
  ])('refuses %p', (presented) => {
    expect(parseApiKey(presented)).toBeNull();
  });
});

describe(secretMatches.name, () => {
  it('matches the right secret only', () => {
    const { key, secretHash } = generateApiKey();
    const secret = key.split('.')[1];

    expect(secretMatches(secret, secretHash)).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, secretHash)).toBe(false);
  });

  it('refuses a malformed stored hash instead of throwing', () => {
    expect(secretMatches('anything', 'not-hex')).toBe(false);
  });
});
