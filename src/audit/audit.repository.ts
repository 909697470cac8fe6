import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { type Page, Paginator, type SortableFields } from '../common/pagination';
import type { DeferredStatement } from '../platform/database';
import { AuditLog } from './audit-log.entity';
import type { AuditLogQueryDto } from './dto/audit-log-query.dto';

export type NewAuditLog = Pick<
  AuditLog,
  'actorId' | 'action' | 'resourceType' | 'resourceId' | 'details' | 'requestId' | 'ip'
>;

const SORTABLE: SortableFields = {
  fields: { createdAt: 'entry.createdAt' },
  defaultSort: 'createdAt:desc',
  tiebreaker: 'entry.id',
};

/**
 * Inserts and reads audit entries. Inserts are written by the unit of work that records them
 * (TransactionRunner), so an entry commits or rolls back with the change it records.
 */
@Injectable()
export class AuditRepository {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly paginator: Paginator,
  ) {}

  private get entries(): Repository<AuditLog> {
    return this.txHost.tx.getRepository(AuditLog);
  }

  /** The INSERT for `entries`, for the recording unit to write with its other rows. */
  insertion(entries: readonly NewAuditLog[]): DeferredStatement {
    const [sql, parameters] = this.entries
      .createQueryBuilder()
      .insert()
      .into(AuditLog)
      // TypeORM's partial-entity type cannot express a free-form jsonb object; the shape is checked by NewAuditLog.
      .values(entries as Array<QueryDeepPartialEntity<AuditLog>>)
      .updateEntity(false)
      .getQueryAndParameters();
    return { sql, parameters };
  }

  findPage(query: AuditLogQueryDto): Promise<Page<AuditLog>> {
    const builder = this.entries.createQueryBuilder('entry');
    if (query.actorId) builder.andWhere('entry.actorId = :actorId', { actorId: query.actorId });
    if (query.action) builder.andWhere('entry.action = :action', { action: query.action });
    if (query.resourceType)
      builder.andWhere('entry.resourceType = :resourceType', { resourceType: query.resourceType });
    if (query.resourceId) builder.andWhere('entry.resourceId = :resourceId', { resourceId: query.resourceId });
    return this.paginator.paginate(builder, query, SORTABLE);
  }
}
