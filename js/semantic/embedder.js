// Calling the host's embed function: one text in, one checked Float32Array out,
// timed and counted; the last answer is kept, so a lookup that misses and the
// store that follows it embed the query once.

import { EdgeCacheError } from '../errors.js';

/** The longest embedding accepted (the core's MAX_DIMENSIONS). */
export const MAX_DIMENSIONS = 4096;

export class Embedder {
  /** `embed`: (texts: string[]) => Promise<ArrayLike<number>[]>; `dimensions`: expected length or undefined. */
  constructor(embed, dimensions, stats) {
    if (typeof embed !== 'function') {
      throw new EdgeCacheError('INVALID_OPTION', 'semanticCache needs `embed`: (texts) => Promise<Float32Array[]>');
    }
    if (dimensions !== undefined && !(Number.isInteger(dimensions) && dimensions >= 1 && dimensions <= MAX_DIMENSIONS)) {
      throw new EdgeCacheError('INVALID_OPTION', `invalid option \`dimensions\`: an integer from 1 to ${MAX_DIMENSIONS}`);
    }
    this.embed = embed;
    this.dimensions = dimensions;
    this.stats = stats;
    this.last = undefined; // { text, vector }
  }

  /** The embedding of one normalised text (BACKEND_ERROR when embed fails or answers badly). */
  async vector(text) {
    if (this.last !== undefined && this.last.text === text) return this.last.vector;
    const started = Date.now();
    let answer;
    try {
      this.stats.embedCalls += 1;
      answer = await this.embed([text]);
    } catch (err) {
      throw new EdgeCacheError('BACKEND_ERROR', 'embed failed', { cause: err });
    } finally {
      this.stats.embedMs += Date.now() - started;
    }
    const vector = this.#check(answer);
    this.last = { text, vector };
    return vector;
  }

  #check(answer) {
    const first = answer !== null && typeof answer === 'object' ? answer[0] : undefined;
    const length = first !== null && typeof first === 'object' ? first.length : undefined;
    if (!(Number.isInteger(length) && length >= 1 && length <= MAX_DIMENSIONS)) {
      throw new EdgeCacheError('BACKEND_ERROR', `embed must resolve to an array of vectors (1 to ${MAX_DIMENSIONS} numbers each)`);
    }
    if (this.dimensions !== undefined && length !== this.dimensions) {
      throw new EdgeCacheError('BACKEND_ERROR', `embed returned ${length} dimensions, expected ${this.dimensions}`);
    }
    // Bounded above, so this copy is at most 16 KB.
    const vector = first instanceof Float32Array ? first.slice() : Float32Array.from(first, Number);
    if (!vector.every(Number.isFinite)) {
      throw new EdgeCacheError('BACKEND_ERROR', 'embed returned a vector with a non-finite number');
    }
    return vector;
  }
}
