import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { CurrentUser, OptionalUser, Public, RequireAnyPermission, RequirePermissions } from '../common/decorators';
import { ErrorCode } from '../common/errors';
import { ApiEnvelope, ApiErrors, ConditionalGet, Paginated, type SerializedJson } from '../common/http';
import { CursorPageMetaDto, OffsetPageMetaDto, type PageMeta } from '../common/pagination';
import { UuidParamPipe } from '../common/validation';
import { AdjustStockDto } from './dto/adjust-stock.dto';
import { CreateProductDto } from './dto/create-product.dto';
import { ProductQueryDto } from './dto/product-query.dto';
import { ProductResponseDto } from './dto/product-response.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { ProductsService } from './products.service';

/**
 * Clients revalidate on every use (`max-age=0, must-revalidate`): a revalidation costs a 304
 * served from the cache, and no browser or CDN keeps showing a price after it changed. `public`
 * because the representation is the same for every caller. See docs/decisions/0009.
 */
const PRODUCT_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

@ApiTags('products')
@ApiErrors(ErrorCode.ValidationError)
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'List active products (offset or cursor pagination, filters, sort)' })
  @ApiEnvelope(ProductResponseDto, { metaModel: [OffsetPageMetaDto, CursorPageMetaDto] })
  async list(
    @Query() query: ProductQueryDto,
    @OptionalUser() principal: Principal | undefined,
  ): Promise<Paginated<ProductResponseDto, PageMeta>> {
    const page = await this.products.list(query, principal?.userId);
    return new Paginated(page.items, page.meta);
  }

  @Public()
  @Get(':id')
  @ConditionalGet({ cacheControl: PRODUCT_CACHE_CONTROL })
  @ApiOperation({ summary: 'One product, with ETag (If-None-Match answers 304)' })
  @ApiEnvelope(ProductResponseDto)
  @ApiErrors(ErrorCode.ResourceNotFound)
  detail(@Param('id', UuidParamPipe) id: string): Promise<SerializedJson<ProductResponseDto>> {
    return this.products.getById(id);
  }

  @Post()
  @ApiBearerAuth()
  @RequirePermissions(Permission.ProductsCreate)
  @ApiOperation({ summary: 'Create a product' })
  @ApiEnvelope(ProductResponseDto, { status: HttpStatus.CREATED })
  @ApiErrors(ErrorCode.AuthenticationError, ErrorCode.PermissionDenied, ErrorCode.ResourceAlreadyExists)
  create(@Body() body: CreateProductDto, @CurrentUser() principal: Principal): Promise<ProductResponseDto> {
    return this.products.create(body, principal.userId);
  }

  @Patch(':id')
  @ApiBearerAuth()
  @RequireAnyPermission(Permission.ProductsUpdate, Permission.ProductsAdmin)
  @ApiOperation({
    summary: 'Edit a product (its creator with products:update, or products:admin; >20% price change needs admin)',
  })
  @ApiEnvelope(ProductResponseDto)
  @ApiErrors(ErrorCode.AuthenticationError, ErrorCode.PermissionDenied, ErrorCode.ResourceNotFound)
  update(
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateProductDto,
    @CurrentUser() principal: Principal,
  ): Promise<ProductResponseDto> {
    return this.products.update(id, body, principal);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @RequirePermissions(Permission.ProductsDelete)
  @ApiOperation({ summary: 'Soft-delete a product (hidden from lists, details and new orders)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(ErrorCode.AuthenticationError, ErrorCode.PermissionDenied, ErrorCode.ResourceNotFound)
  remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.products.remove(id);
  }

  @Post(':id/stock')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @RequirePermissions(Permission.ProductsUpdate)
  @ApiOperation({ summary: 'Add to or take from the stock atomically; it never goes below 0' })
  @ApiEnvelope(ProductResponseDto)
  @ApiErrors(
    ErrorCode.AuthenticationError,
    ErrorCode.PermissionDenied,
    ErrorCode.ResourceNotFound,
    ErrorCode.InsufficientStock,
    ErrorCode.BusinessRuleViolation,
  )
  adjustStock(@Param('id', UuidParamPipe) id: string, @Body() body: AdjustStockDto): Promise<ProductResponseDto> {
    return this.products.adjustStock(id, body.delta);
  }
}
