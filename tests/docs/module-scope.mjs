// A Worker must create its cache at module scope: a cache made per request
// starts empty every time and grows wasm memory, which never shrinks (issue 16:
// 5,000 requests took an isolate from 12 MB to 57 MB). Allowed: a createCache
// call outside every function, or one assigned with `??=` to a module-scope
// variable (made on the first request, when bindings exist, then kept).
import { requireTool } from '../../scripts/lib/workerd.mjs';

/** The createCache calls of `code` that run per call of some function: [line, ...]. */
export function perRequestCaches(code) {
  const acorn = requireTool('acorn');
  const walk = requireTool('acorn-walk');
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  const moduleNames = new Set();
  for (const node of ast.body) {
    if (node.type === 'VariableDeclaration') for (const d of node.declarations) if (d.id.type === 'Identifier') moduleNames.add(d.id.name);
  }
  const bad = [];
  walk.ancestor(ast, {
    CallExpression(node, _state, ancestors) {
      if (node.callee.type !== 'Identifier' || node.callee.name !== 'createCache') return;
      const inFunction = ancestors.some((a) => /Function|ArrowFunction|MethodDefinition/.test(a.type));
      if (!inFunction) return;
      const parent = ancestors[ancestors.length - 2];
      const kept = parent?.type === 'AssignmentExpression' && parent.operator === '??='
        && parent.left.type === 'Identifier' && moduleNames.has(parent.left.name);
      if (!kept) bad.push(node.loc.start.line);
    },
  });
  return bad;
}
