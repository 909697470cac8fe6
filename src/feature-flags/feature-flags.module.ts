import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditModule } from '../audit/audit.module';
import { FeatureFlag } from './feature-flag.entity';
import { FeatureFlagCache } from './feature-flag-cache';
import { FeatureFlagsController } from './feature-flags.controller';
import { FeatureFlagsMetrics } from './feature-flags.metrics';
import { FeatureFlagsRepository } from './feature-flags.repository';
import { FeatureFlagsService } from './feature-flags.service';
import { FeatureFlagsAdminController } from './feature-flags-admin.controller';
import { FeatureFlagsAdminService } from './feature-flags-admin.service';

/** Feature flags: evaluation for the other slices (FeatureFlagsService) and their administration. */
@Module({
  imports: [TypeOrmModule.forFeature([FeatureFlag]), AuditModule],
  controllers: [FeatureFlagsController, FeatureFlagsAdminController],
  providers: [
    FeatureFlagsRepository,
    FeatureFlagCache,
    FeatureFlagsMetrics,
    FeatureFlagsService,
    FeatureFlagsAdminService,
  ],
  exports: [FeatureFlagsService],
})
export class FeatureFlagsModule {}
