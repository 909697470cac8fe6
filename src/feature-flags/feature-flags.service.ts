import { Injectable } from '@nestjs/common';

import { FeatureFlagCache } from './feature-flag-cache';
import { FeatureFlagsMetrics } from './feature-flags.metrics';
import { type CompiledFlag, evaluateFlag } from './flag-evaluator';

/**
 * Feature flags for the other slices: the slice's public face. Evaluation reads the in-process
 * flag set (refreshed at most once a second, see FeatureFlagCache), so calling it on every request
 * costs no I/O. An unknown flag is off.
 */
@Injectable()
export class FeatureFlagsService {
  constructor(
    private readonly cache: FeatureFlagCache,
    private readonly metrics: FeatureFlagsMetrics,
  ) {}

  /**
   * Whether `userId` (undefined: an anonymous caller) gets the feature behind `key`.
   *
   *   if (await flags.isEnabled('products.search-descriptions', principal?.userId)) { ... }
   */
  async isEnabled(key: string, userId?: string): Promise<boolean> {
    const flags = await this.cache.current();
    return this.evaluate(key, flags.get(key), userId);
  }

  /**
   * Every flag as evaluated for `userId`, e.g. for a client to adapt its UI. An anonymous caller
   * (undefined) gets only the flags it actually gets: the keys of pilots, partial rollouts and
   * switched-off features are not announced to anyone who asks.
   */
  async evaluateAll(userId?: string): Promise<Record<string, boolean>> {
    const flags = await this.cache.current();
    const evaluated = [...flags].map(([key, flag]) => [key, this.evaluate(key, flag, userId)] as const);
    return Object.fromEntries(userId === undefined ? evaluated.filter(([, on]) => on) : evaluated);
  }

  private evaluate(key: string, flag: CompiledFlag | undefined, userId: string | undefined): boolean {
    const on = evaluateFlag(flag, userId);
    this.metrics.evaluations.inc({ flag: key, result: on ? 'on' : 'off' });
    return on;
  }
}
