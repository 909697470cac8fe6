import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** The build stage's instructions up to its first `npm ci`: what the install can see. */
function instructionsBeforeInstall(): string[] {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const install = lines.findIndex((line) => /^RUN .*npm ci\b/.test(line));
  expect(install).toBeGreaterThan(0);
  return lines.slice(0, install);
}

/** Sources of the COPY instructions (relative paths in the build context). */
function copiedSources(instructions: readonly string[]): string[] {
  return instructions
    .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
    .flatMap((line) => line.split(/\s+/).slice(1, -1))
    .filter((word) => !word.startsWith('--'));
}

describe('Dockerfile', () => {
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const localDependencies = Object.values({ ...packageJson.dependencies, ...packageJson.devDependencies })
    .filter((spec) => spec.startsWith('file:'))
    .map((spec) => spec.slice('file:'.length).replace(/^\.\//, '').replace(/\/$/, ''));

  it('copies the lockfile and every local (file:) package before npm ci, so the install can resolve them', () => {
    const sources = copiedSources(instructionsBeforeInstall());

    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', ...localDependencies]));
  });

  it('keeps what the image needs out of .dockerignore', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));

    for (const needed of ['src', 'package.json', 'package-lock.json', ...localDependencies]) {
      expect(ignored).not.toContain(needed);
    }
  });

  it('runs as a numeric non-root user', () => {
    const user = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^USER (\S+)$/m)?.[1];

    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });
});
