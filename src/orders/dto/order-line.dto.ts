import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';

export const MAX_QUANTITY_PER_LINE = 1000;

export class OrderLineDto {
  @ApiProperty({ format: 'uuid', example: '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e' })
  @IsUUID('all', { message: 'must be a UUID' })
  readonly productId: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_QUANTITY_PER_LINE, example: 2 })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY_PER_LINE)
  readonly quantity: number;
}
