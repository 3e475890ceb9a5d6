#!/usr/bin/env node
// Size attribution for a .wasm that still has its name section: the raw cargo
// output (target/wasm32-unknown-unknown/release/edgecache.wasm), wasm-bindgen
// output without --remove-name-section, or `wasm-opt -Oz -g` output (names
// survive optimisation, so the figures match what ships).
//
//   node scripts/wasm-size.mjs FILE [--top N] [--depth D] [--grep TEXT]
//
// Prints section sizes, the N largest function bodies, and body bytes grouped
// by the first D segments of each function's path (crate, crate::module, ...).
// Trait impls `<A as B>::f` are charged to A, the type that owns the code.
// Best input: wasm-bindgen without --remove-name-section, then
// `wasm-opt -Oz -g` (names are demangled there). The raw cargo output also
// works, but its v0-mangled std names are only approximately decoded, and it
// still holds wasm-bindgen's describe functions, which never ship.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const top = Number(opt('--top', '40'));
const depth = Number(opt('--depth', '2'));
const grep = opt('--grep', null);
const file = args[0];
if (!file) {
  console.error('usage: node scripts/wasm-size.mjs FILE [--top N] [--depth D] [--grep TEXT]');
  process.exit(2);
}

const bytes = readFileSync(file);
if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file}: not a wasm module`);

// A cursor over the module: unsigned LEB128 and length-prefixed names.
let pos = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7;
  }
};
const name = () => {
  const len = u32();
  const text = bytes.subarray(pos, pos + len).toString('utf8');
  pos += len;
  return text;
};

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global',
  'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];
const sections = [];
let importedFunctions = 0;
const bodySizes = []; // index = defined function index (imports excluded)
const functionNames = new Map(); // absolute function index -> name
let dataBytes = 0;

while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = u32();
  const start = pos;
  const end = pos + size;
  let label = SECTION_NAMES[id] ?? `unknown(${id})`;
  if (id === 0) {
    const custom = name();
    label = `custom:${custom}`;
    if (custom === 'name') {
      while (pos < end) {
        const sub = bytes[pos++];
        const subSize = u32();
        const subEnd = pos + subSize;
        if (sub === 1) {
          for (let n = u32(); n > 0; n--) {
            const index = u32();
            functionNames.set(index, name());
          }
        }
        pos = subEnd;
      }
    }
  } else if (id === 2) {
    for (let n = u32(); n > 0; n--) {
      name();
      name();
      const kind = bytes[pos++];
      if (kind === 0) { u32(); importedFunctions++; }
      else if (kind === 1) { pos++; const flags = u32(); u32(); if (flags & 1) u32(); }
      else if (kind === 2) { const flags = u32(); u32(); if (flags & 1) u32(); }
      else if (kind === 3) { pos += 2; }
      else if (kind === 4) { pos++; u32(); }
    }
  } else if (id === 10) {
    for (let n = u32(); n > 0; n--) {
      const len = u32();
      bodySizes.push(len);
      pos += len;
    }
  } else if (id === 11) {
    dataBytes = size;
  }
  sections.push({ label, size: end - start });
  pos = end;
}

// Rust legacy mangling survives in some names (`_ZN...E`); demangle it
// enough to group by path. Hash suffixes (::h0123...) are dropped.
const demangle = (raw) => {
  let text = raw;
  if (text.startsWith('_ZN') && text.endsWith('E')) {
    const parts = [];
    let i = 3;
    while (i < text.length - 1) {
      let len = 0;
      while (/[0-9]/.test(text[i])) len = len * 10 + Number(text[i++]);
      if (len === 0) break;
      parts.push(text.slice(i, i + len));
      i += len;
    }
    // A segment that would start with `$` is written with a leading `_`.
    text = parts.map((p) => (p.startsWith('_$') ? p.slice(1) : p)).join('::')
      .replaceAll('$LT$', '<').replaceAll('$GT$', '>').replaceAll('$u20$', ' ')
      .replaceAll('$RF$', '&').replaceAll('$C$', ',').replaceAll('$u7b$', '{')
      .replaceAll('$u7d$', '}').replaceAll('..', '::').replaceAll('$BP$', '*');
  }
  // Rust v0 mangling (the prebuilt std uses it): only the identifiers are
  // recovered, in order from the crate down, which is enough to group by path.
  if (text.startsWith('_R')) {
    const root = text.search(/C(s[0-9A-Za-z]*_)?[0-9]/);
    const idents = [];
    let i = root < 0 ? text.length : root + 1;
    while (i < text.length) {
      if (text[i] === 's' && idents.length === 0) i = text.indexOf('_', i) + 1;
      const digits = /^[0-9]+/.exec(text.slice(i));
      if (!digits) { i++; continue; }
      i += digits[0].length;
      if (text[i] === '_') i++;
      const len = Number(digits[0]);
      idents.push(text.slice(i, i + len));
      i += len;
    }
    if (idents.length > 0) text = idents.join('::');
  }
  // Drop hash suffixes and crate disambiguators (core[c5930c85a12de822]::).
  return text.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
};

// The path that owns a function: for `<A as B>::f` that is A, for
// `<A>::f` it is A, otherwise the name itself; generics are stripped.
const ownerPath = (full) => {
  let text = full;
  if (text.startsWith('<')) {
    let level = 0;
    let i = 0;
    for (; i < text.length; i++) {
      if (text[i] === '<') level++;
      else if (text[i] === '>') level--;
      else if (level === 1 && text.startsWith(' as ', i)) break;
      if (level === 0) break;
    }
    text = text.slice(1, i);
    while (text.startsWith('&') || text.startsWith('mut ') || text.startsWith('dyn ')) {
      text = text.replace(/^&|^mut |^dyn /, '');
    }
  }
  let level = 0;
  let plain = '';
  for (const ch of text) {
    if (ch === '<' || ch === '(' || ch === '[') level++;
    else if (ch === '>' || ch === ')' || ch === ']') level--;
    else if (level === 0) plain += ch;
  }
  const segments = plain.split('::').filter((s) => s.length > 0 && !/^\{\{?closure/.test(s));
  if (/ shim$/.test(full)) return '(wasm-bindgen export shims)';
  if (segments.length < 2) return '(no path)';
  return segments.slice(0, depth).join('::');
};

const functions = bodySizes.map((size, i) => {
  const index = i + importedFunctions;
  const full = demangle(functionNames.get(index) ?? `func[${index}]`);
  return { index, size, name: full, group: ownerPath(full) };
});
const codeTotal = bodySizes.reduce((a, b) => a + b, 0);
const fmt = (n) => n.toLocaleString('en-US').padStart(9);
const pct = (n, total) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;

console.log(`${file}: ${bytes.length.toLocaleString('en-US')} bytes, ` +
  `${bodySizes.length} functions (+${importedFunctions} imported), ` +
  `${functionNames.size} named, data ${dataBytes.toLocaleString('en-US')} bytes`);
console.log('\nsections');
for (const s of sections) console.log(`${fmt(s.size)}  ${pct(s.size, bytes.length)}  ${s.label}`);

const shown = grep ? functions.filter((f) => f.name.includes(grep)) : functions;
console.log(`\ntop ${top} functions by body size${grep ? ` matching "${grep}"` : ''}`);
for (const f of [...shown].sort((a, b) => b.size - a.size).slice(0, top)) {
  const label = f.name.length > 150 ? `${f.name.slice(0, 147)}...` : f.name;
  console.log(`${fmt(f.size)}  ${pct(f.size, codeTotal)}  ${label}`);
}

const groups = new Map();
for (const f of shown) {
  const g = groups.get(f.group) ?? { size: 0, count: 0 };
  g.size += f.size;
  g.count += 1;
  groups.set(f.group, g);
}
console.log(`\ncode bytes by path prefix (depth ${depth}), of ${codeTotal.toLocaleString('en-US')}`);
for (const [group, g] of [...groups].sort((a, b) => b[1].size - a[1].size)) {
  console.log(`${fmt(g.size)}  ${pct(g.size, codeTotal)}  ${String(g.count).padStart(5)} fns  ${group}`);
}
