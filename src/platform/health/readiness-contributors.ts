import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

/** A dependency that is reported by readiness but cannot fail it (it may only be "degraded"). */
export type ReadinessContributor = () => Promise<HealthIndicatorResult>;

/**
 * Where modules register what readiness should report about them (Redis, a circuit breaker...)
 * without the health module knowing each of them.
 */
@Injectable()
export class ReadinessContributors {
  private readonly contributors = new Map<string, ReadinessContributor>();

  register(name: string, contributor: ReadinessContributor): void {
    this.contributors.set(name, contributor);
  }

  all(): ReadinessContributor[] {
    return [...this.contributors.values()];
  }
}
