import { ApiProperty } from '@nestjs/swagger';

import type { Product } from '../product.entity';

/** A product as clients see it (and as it is cached): plain JSON, timestamps as ISO strings. */
export class ProductResponseDto {
  @ApiProperty({ format: 'uuid', example: '7d2f0c1e-3b4a-4c5d-8e9f-0a1b2c3d4e5f' })
  readonly id: string;

  @ApiProperty({ example: 'MUG-001' })
  readonly sku: string;

  @ApiProperty({ example: 'Enamel camping mug' })
  readonly name: string;

  @ApiProperty({ nullable: true, type: String, example: '350 ml, dishwasher safe' })
  readonly description: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'kitchen' })
  readonly category: string | null;

  @ApiProperty({ example: 1299, description: 'Integer minor units' })
  readonly priceCents: number;

  @ApiProperty({ example: 25 })
  readonly stock: number;

  @ApiProperty({ format: 'uuid', example: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e' })
  readonly createdById: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly createdAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' })
  readonly updatedAt: string;

  static fromEntity(product: Product): ProductResponseDto {
    return {
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      category: product.category,
      priceCents: product.priceCents,
      stock: product.stock,
      createdById: product.createdById,
      createdAt: product.createdAt.toISOString(),
      updatedAt: product.updatedAt.toISOString(),
    };
  }
}
