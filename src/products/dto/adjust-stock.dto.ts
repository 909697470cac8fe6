import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, NotEquals } from 'class-validator';

import { MAX_STOCK_DELTA } from '../product-limits';

/** POST /products/:id/stock: a relative change, applied atomically; stock never goes below 0. */
export class AdjustStockDto {
  @ApiProperty({
    type: 'integer',
    example: -2,
    minimum: -MAX_STOCK_DELTA,
    maximum: MAX_STOCK_DELTA,
    description: 'Non-zero integer',
  })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_STOCK_DELTA)
  @Max(MAX_STOCK_DELTA)
  readonly delta: number;
}
