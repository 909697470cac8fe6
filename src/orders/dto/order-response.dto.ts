import { ApiProperty } from '@nestjs/swagger';

import type { Order } from '../order.entity';
import { OrderStatus } from '../order-status';
import { OrderItemResponseDto } from './order-item-response.dto';

export class OrderResponseDto {
  @ApiProperty({ format: 'uuid' })
  readonly id: string;

  @ApiProperty({ format: 'uuid' })
  readonly userId: string;

  @ApiProperty({ enum: OrderStatus, example: OrderStatus.Pending })
  readonly status: OrderStatus;

  @ApiProperty({ example: 17998 })
  readonly totalCents: number;

  @ApiProperty({ example: 'tok_ok' })
  readonly paymentMethod: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  readonly notes: string | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why payment failed, when it did' })
  readonly failureReason: string | null;

  @ApiProperty({ type: [OrderItemResponseDto] })
  readonly items: OrderItemResponseDto[];

  @ApiProperty({ format: 'date-time' })
  readonly createdAt: string;

  @ApiProperty({ format: 'date-time' })
  readonly updatedAt: string;

  static fromEntity(order: Order): OrderResponseDto {
    return {
      id: order.id,
      userId: order.userId,
      status: order.status,
      totalCents: order.totalCents,
      paymentMethod: order.paymentMethod,
      notes: order.notes,
      failureReason: order.failureReason,
      items: (order.items ?? []).map((item) => OrderItemResponseDto.fromEntity(item)),
      createdAt: order.createdAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
    };
  }
}
