import { Module } from '@nestjs/common';

import { ProductsModule } from '../products/products.module';
import { UsersModule } from '../users/users.module';
import { DemoDataSeeder } from './demo-data.seeder';

@Module({
  imports: [UsersModule, ProductsModule],
  providers: [DemoDataSeeder],
  exports: [DemoDataSeeder],
})
export class SeedModule {}
