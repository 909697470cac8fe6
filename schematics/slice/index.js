'use strict';
/**
 * `slice`: a complete feature slice in the house style (see docs/contributing.md and
 * docs/decisions/0023). Templates live in ./files (`.template` suffix, `__plural__` paths, so
 * neither the compiler nor the linters read them as sources); the hand-written files a slice must
 * be registered in are edited through their syntax trees (./source-edits.js); every file written
 * is then import-sorted and formatted exactly as `eslint --fix` and `prettier --write` would.
 */
const { join } = require('node:path');

const {
  SchematicsException,
  apply,
  applyTemplates,
  chain,
  filter,
  mergeWith,
  url,
} = require('@angular-devkit/schematics');

const { sliceNames } = require('./names');
const {
  addMigration,
  addPermissions,
  addSliceModule,
  addSliceToLintBoundaries,
  newestMigrationTimestamp,
} = require('./source-edits');

const FILES = {
  appModule: 'src/app.module.ts',
  migrationList: 'src/platform/database/migration-list.ts',
  permissions: 'src/common/access/permissions.ts',
  lintConfig: 'eslint.config.mjs',
};
const CRUD_ACTIONS = ['create', 'read', 'update', 'delete'];

function slice(options) {
  return (tree, context) => {
    const names = sliceNames(options.name, options.singular);
    ensureProjectLayout(tree);
    ensureNewSlice(tree, names);
    const actions = options.owner ? [...CRUD_ACTIONS, 'manage'] : CRUD_ACTIONS;
    const grants = { CUSTOMER: parseActions(options.customer, actions, '--customer'), STAFF: parseActions(options.staff, actions, '--staff') };
    const timestamp = migrationTimestamp(tree, options.timestamp);
    const migrationFile = `${timestamp}-create-${names.plural}`;
    const migrationClass = `Create${names.Plural}${timestamp}`;
    const variables = {
      ...names,
      events: options.events !== false,
      cache: options.cache !== false,
      owner: options.owner === true,
      timestamp: String(timestamp),
      migrationClass,
      exampleName: `Example ${names.label}`,
      aLabel: withArticle(names.label),
      ALabel: capitalizeFirst(withArticle(names.label)),
      exampleSearch: 'example',
      ...e2eActors(grants, options.owner === true),
    };
    context.logger.info(describe(names, variables, grants));
    return chain([
      mergeWith(apply(url('./files'), [filter((path) => wanted(path, variables, options)), applyTemplates(variables)])),
      (edited) => {
        addMigration(edited, FILES.migrationList, { migrationClass, migrationFile });
        addPermissions(edited, FILES.permissions, names, actions, grants);
        if (!options.skipImport) addSliceModule(edited, FILES.appModule, names);
        addSliceToLintBoundaries(edited, FILES.lintConfig, names);
        return edited;
      },
      formatWrittenFiles(),
    ]);
  };
}

function ensureProjectLayout(tree) {
  for (const path of Object.values(FILES)) {
    if (!tree.exists(path)) {
      throw new SchematicsException(`${path} is missing: run the slice schematic from the project root.`);
    }
  }
}

function ensureNewSlice(tree, { plural }) {
  const taken = [`src/${plural}`, `test/${plural}.e2e-spec.ts`].filter(
    (path) => tree.exists(path) || tree.getDir(path).subfiles.length + tree.getDir(path).subdirs.length > 0,
  );
  if (taken.length > 0) throw new SchematicsException(`The slice "${plural}" exists already (${taken.join(', ')}).`);
}

/** `read,create` → ['read', 'create'], refusing actions the slice does not have. */
function parseActions(raw, actions, flag) {
  const list = String(raw ?? '')
    .split(',')
    .map((action) => action.trim())
    .filter(Boolean);
  const unknown = list.filter((action) => !actions.includes(action));
  if (unknown.length > 0) {
    throw new SchematicsException(`${flag}: unknown action(s) ${unknown.join(', ')}; choose from ${actions.join(', ')}.`);
  }
  return [...new Set(list)];
}

/** Now, but always after the newest listed migration, so the new one runs last. */
function migrationTimestamp(tree, given) {
  const newest = newestMigrationTimestamp(tree, FILES.migrationList);
  if (given !== undefined) {
    if (!Number.isSafeInteger(given) || given <= newest) {
      throw new SchematicsException(`--timestamp must be an integer after the newest migration (${newest}).`);
    }
    return given;
  }
  return Math.max(Date.now(), newest + 1000);
}

/** Which roles the generated e2e spec can use to show a refusal and, with --owner, ownership. */
function e2eActors(grants, owner) {
  const customer = new Set(grants.CUSTOMER);
  const staff = new Set([...grants.STAFF, ...grants.CUSTOMER]);
  const refusedRole = customer.has('create') ? null : 'Customer';
  const staffOwnsRecords = owner && ['create', 'read', 'update'].every((a) => staff.has(a)) && !staff.has('manage');
  return { refusedRole, staffOwnsRecords };
}

function wanted(path, variables, options) {
  if (!variables.events && path.includes('/events/')) return false;
  if (!variables.cache && path.endsWith('__singular__-cache.ts.template')) return false;
  if (options.spec === false && /spec\.ts\.template$/.test(path)) return false;
  return true;
}

function describe(names, variables, grants) {
  const flags = ['events', 'cache', 'owner'].map((flag) => `${flag}: ${variables[flag] ? 'yes' : 'no'}`).join(', ');
  const roles = Object.entries(grants)
    .map(([role, granted]) => `${role.toLowerCase()}: ${granted.join(',') || 'none'}`)
    .join('; ');
  return `Slice ${names.plural} (${names.Singular}); ${flags}; permissions ${names.permissionPrefix}:* for admin, ${roles}.`;
}

/** Sorts imports and formats every file this run created or changed, as the project's own tools would. */
function formatWrittenFiles() {
  return async (tree) => {
    const paths = tree.actions
      .filter((action) => action.kind === 'c' || action.kind === 'o')
      .map((action) => action.path.replace(/^\//, ''))
      .filter((path) => path.endsWith('.ts'));
    const prettier = require('prettier');
    for (const path of [...new Set(paths)]) {
      const absolute = join(process.cwd(), path);
      const sorted = sortImports(tree.readText(path), absolute);
      const config = (await prettier.resolveConfig(absolute)) ?? {};
      tree.overwrite(path, await prettier.format(sorted, { ...config, filepath: absolute }));
    }
    return tree;
  };
}

/** The fix of `simple-import-sort` (the rule `npm run lint` enforces), applied to one file's text. */
function sortImports(text, filename) {
  const { Linter } = require('eslint');
  const importSort = require('eslint-plugin-simple-import-sort');
  const { parser } = require('typescript-eslint');
  const result = new Linter({ configType: 'flat' }).verifyAndFix(
    text,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser },
        plugins: { 'simple-import-sort': importSort },
        rules: { 'simple-import-sort/imports': 'error', 'simple-import-sort/exports': 'error' },
      },
    ],
    { filename },
  );
  const fatal = result.messages.find((message) => message.fatal);
  if (fatal) throw new SchematicsException(`Generated ${filename} does not parse: ${fatal.message} (line ${fatal.line}).`);
  return result.output;
}

/** `an invoice`, `a gift card`: by the first letter, which is right for most resource names. */
function withArticle(label) {
  return `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
}

const capitalizeFirst = (text) => text.charAt(0).toUpperCase() + text.slice(1);

module.exports = { slice };
