import { randomBytes } from 'node:crypto';

import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';

import { encryptedColumn } from './encrypted-column.transformer';
import { FieldCipher, FieldDecryptionError, FieldEncryptionService } from './field-encryption.service';

const K1 = randomBytes(32);
const K2 = randomBytes(32);

async function serviceWith(keys: Array<[string, Buffer]>, activeKeyId: string): Promise<FieldEncryptionService> {
  const config = { getOrThrow: () => ({ fieldEncryption: { keys: new Map(keys), activeKeyId } }) };
  const moduleRef = await Test.createTestingModule({
    providers: [FieldEncryptionService, { provide: ConfigService, useValue: config }],
  }).compile();
  return moduleRef.get(FieldEncryptionService);
}

describe(FieldEncryptionService.name, () => {
  let sut: FieldEncryptionService;

  beforeEach(async () => {
    sut = await serviceWith([['k1', K1]], 'k1');
  });

  it('round-trips a value and never stores it in clear', () => {
    const stored = sut.encrypt('+14155550123', 'users.phone');

    expect(stored).toMatch(/^enc:v1:k1:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('4155550123');
    expect(sut.decrypt(stored, 'users.phone')).toBe('+14155550123');
  });

  it('encrypts the same value differently every time', () => {
    expect(sut.encrypt('same', 'users.phone')).not.toBe(sut.encrypt('same', 'users.phone'));
  });

  it('round-trips unicode and the empty string', () => {
    for (const value of ['', 'Zoë – 東京 ☎']) expect(sut.decrypt(sut.encrypt(value, 'c'), 'c')).toBe(value);
  });

  it('encrypts with the active key and still decrypts with the retired ones', async () => {
    const before = sut.encrypt('+14155550123', 'users.phone');
    const rotated = await serviceWith(
      [
        ['k1', K1],
        ['k2', K2],
      ],
      'k2',
    );

    const after = rotated.encrypt('+14155550123', 'users.phone');

    expect(FieldEncryptionService.keyIdOf(after)).toBe('k2');
    expect(rotated.decrypt(before, 'users.phone')).toBe('+14155550123');
    expect(rotated.decrypt(after, 'users.phone')).toBe('+14155550123');
  });

  it('refuses a value whose key left the ring, naming the key and not the value', async () => {
    const stranger = await serviceWith([['k9', K2]], 'k9');

    expect(() => sut.decrypt(stranger.encrypt('secret-value', 'c'), 'c')).toThrow(
      new FieldDecryptionError('No key "k9" in the field-encryption key ring'),
    );
  });

  it.each([
    ['another context', (stored: string) => ({ stored, context: 'orders.notes' })],
    [
      'an altered ciphertext',
      (stored: string) => ({
        stored: `${stored.slice(0, -2)}${stored.endsWith('AA') ? 'BB' : 'AA'}`,
        context: 'users.phone',
      }),
    ],
    ['a truncated ciphertext', (stored: string) => ({ stored: stored.slice(0, 20), context: 'users.phone' })],
    ['a value in clear', () => ({ stored: '+14155550123', context: 'users.phone' })],
  ])('refuses %s', (_label, tamper) => {
    const { stored, context } = tamper(sut.encrypt('+14155550123', 'users.phone'));

    expect(() => sut.decrypt(stored, context)).toThrow(FieldDecryptionError);
  });

  describe(encryptedColumn.name, () => {
    const transformer = encryptedColumn('users.phone');

    beforeEach(() => {
      sut.onModuleInit();
    });

    it('encrypts on the way in and decrypts on the way out', () => {
      const stored = transformer.to('+14155550123') as string;

      expect(FieldEncryptionService.isEncrypted(stored)).toBe(true);
      expect(transformer.from(stored)).toBe('+14155550123');
    });

    it('passes null and undefined through', () => {
      expect(transformer.to(null)).toBeNull();
      expect(transformer.to(undefined)).toBeUndefined();
      expect(transformer.from(null)).toBeNull();
    });

    it('reads a value written before the column was encrypted as it is', () => {
      expect(transformer.from('+14155550123')).toBe('+14155550123');
    });

    it('refuses anything but a string (e.g. a query operator)', () => {
      expect(() => {
        transformer.to({ _type: 'like' });
      }).toThrow(/accepts strings only/);
    });

    it('uses the cipher of the app that initialised last', async () => {
      const other = await serviceWith([['k2', K2]], 'k2');
      other.onModuleInit();

      expect(FieldCipher.current()).toBe(other);
      expect(FieldEncryptionService.keyIdOf(transformer.to('x') as string)).toBe('k2');
    });
  });
});
