import { REDACTION_CENSOR, redactSecrets, SENSITIVE_KEYS } from './redaction';

describe(redactSecrets.name, () => {
  it('returns the very object when nothing in it is sensitive', () => {
    const line = { requestId: 'r-1', route: '/api/v1/products/:id', status: 200, req: { method: 'GET', url: '/x' } };

    expect(redactSecrets(line)).toBe(line);
  });

  it.each([
    ['at the top', { password: 'p', userId: 'u' }, { password: REDACTION_CENSOR, userId: 'u' }],
    [
      'one level down',
      { body: { refreshToken: 't', email: 'e' } },
      { body: { refreshToken: REDACTION_CENSOR, email: 'e' } },
    ],
    [
      'in request headers',
      { req: { headers: { authorization: 'Bearer x', 'x-api-key': 'k', accept: '*/*' } } },
      { req: { headers: { authorization: REDACTION_CENSOR, 'x-api-key': REDACTION_CENSOR, accept: '*/*' } } },
    ],
    ['inside arrays', { users: [{ phone: '+4915', id: 1 }] }, { users: [{ phone: REDACTION_CENSOR, id: 1 }] }],
    ['whatever the value is', { secret: { nested: true } }, { secret: REDACTION_CENSOR }],
  ])('censors a sensitive key %s', (_where, input: object, expected: object) => {
    expect(redactSecrets(input)).toEqual(expected);
  });

  it('never changes the object it was given', () => {
    const input = { user: { id: 'u', password: 'p' }, other: { kept: true } };

    const output = redactSecrets(input);

    expect(input.user.password).toBe('p');
    expect(output.other).toBe(input.other);
  });

  it('stops three levels down, like the logged shapes it is for', () => {
    const input = { a: { b: { c: { password: 'deep' } } } };

    expect(redactSecrets(input)).toBe(input);
  });

  it('leaves errors and other class instances to their serializers', () => {
    const error = Object.assign(new Error('boom'), { token: 't' });
    const input = { err: error };

    expect(redactSecrets(input).err).toBe(error);
  });

  it('covers every credential a request can carry', () => {
    for (const key of [
      'authorization',
      'cookie',
      'set-cookie',
      'x-api-key',
      'x-csrf-token',
      'password',
      'refreshToken',
    ]) {
      expect(SENSITIVE_KEYS.has(key)).toBe(true);
    }
  });
});
