import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/**
 * Query parameters every list endpoint accepts; resource query DTOs extend it with filters.
 * Offset mode (`page`, `pageSize`) and cursor mode (`limit`, `cursor`) are exclusive.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 1, description: 'Offset mode: page number' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  readonly page?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    example: DEFAULT_PAGE_SIZE,
    description: 'Offset mode: items per page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  readonly pageSize?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    example: 20,
    description: 'Cursor mode: items per page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  readonly limit?: number;

  @ApiPropertyOptional({ maxLength: 1024, description: 'Cursor mode: `meta.nextCursor` of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  readonly cursor?: string;

  @ApiPropertyOptional({
    example: 'createdAt:desc',
    maxLength: 200,
    description: 'Comma-separated `field:asc|desc` over the resource’s sortable fields',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z][A-Za-z0-9]*(:(asc|desc))?(,[A-Za-z][A-Za-z0-9]*(:(asc|desc))?)*$/, {
    message: 'must look like field:asc,other:desc',
  })
  readonly sort?: string;
}
