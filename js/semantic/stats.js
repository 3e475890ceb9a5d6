// The counters of a semantic cache: hits by tier, the scores of similar hits
// (the last RECENT of them, with their extremes and mean), embed calls and time.

/** How many recent similar-hit scores stats() lists. */
export const RECENT = 32;

export class SemanticStats {
  constructor() {
    this.exactHits = 0;
    this.similarHits = 0;
    this.misses = 0;
    this.stores = 0;
    this.invalidations = 0;
    this.embedCalls = 0;
    this.embedMs = 0;
    this.indexErrors = 0;
    this.scores = []; // the last RECENT similar-hit scores
    this.scoreSum = 0;
    this.scoreMin = Infinity;
    this.scoreMax = -Infinity;
  }

  similar(score) {
    this.similarHits += 1;
    this.scoreSum += score;
    this.scoreMin = Math.min(this.scoreMin, score);
    this.scoreMax = Math.max(this.scoreMax, score);
    this.scores.push(score);
    if (this.scores.length > RECENT) this.scores.shift();
  }

  snapshot(size) {
    const n = this.similarHits;
    return {
      exactHits: this.exactHits,
      similarHits: this.similarHits,
      misses: this.misses,
      stores: this.stores,
      invalidations: this.invalidations,
      embedCalls: this.embedCalls,
      embedMs: this.embedMs,
      indexErrors: this.indexErrors,
      similarScores: {
        count: n,
        min: n === 0 ? undefined : this.scoreMin,
        max: n === 0 ? undefined : this.scoreMax,
        mean: n === 0 ? undefined : this.scoreSum / n,
        recent: this.scores.slice(),
      },
      ...size,
    };
  }
}
