import { Injectable, Logger } from '@nestjs/common';

import { RequestContextService } from '../common/context/request-context.service';
import { Paginated } from '../common/http';
import type { PageMeta } from '../common/pagination';
import { TransactionRunner } from '../platform/database';
import { AuditRepository } from './audit.repository';
import type { AuditAction, AuditResource } from './audit-actions';
import type { AuditLogQueryDto } from './dto/audit-log-query.dto';
import { AuditLogResponseDto } from './dto/audit-log-response.dto';

export interface AuditEntry {
  readonly action: AuditAction;
  readonly resourceType: AuditResource;
  readonly resourceId?: string | null;
  /** What changed (`{ from, to }`) or why; never a credential (such keys are blanked anyway). */
  readonly details?: Record<string, unknown>;
  /** Who acted; defaults to the authenticated caller of the current request. */
  readonly actorId?: string | null;
}

/** Keys whose values never belong in the audit log, whoever passes them. */
const SECRET_KEY = /pass(word)?|token|secret|api_?key|authorization|cookie/i;
const REDACTED = '[REDACTED]';

/** The entries a unit of work records, written together at its end. */
const AUDIT_ENTRIES = Symbol('auditEntries');

/**
 * The audit log, for the other slices. `record` writes in the caller's transaction when there is
 * one (at its end, in the statement that writes its other deferred rows, so the entry commits or
 * rolls back with the change it describes), and on its own otherwise
 * (a failed login changes nothing, yet must be recorded). The request id, client IP and caller
 * come from the request context.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly entries: AuditRepository,
    private readonly context: RequestContextService,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Appends one entry. Call it inside the unit of work that makes the change, after the change:
   *
   *   await this.transactions.run(async () => {
   *     await this.users.updateRole(id, role);
   *     await this.audit.record({ action: AuditAction.RoleChanged, resourceType: AuditResource.User, resourceId: id, details: { from, to: role } });
   *   });
   */
  async record(entry: AuditEntry): Promise<void> {
    const row = {
      actorId: entry.actorId === undefined ? (this.context.userId ?? null) : entry.actorId,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      details: scrubSecrets(entry.details ?? {}) as Record<string, unknown>,
      requestId: this.context.requestId ?? null,
      ip: this.context.ip ?? null,
    };
    await this.transactions.batchBeforeCommit(AUDIT_ENTRIES, row, (rows) => this.entries.insertion(rows));
    this.logger.debug({ action: entry.action, resourceType: entry.resourceType }, 'Audit entry recorded');
  }

  /** A page of entries, newest first unless sorted otherwise, filtered by actor, action and resource. */
  async list(query: AuditLogQueryDto): Promise<Paginated<AuditLogResponseDto, PageMeta>> {
    const page = await this.entries.findPage(query);
    return new Paginated(
      page.items.map((entry) => AuditLogResponseDto.fromEntity(entry)),
      page.meta,
    );
  }
}

function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
      key,
      SECRET_KEY.test(key) ? REDACTED : scrubSecrets(inner),
    ]),
  );
}
