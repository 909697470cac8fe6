import { CreateUsers1764000000000 } from '../../migrations/1764000000000-create-users';
import { CreateEventTables1764000050000 } from '../../migrations/1764000050000-create-event-tables';
import { CreateProducts1764000100000 } from '../../migrations/1764000100000-create-products';
import { AddUsersTokenVersion1764000200000 } from '../../migrations/1764000200000-add-users-token-version';
import { CreateRefreshTokens1764000201000 } from '../../migrations/1764000201000-create-refresh-tokens';
import { CreateApiKeys1764000202000 } from '../../migrations/1764000202000-create-api-keys';
import { CreateAuditLogs1764000203000 } from '../../migrations/1764000203000-create-audit-logs';
import { CreateOrders1764000300000 } from '../../migrations/1764000300000-create-orders';
import { CreateFeatureFlags1764000400000 } from '../../migrations/1764000400000-create-feature-flags';
import { SessionKeyAndPriceLimits1764000500000 } from '../../migrations/1764000500000-session-key-and-price-limits';
import { IdempotentResponsesVerbatim1764000512000 } from '../../migrations/1764000512000-idempotent-responses-verbatim';

/**
 * Every migration, oldest first. Listed explicitly (not globbed) so the same list works from
 * compiled JavaScript, from the test runner and from a bundled image. `npm run migration:generate`
 * writes a new file into src/migrations/; add its class here.
 */
export const MIGRATIONS = [
  CreateUsers1764000000000,
  CreateEventTables1764000050000,
  CreateProducts1764000100000,
  AddUsersTokenVersion1764000200000,
  CreateRefreshTokens1764000201000,
  CreateApiKeys1764000202000,
  CreateAuditLogs1764000203000,
  CreateOrders1764000300000,
  CreateFeatureFlags1764000400000,
  SessionKeyAndPriceLimits1764000500000,
  IdempotentResponsesVerbatim1764000512000,
];
