#!/usr/bin/env node
'use strict';
/**
 * `npm run generate:slice -- <plural-name> [--owner] [--no-events] [--no-cache] [--staff=…]
 * [--customer=…] [--dry-run]`: runs the `slice` schematic through the schematics CLI that the
 * nest CLI itself uses, with two corrections (docs/decisions/0023):
 *
 * - the collection is named by a path, which that CLI treats as "in development" and runs as a
 *   dry run unless told otherwise: `--no-debug` makes it write (`--dry-run` still previews);
 * - its option parser reads `--no-events` as `events: true`: negated flags are passed on as
 *   `--events=false`.
 */
const { resolve } = require('node:path');

const { main } = require('@angular-devkit/schematics-cli/bin/schematics.js');

/** Flags the schematics CLI handles itself (its own negations work). */
const CLI_FLAGS = new Set(['debug', 'dry-run', 'force', 'interactive', 'verbose', 'help', 'allow-private']);

function translate(args) {
  return args.map((arg) => {
    const negated = /^--no-([a-z][a-z-]*)$/.exec(arg);
    return negated && !CLI_FLAGS.has(negated[1]) ? `--${negated[1]}=false` : arg;
  });
}

const collection = resolve(__dirname, 'collection.json');
main({ args: [`${collection}:slice`, '--no-debug', ...translate(process.argv.slice(2))] }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
