import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** `enc:v1:<key id>:<base64url(iv | ciphertext | tag)>`; the version leaves room for another scheme. */
const PREFIX = 'enc:v1:';

/** A value could not be decrypted: unknown key, wrong context, or altered ciphertext. */
export class FieldDecryptionError extends Error {
  override readonly name = 'FieldDecryptionError';
}

/**
 * AES-256-GCM for personal data at rest, with a key ring: new values use the active key, every
 * key of the ring still decrypts, so keys rotate without a migration. The ciphertext names its
 * key id; `context` (e.g. `users.phone`) is bound as associated data, so a value copied into
 * another column does not decrypt. A fresh random IV per value: equal plaintexts never look equal.
 */
@Injectable()
export class FieldEncryptionService implements OnModuleInit {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly activeKeyId: string;

  constructor(config: ConfigService<AllConfig, true>) {
    const settings = config.getOrThrow('security', { infer: true }).fieldEncryption;
    this.keys = settings.keys;
    this.activeKeyId = settings.activeKeyId;
  }

  /** Column transformers are created by decorators, outside dependency injection: they use the app's instance. */
  onModuleInit(): void {
    FieldCipher.install(this);
  }

  encrypt(plaintext: string, context: string): string {
    const key = this.keys.get(this.activeKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv).setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.activeKeyId}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The plaintext; FieldDecryptionError (never the value) when it cannot be decrypted. */
  decrypt(stored: string, context: string): string {
    const { keyId, payload } = parse(stored);
    const key = this.keys.get(keyId);
    if (!key) throw new FieldDecryptionError(`No key "${keyId}" in the field-encryption key ring`);
    if (payload.length < IV_BYTES + TAG_BYTES) throw new FieldDecryptionError('Ciphertext too short');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, payload.subarray(0, IV_BYTES))
        .setAAD(Buffer.from(context, 'utf8'))
        .setAuthTag(payload.subarray(payload.length - TAG_BYTES));
      const body = payload.subarray(IV_BYTES, payload.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(`Ciphertext failed authentication with key "${keyId}"`);
    }
  }

  /** Whether a stored value is ciphertext of this scheme (values written before encryption are not). */
  static isEncrypted(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  /** The key id a stored value was encrypted with (for re-encryption after a rotation). */
  static keyIdOf(stored: string): string {
    return parse(stored).keyId;
  }
}

/** The process's field cipher, for TypeORM column transformers (see encrypted-column.transformer.ts). */
export class FieldCipher {
  private static instance?: FieldEncryptionService;

  static install(cipher: FieldEncryptionService): void {
    FieldCipher.instance = cipher;
  }

  /** Throws when no app has configured one: a value must never be written in clear by accident. */
  static current(): FieldEncryptionService {
    if (!FieldCipher.instance)
      throw new Error('Field encryption is not configured (FieldEncryptionService not created)');
    return FieldCipher.instance;
  }
}

function parse(stored: string): { keyId: string; payload: Buffer } {
  if (!stored.startsWith(PREFIX)) throw new FieldDecryptionError('Not an encrypted value');
  const rest = stored.slice(PREFIX.length);
  const separator = rest.indexOf(':');
  if (separator <= 0) throw new FieldDecryptionError('Malformed ciphertext');
  return { keyId: rest.slice(0, separator), payload: Buffer.from(rest.slice(separator + 1), 'base64url') };
}
