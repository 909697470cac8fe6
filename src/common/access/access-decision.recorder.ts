import { Injectable, Logger } from '@nestjs/common';

import { defineEvent } from '../../platform/events/domain-event';
import { EventBus } from '../../platform/events/event-bus.service';
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

/** What `permission.denied` (a route rule) and `permission.object_denied` (an object-level check) carry. */
export interface PermissionDeniedPayload {
  readonly userId: string;
  readonly role: string;
  readonly authMethod: string;
  readonly missing: readonly string[];
  readonly route?: string;
  readonly resourceType?: string;
  readonly requestId?: string;
}

export const PermissionDenied = defineEvent<PermissionDeniedPayload>('permission.denied');
export const PermissionObjectDenied = defineEvent<PermissionDeniedPayload>('permission.object_denied');

/**
 * Where access decisions are counted and denials published: a structured log line and a signal
 * on the event bus (best-effort, no outbox row: docs/decisions/0019), `permission.denied` for a
 * route rule, `permission.object_denied` for an object-level check.
 */
@Injectable()
export class AccessDecisionRecorder {
  private readonly logger = new Logger('AccessControl');

  constructor(
    private readonly metrics: AccessMetrics,
    private readonly context: RequestContextService,
    private readonly events: EventBus,
  ) {}

  allowed(): void {
    this.metrics.checks.inc({ result: 'allowed' });
  }

  denied(denial: PermissionDenial): void {
    this.metrics.checks.inc({ result: 'denied' });
    this.metrics.denials.inc({ permission: [...denial.missing].sort().join('|') || 'unknown' });
    const type = denial.resourceType === undefined ? PermissionDenied : PermissionObjectDenied;
    const payload: PermissionDeniedPayload = {
      userId: denial.principal.userId,
      role: denial.principal.role,
      authMethod: denial.principal.method,
      missing: denial.missing,
      route: denial.route,
      resourceType: denial.resourceType,
      requestId: this.context.requestId,
    };
    this.logger.warn({ event: type.name, ...payload }, type.name);
    this.events.signal(type, payload);
  }
}
