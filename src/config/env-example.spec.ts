import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { getMetadataStorage } from 'class-validator';

import { EnvironmentSchema } from './environment';

/** Variable names in .env.example, set or commented out (`# NAME=`). */
function documentedVariables(): Set<string> {
  const text = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map(([, name]) => name));
}

/** Every variable the validated schema declares. */
function declaredVariables(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(EnvironmentSchema, '', true, false);
  return [...new Set(metadata.map((entry) => entry.propertyName))].sort();
}

describe('.env.example', () => {
  it('documents every variable the configuration reads', () => {
    const documented = documentedVariables();
    const declared = declaredVariables();

    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents nothing the configuration ignores', () => {
    const declared = new Set(declaredVariables());

    expect([...documentedVariables()].filter((name) => !declared.has(name))).toEqual([]);
  });
});
