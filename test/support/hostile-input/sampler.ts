import fc from 'fast-check';

/**
 * Draws values from fast-check arbitraries, deterministically: every draw gets its own seed
 * derived from the corpus seed and a running counter, so the same seed rebuilds the same corpus.
 */
export class Sampler {
  private draws = 0;

  constructor(readonly seed: number) {}

  take<T>(arbitrary: fc.Arbitrary<T>, count: number): T[] {
    this.draws += 1;
    return fc.sample(arbitrary, { seed: (this.seed + this.draws * 7919) | 0, numRuns: count });
  }

  one<T>(arbitrary: fc.Arbitrary<T>): T {
    return this.take(arbitrary, 1)[0];
  }
}
