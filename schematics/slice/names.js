'use strict';
/**
 * Every spelling of a slice's name the templates need, derived from the plural kebab-case name
 * given on the command line (`gift-cards` → `GiftCard`, `giftCards`, `gift_cards`, `GIFT_CARD` …).
 */
const { SchematicsException } = require('@angular-devkit/schematics');

const KEBAB_PLURAL = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;
/** Names that would clash with folders or classes the project already has. */
const RESERVED = new Set(['common', 'config', 'platform', 'migrations', 'bootstrap', 'seed', 'test', 'dist']);

function sliceNames(rawName, singularOverride) {
  const plural = String(rawName ?? '').trim();
  if (!KEBAB_PLURAL.test(plural)) {
    throw new SchematicsException(
      `The slice name must be a plural in kebab-case, e.g. "invoices" or "gift-cards" (got "${plural}").`,
    );
  }
  if (RESERVED.has(plural)) throw new SchematicsException(`"${plural}" is a folder of the project, not a slice name.`);
  const singular = singularOverride ? String(singularOverride).trim() : singularize(plural);
  if (!KEBAB_PLURAL.test(singular) || singular === plural) {
    throw new SchematicsException(
      `Cannot tell the singular of "${plural}"; pass it with --singular=<kebab-case singular> (got "${singular}").`,
    );
  }
  const words = (kebab) => kebab.split('-');
  const classify = (kebab) => words(kebab).map(capitalize).join('');
  const camelize = (kebab) => uncapitalize(classify(kebab));
  const constant = (kebab) => words(kebab).join('_').toUpperCase();
  return {
    plural,
    singular,
    Plural: classify(plural),
    Singular: classify(singular),
    pluralCamel: camelize(plural),
    singularCamel: camelize(singular),
    pluralConst: constant(plural),
    singularConst: constant(singular),
    table: words(plural).join('_'),
    eventPrefix: words(singular).join('_'),
    permissionPrefix: plural,
    label: words(singular).join(' '),
    pluralLabel: words(plural).join(' '),
  };
}

/** The last word made singular by the common English rules; anything else needs --singular. */
function singularize(plural) {
  const rules = [
    [/ies$/, 'y'],
    [/(ss|sh|ch|x|z|us)es$/, '$1'],
    [/([^s])s$/, '$1'],
  ];
  for (const [pattern, replacement] of rules) {
    if (pattern.test(plural)) return plural.replace(pattern, replacement);
  }
  return plural;
}

const capitalize = (word) => word.charAt(0).toUpperCase() + word.slice(1);
const uncapitalize = (word) => word.charAt(0).toLowerCase() + word.slice(1);

module.exports = { sliceNames };
