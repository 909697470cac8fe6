import type { ValueTransformer } from 'typeorm';

import { FieldCipher, FieldEncryptionService } from './field-encryption.service';

/**
 * A TypeORM transformer that stores a string column encrypted (AES-256-GCM, see
 * FieldEncryptionService) and hands the entity plaintext:
 *
 *   @Column({ type: 'text', nullable: true, transformer: encryptedColumn('users.phone') })
 *
 * The column cannot be searched or sorted (equal values encrypt differently). Values stored before
 * the column was encrypted are read as they are and encrypted at their next write.
 */
export function encryptedColumn(context: string): ValueTransformer {
  return {
    to: (value: unknown): unknown => {
      if (value === null || value === undefined) return value;
      if (typeof value !== 'string') throw new Error(`Encrypted column ${context} accepts strings only`);
      return FieldCipher.current().encrypt(value, context);
    },
    from: (value: unknown): unknown => {
      if (typeof value !== 'string' || !FieldEncryptionService.isEncrypted(value)) return value;
      return FieldCipher.current().decrypt(value, context);
    },
  };
}
