import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

import { trimmed } from '../../common/validation';
import { OrderLineDto } from './order-line.dto';

const MAX_ORDER_LINES = 50;

/**
 * POST /orders. Only products and quantities: prices and totals come from the database, never
 * from the client. Lines for the same product are merged (quantities added, still at most 1000).
 */
export class CreateOrderDto {
  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: MAX_ORDER_LINES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  readonly items: OrderLineDto[];

  @ApiProperty({
    example: 'tok_ok',
    pattern: '^[A-Za-z0-9_]{3,64}$',
    maxLength: 64,
    description: 'Payment method token; the stand-in provider knows tok_ok, tok_declined, tok_flaky, tok_down',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_]{3,64}$/, { message: 'must be a payment method token (3-64 letters, digits or _)' })
  readonly paymentMethod: string;

  @ApiPropertyOptional({ example: 'Leave at the door', maxLength: 500 })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @Length(1, 500)
  readonly notes?: string;
}
