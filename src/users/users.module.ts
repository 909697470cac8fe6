import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditModule } from '../audit/audit.module';
import { User } from './user.entity';
import { UsersController } from './users.controller';
import { UsersMetrics } from './users.metrics';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { UsersAdminService } from './users-admin.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), AuditModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, UsersAdminService, UsersMetrics],
  exports: [UsersService],
})
export class UsersModule {}
