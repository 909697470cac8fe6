import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';

import { trimmed, trimmedLowerCase } from '../../common/validation/transforms';
import { CATEGORY_PATTERN, MAX_PRICE_CENTS, MAX_STOCK, SKU_PATTERN } from '../product-limits';

const trimmedUpperCase = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

/** POST /products. Money in integer cents; the sku is stored upper-cased and must be unique. */
export class CreateProductDto {
  @ApiProperty({ example: 'MUG-001', maxLength: 64, description: 'Letters, digits, `.`, `_`, `-`; stored upper-cased' })
  @Transform(trimmedUpperCase)
  @IsString()
  @Matches(SKU_PATTERN, { message: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  readonly sku: string;

  @ApiProperty({ example: 'Enamel camping mug', maxLength: 200 })
  @Transform(trimmed)
  @IsString()
  @Length(1, 200)
  readonly name: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '350 ml, dishwasher safe', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly description?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'kitchen',
    maxLength: 64,
    description: 'Stored lower-cased',
  })
  @IsOptional()
  @Transform(trimmedLowerCase)
  @IsString()
  @Matches(CATEGORY_PATTERN, { message: 'must be 1-64 letters, digits, spaces, "&", "_" or "-"' })
  readonly category?: string | null;

  @ApiProperty({
    type: 'integer',
    example: 1299,
    minimum: 0,
    maximum: MAX_PRICE_CENTS,
    description: 'Integer minor units',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  readonly priceCents: number;

  @ApiProperty({ type: 'integer', example: 25, minimum: 0, maximum: MAX_STOCK })
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  readonly stock: number;
}
