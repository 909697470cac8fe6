import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';

import { PageQueryDto } from '../../common/pagination';
import { trimmed, trimmedLowerCase } from '../../common/validation/transforms';
import { MAX_PRICE_CENTS } from '../product-limits';

/** `?q=` from a cleared search box means no filter, not an invalid one. */
const blankAsAbsent =
  (normalize: (params: { value: unknown }) => unknown) =>
  (params: { value: unknown }): unknown => {
    const value = normalize(params);
    return value === '' ? undefined : value;
  };

/** GET /products: pagination and sort (`name`, `priceCents`, `createdAt`) plus the catalogue filters. */
export class ProductQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'mug', maxLength: 100, description: 'Case-insensitive substring of name or sku' })
  @IsOptional()
  @Transform(blankAsAbsent(trimmed))
  @IsString()
  @Length(1, 100)
  readonly q?: string;

  @ApiPropertyOptional({ example: 'kitchen', maxLength: 64, description: 'Exact category (case-insensitive)' })
  @IsOptional()
  @Transform(blankAsAbsent(trimmedLowerCase))
  @IsString()
  @MaxLength(64)
  readonly category?: string;

  @ApiPropertyOptional({ type: 'integer', example: 500, minimum: 0, maximum: MAX_PRICE_CENTS })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  readonly minPriceCents?: number;

  @ApiPropertyOptional({ type: 'integer', example: 5000, minimum: 0, maximum: MAX_PRICE_CENTS })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  readonly maxPriceCents?: number;
}
