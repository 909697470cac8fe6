import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { FeatureFlagsModule } from '../feature-flags/feature-flags.module';
import { PriceChangePolicy } from './price-change.policy';
import { Product } from './product.entity';
import { ProductCache } from './product-cache';
import { ProductsController } from './products.controller';
import { ProductsMetrics } from './products.metrics';
import { ProductsRepository } from './products.repository';
import { ProductsService } from './products.service';

@Module({
  imports: [TypeOrmModule.forFeature([Product]), FeatureFlagsModule],
  controllers: [ProductsController],
  providers: [ProductsRepository, ProductsService, ProductCache, PriceChangePolicy, ProductsMetrics],
  exports: [ProductsService],
})
export class ProductsModule {}
