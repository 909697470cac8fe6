import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

import { trimmed, trimmedLowerCase } from '../../common/validation/transforms';
import { CATEGORY_PATTERN, MAX_PRICE_CENTS } from '../product-limits';

/**
 * PATCH /products/:id. `null` clears an optional field. Stock is not here: it only changes
 * through POST /products/:id/stock (an atomic delta), so a PATCH can never overwrite a
 * concurrent reservation. The sku is immutable: orders refer to it.
 */
export class UpdateProductDto {
  @ApiPropertyOptional({ example: 'Enamel camping mug', maxLength: 200 })
  @ValidateIf((_dto: UpdateProductDto, value: unknown) => value !== undefined)
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  readonly name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '350 ml, dishwasher safe', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'kitchen', maxLength: 64 })
  @IsOptional()
  @Transform(trimmedLowerCase)
  @IsString()
  @Matches(CATEGORY_PATTERN, { message: 'must be 1-64 letters, digits, spaces, "&", "_" or "-"' })
  readonly category?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    example: 1399,
    minimum: 0,
    maximum: MAX_PRICE_CENTS,
    description: 'A change of more than 20% needs `products:admin`',
  })
  @ValidateIf((_dto: UpdateProductDto, value: unknown) => value !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  readonly priceCents?: number;
}
