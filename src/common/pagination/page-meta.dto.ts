import { ApiProperty } from '@nestjs/swagger';

export class OffsetPageMetaDto {
  @ApiProperty({ example: 1 })
  readonly page: number;

  @ApiProperty({ example: 20 })
  readonly pageSize: number;

  @ApiProperty({ example: 57 })
  readonly total: number;

  @ApiProperty({ example: 3 })
  readonly pages: number;

  @ApiProperty({ example: true })
  readonly hasNext: boolean;

  @ApiProperty({ example: false })
  readonly hasPrev: boolean;
}

export class CursorPageMetaDto {
  @ApiProperty({ example: 20 })
  readonly limit: number;

  @ApiProperty({ nullable: true, type: String, example: 'eyJzIjoiY3JlYXRlZEF0OmRlc2MiLCJ2IjpbXX0.c2ln' })
  readonly nextCursor: string | null;

  @ApiProperty({ example: true })
  readonly hasNext: boolean;
}

export type PageMeta = OffsetPageMetaDto | CursorPageMetaDto;
