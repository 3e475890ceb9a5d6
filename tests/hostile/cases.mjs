// The hostile suite: what an attacker, a hostile store or a careless caller
// does, run unchanged in Node, Deno and workerd beside the conformance suite
// (tests/hosts/*). Each case is { name, run: async (lib, t) => ... } as in
// tests/conformance/cases.mjs. No timing limits: a case about time asserts on
// work done (steps, calls, bytes of wasm memory).
//   l2-cases.mjs   what a backend returns: sizes, forged records, bad bytes, keys
//   api-cases.mjs  what a caller passes: sizes, patterns, values, loaders, options

import { l2Cases } from './l2-cases.mjs';
import { apiCases } from './api-cases.mjs';

export const hostileCases = [...l2Cases, ...apiCases].map((c) => ({ ...c, name: `hostile: ${c.name}` }));
