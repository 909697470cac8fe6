import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';

import { PageQueryDto } from '../../common/pagination';
import { OrderStatus } from '../order-status';

/** GET /orders: pagination (sortable by createdAt, totalCents) and an optional status filter. */
export class OrderQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OrderStatus })
  @IsOptional()
  @IsEnum(OrderStatus)
  readonly status?: OrderStatus;
}
