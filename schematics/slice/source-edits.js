'use strict';
/**
 * Edits of hand-written files (app.module.ts, migration-list.ts, permissions.ts, eslint.config.mjs)
 * located through the TypeScript syntax tree, never by line numbers or regular expressions over
 * the text. Each edit names the construct it needs; when that is not there (the file was
 * restructured) generation stops with a message saying what was expected, and writes nothing.
 */
const { SchematicsException } = require('@angular-devkit/schematics');
const ts = require('typescript');

function parse(tree, path) {
  const text = tree.readText(path);
  const kind = path.endsWith('.mjs') || path.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return { text, source: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind) };
}

function anchorMissing(path, expected) {
  return new SchematicsException(
    `Cannot update ${path}: expected ${expected}. The file has changed shape; make the change by hand ` +
      `(see docs/contributing.md, "Generating a slice") or restore the construct.`,
  );
}

function find(node, predicate) {
  if (predicate(node)) return node;
  return ts.forEachChild(node, (child) => find(child, predicate));
}

function lastImportEnd(source) {
  const imports = source.statements.filter(ts.isImportDeclaration);
  return imports.length === 0 ? 0 : imports[imports.length - 1].getEnd();
}

function importsModule(source, specifier) {
  return source.statements.some(
    (statement) => ts.isImportDeclaration(statement) && statement.moduleSpecifier.text === specifier,
  );
}

/** Inserts `text` as the last element of an array literal (keeping any trailing comma valid). */
function appendToArray(recorder, array, text) {
  const last = array.elements[array.elements.length - 1];
  if (last) recorder.insertRight(last.getEnd(), `, ${text}`);
  else recorder.insertRight(array.elements.pos, text);
}

/** `@Module({ imports: [...] })` on `class AppModule`: the slice modules' list. */
function addSliceModule(tree, path, { Plural, plural }) {
  const { source } = parse(tree, path);
  const specifier = `./${plural}/${plural}.module`;
  if (importsModule(source, specifier)) throw new SchematicsException(`${path} already imports ${specifier}.`);
  const imports = find(source, (node) => {
    if (!ts.isClassDeclaration(node) || node.name?.text !== 'AppModule') return false;
    return true;
  });
  const decorator = imports && ts.getDecorators(imports)?.find((d) => d.expression.getText().startsWith('Module('));
  const options = decorator?.expression.arguments?.[0];
  const list =
    options && ts.isObjectLiteralExpression(options)
      ? options.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === 'imports')
      : undefined;
  if (!list || !ts.isArrayLiteralExpression(list.initializer)) {
    throw anchorMissing(path, '`@Module({ imports: [ … ] })` on `export class AppModule` listing the feature slices');
  }
  const recorder = tree.beginUpdate(path);
  recorder.insertRight(lastImportEnd(source), `\nimport { ${Plural}Module } from '${specifier}';`);
  appendToArray(recorder, list.initializer, `${Plural}Module`);
  tree.commitUpdate(recorder);
}

/** `export const MIGRATIONS = [ … ]`: the ordered migration list. */
function addMigration(tree, path, { migrationClass, migrationFile }) {
  const { source } = parse(tree, path);
  const list = find(
    source,
    (node) => ts.isVariableDeclaration(node) && node.name.getText() === 'MIGRATIONS' && node.initializer,
  );
  if (!list || !ts.isArrayLiteralExpression(list.initializer)) {
    throw anchorMissing(path, '`export const MIGRATIONS = [ … ]` listing every migration class, oldest first');
  }
  const recorder = tree.beginUpdate(path);
  recorder.insertRight(
    lastImportEnd(source),
    `\nimport { ${migrationClass} } from '../../migrations/${migrationFile}';`,
  );
  appendToArray(recorder, list.initializer, migrationClass);
  tree.commitUpdate(recorder);
}

/** The newest migration timestamp listed, so a new one is never ordered before it. */
function newestMigrationTimestamp(tree, path) {
  const { source } = parse(tree, path);
  const stamps = source.statements
    .filter(ts.isImportDeclaration)
    .map((statement) => /\/migrations\/(\d+)-/.exec(statement.moduleSpecifier.text))
    .filter(Boolean)
    .map((match) => Number(match[1]));
  return stamps.length ? Math.max(...stamps) : 0;
}

/**
 * `enum Permission { … }` gets `<Plural><Action> = '<name>:<action>'` members (admin holds every
 * member through ALL_PERMISSIONS); `const STAFF` / `const CUSTOMER` get the actions granted by flag.
 */
function addPermissions(tree, path, { Plural, permissionPrefix }, actions, grants) {
  const { source } = parse(tree, path);
  const permissionEnum = find(source, (node) => ts.isEnumDeclaration(node) && node.name.text === 'Permission');
  if (!permissionEnum) throw anchorMissing(path, '`export enum Permission { … }`');
  const taken = permissionEnum.members.find((member) =>
    member.initializer?.getText().startsWith(`'${permissionPrefix}:`),
  );
  if (taken) throw new SchematicsException(`${path} already has ${permissionPrefix}:* permissions; is the slice there?`);
  const recorder = tree.beginUpdate(path);
  const members = actions.map((action) => `${Plural}${capitalize(action)} = '${permissionPrefix}:${action}'`);
  const lastMember = permissionEnum.members[permissionEnum.members.length - 1];
  if (!lastMember) throw anchorMissing(path, 'at least one member in `enum Permission`');
  recorder.insertRight(lastMember.getEnd(), `,\n  ${members.join(',\n  ')}`);
  for (const [role, granted] of Object.entries(grants)) {
    if (granted.length === 0) continue;
    const list = find(source, (node) => ts.isVariableDeclaration(node) && node.name.getText() === role);
    if (!list || !list.initializer || !ts.isArrayLiteralExpression(list.initializer)) {
      throw anchorMissing(path, `\`const ${role}: readonly Permission[] = [ … ]\` (the ${role.toLowerCase()} role's permissions)`);
    }
    appendToArray(recorder, list.initializer, granted.map((action) => `Permission.${Plural}${capitalize(action)}`).join(', '));
  }
  tree.commitUpdate(recorder);
}

/** `const SLICES = [ … ]` in the lint config: the slice-boundary rules then cover the new slice. */
function addSliceToLintBoundaries(tree, path, { plural }) {
  const { source } = parse(tree, path);
  const list = find(source, (node) => ts.isVariableDeclaration(node) && node.name.getText() === 'SLICES');
  if (!list || !list.initializer || !ts.isArrayLiteralExpression(list.initializer)) {
    throw anchorMissing(path, "`const SLICES = ['auth', 'users', …]` naming the feature slices");
  }
  if (list.initializer.elements.some((element) => ts.isStringLiteral(element) && element.text === plural)) return;
  const recorder = tree.beginUpdate(path);
  appendToArray(recorder, list.initializer, `'${plural}'`);
  tree.commitUpdate(recorder);
}

const capitalize = (word) => word.charAt(0).toUpperCase() + word.slice(1);

module.exports = { addSliceModule, addMigration, newestMigrationTimestamp, addPermissions, addSliceToLintBoundaries };
