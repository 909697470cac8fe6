/**
 * Babel plugin used only by Jest: ES modules that need `require` write
 * `const require = createRequire(import.meta.url)`. Once Babel has compiled such a module to
 * CommonJS, that line redeclares the module's own `require` and breaks the imports Babel turned
 * into require() calls; the declaration is dropped and the real `require` is used instead.
 */
module.exports = function dropCreateRequire() {
  return {
    name: 'drop-create-require',
    visitor: {
      VariableDeclarator(path) {
        const { id, init } = path.node;
        const isRequireBinding = id.type === 'Identifier' && id.name === 'require';
        const callsCreateRequire =
          init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'createRequire';
        if (isRequireBinding && callsCreateRequire) path.remove();
      },
    },
  };
};
