import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** The one Node.js major the project runs on; every place that names a runtime must agree. */
const RUNTIME_MAJOR = Number(read('.nvmrc').trim());

describe('Node.js runtime', () => {
  it('is Node 24 LTS, and the suite runs on it (not on an end-of-life Node picked up from PATH)', () => {
    expect(RUNTIME_MAJOR).toBe(24);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(RUNTIME_MAJOR);
  });

  it('is the same major in package.json engines, the Dockerfile stages and the README', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const images = [...read('Dockerfile').matchAll(/^FROM node:(\d+)-/gm)].map((match) => Number(match[1]));

    expect(engines).toMatch(new RegExp(`^>=${RUNTIME_MAJOR}\\.`));
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(new Set(images)).toEqual(new Set([RUNTIME_MAJOR]));
    expect(read('README.md')).toContain(`Node.js ${RUNTIME_MAJOR} LTS`);
  });

  it('is installed by CI when the machine has an older node', () => {
    expect(read('.ci/run')).toMatch(/scripts\/node-runtime\.sh/);
    expect(read('scripts/node-runtime.sh')).toContain(`required_major=${RUNTIME_MAJOR}`);
  });
});
