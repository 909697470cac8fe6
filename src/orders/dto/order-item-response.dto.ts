import { ApiProperty } from '@nestjs/swagger';

import type { OrderItem } from '../order-item.entity';

export class OrderItemResponseDto {
  @ApiProperty({ format: 'uuid' })
  readonly productId: string;

  @ApiProperty({ example: 'KB-TKL-01' })
  readonly sku: string;

  @ApiProperty({ example: 'Tenkeyless keyboard' })
  readonly name: string;

  @ApiProperty({ example: 8999, description: 'Price per unit at purchase time, in cents' })
  readonly unitPriceCents: number;

  @ApiProperty({ example: 2 })
  readonly quantity: number;

  @ApiProperty({ example: 17998 })
  readonly lineTotalCents: number;

  static fromEntity(item: OrderItem): OrderItemResponseDto {
    return {
      productId: item.productId,
      sku: item.sku,
      name: item.name,
      unitPriceCents: item.unitPriceCents,
      quantity: item.quantity,
      lineTotalCents: item.lineTotalCents,
    };
  }
}
