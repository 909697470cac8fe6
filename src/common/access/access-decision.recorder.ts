import { Injectable, Logger } from '@nestjs/common';

import { RequestContextService } from '../context/request-context.service';
import { AccessMetrics } from './access.metrics';
import type { Principal } from './principal';

/** What a `permission.denied` event says. */
export interface PermissionDenial {
  readonly principal: Principal;
  /** What was missing: permissions, or `role:<name>` for role rules. */
  readonly missing: readonly string[];
  /** The route (`Controller.handler`) or the resource type of an object-level check. */
  readonly route?: string;
  readonly resourceType?: string;
}

/**
 * Where access decisions are counted and denials published. Today a denial is a structured log
 * line `{ event: "permission.denied", ... }`; once the event bus exists, this class publishes
 * the same payload there and nothing else changes.
 */
@Injectable()
export class AccessDecisionRecorder {
  private readonly logger = new Logger('AccessControl');

  constructor(
    private readonly metrics: AccessMetrics,
    private readonly context: RequestContextService,
  ) {}

  allowed(): void {
    this.metrics.checks.inc({ result: 'allowed' });
  }

  denied(denial: PermissionDenial): void {
    this.metrics.checks.inc({ result: 'denied' });
    this.metrics.denials.inc({ permission: [...denial.missing].sort().join('|') || 'unknown' });
    this.logger.warn(
      {
        event: 'permission.denied',
        userId: denial.principal.userId,
        role: denial.principal.role,
        authMethod: denial.principal.method,
        missing: denial.missing,
        route: denial.route,
        resourceType: denial.resourceType,
        requestId: this.context.requestId,
      },
      'permission.denied',
    );
  }
}
