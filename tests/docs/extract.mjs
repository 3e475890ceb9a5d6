// Finds the code blocks of a Markdown file and the marker that says how each
// is tested. Every fenced block must be preceded (blank lines aside) by
//
//   <!-- docs-test: HOST key=value key="a value" ... -->
//
// HOST is where the block runs:
//   node     an ES module run by Node in a project that installed the tarball
//   deno     `deno run FLAGS` in that project; flags="--allow-read ..." must be
//            written in the doc itself (the block or the prose just before it)
//   worker   a Cloudflare Worker bundled the way wrangler bundles, run in workerd
//            (kv=NAME binds a local KV namespace; path=/x is the request made)
//   tsc      type-checked by tsc against the installed package
//   syntax   parsed only, with why="..." saying why it cannot run here
// Options for every host: prelude=NAME prepends tests/docs/preludes/NAME.js
// (stand-ins for what the doc leaves to the reader: a database, a render function),
// expect="text" must appear in the output.
// A block without a marker, or with an unknown host, is an error: an example
// nobody runs is an example that rots.

const FENCE = /^(\s*)(`{3,})\s*([\w-]*)\s*$/;
const MARKER = /^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;
const HOSTS = new Set(['node', 'deno', 'worker', 'tsc', 'syntax']);

/** Parses `HOST key=value key="quoted value"`. */
export function parseMarker(text) {
  const [, host, rest] = /^(\S+)\s*(.*)$/.exec(text) ?? [, '', ''];
  const options = {};
  for (const m of rest.matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)) options[m[1]] = m[2] ?? m[3];
  return { host, options };
}

/**
 * The blocks of `markdown`: [{ file, line, lang, code, host, options, prose }],
 * `prose` being the text between the previous block and this one. Throws one
 * Error listing every block without a valid marker.
 */
export function extractBlocks(markdown, file) {
  const lines = markdown.split('\n');
  const blocks = [];
  const problems = [];
  let proseStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, ticks, lang] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2] === ticks && close[3] === '') break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? MARKER.exec(lines[k]) : null;
    const where = `${file}:${i + 1}`;
    if (!marker) {
      problems.push(`${where}: a \`\`\`${lang} block without a <!-- docs-test: HOST --> marker before it`);
    } else {
      const { host, options } = parseMarker(marker[1]);
      if (!HOSTS.has(host)) problems.push(`${where}: unknown docs-test host '${host}'`);
      else if (host === 'syntax' && !options.why) problems.push(`${where}: a syntax-only block must say why="..." it cannot run`);
      else if (host === 'deno' && !options.flags && options.flags !== '') problems.push(`${where}: a deno block needs flags="..." (may be empty)`);
      blocks.push({
        file, line: i + 1, lang, code: body.join('\n'), host, options,
        prose: lines.slice(proseStart, k).join('\n'),
      });
    }
    proseStart = j + 1;
    i = j;
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return blocks;
}
