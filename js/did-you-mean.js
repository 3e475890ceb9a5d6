// "Did you mean" for option names: an unknown name is always an error (a typo
// must never silently do nothing), and the error names the closest known
// option when one is near (`maxEntires` -> `maxEntries`).

/** ` (did you mean \`x\`?)` for the known name closest to `name`, or ''. */
export function didYouMean(name, known) {
  const wanted = String(name).toLowerCase();
  let best;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Close enough to be a typo: a third of the name, at least one edit, at most three.
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  return best !== undefined && bestDistance <= limit ? ` (did you mean \`${best}\`?)` : '';
}

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of two neighbours each cost one. Names are short; longer ones are not typos.
function distance(a, b) {
  if (a.length > 64 || b.length > 64) return Infinity;
  const rows = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array(b.length + 1).fill(0));
    rows[i][0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}
