// `npm start` step: builds only when an input of the build changed since the last build, so a
// second start skips straight to the app. The fingerprint is every input file's path, size and
// modification time (added, removed and edited files all change it); it is written only after a
// successful build. A few lines of fs, because the build tools have no "skip when unchanged" mode
// that covers both steps of `npm run build` (compile, then the embedded database image).
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const INPUTS = ['src', 'nest-cli.json', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const STAMP = join(ROOT, 'dist', '.build-fingerprint');

function files(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return [`${path} ${stat.size} ${stat.mtimeMs}`];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const input of INPUTS) for (const line of files(join(ROOT, input))) hash.update(`${line}\n`);
  return hash.digest('hex');
}

const before = fingerprint();
if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === before) {
  process.stdout.write('Build is up to date (no change in src/ or the build settings); `npm run build` forces one.\n');
} else {
  process.stdout.write('Building (src/ or the build settings changed since the last build)...\n');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  // Fingerprinted as the sources were when the build began: an edit made during the build makes the next start rebuild.
  writeFileSync(STAMP, before);
}
