import { Module } from '@nestjs/common';

import { embeddedPostgresProvider, EmbeddedPostgresShutdown } from './embedded-postgres.provider';

@Module({
  providers: [embeddedPostgresProvider, EmbeddedPostgresShutdown],
  exports: [embeddedPostgresProvider],
})
export class EmbeddedPostgresModule {}
