import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { CurrentUser, RequirePermissions } from '../common/decorators';
import { ErrorCode, ValidationException } from '../common/errors';
import { ApiEnvelope, ApiErrors, Paginated } from '../common/http';
import { CursorPageMetaDto, OffsetPageMetaDto, type PageMeta } from '../common/pagination';
import { UuidParamPipe } from '../common/validation';
import { CreateOrderDto } from './dto/create-order.dto';
import { OrderQueryDto } from './dto/order-query.dto';
import { OrderResponseDto } from './dto/order-response.dto';
import { OrdersService } from './orders.service';

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

@ApiTags('orders')
@ApiBearerAuth()
@ApiSecurity('api-key')
@ApiErrors(ErrorCode.AuthenticationError)
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @RequirePermissions(Permission.OrdersCreate)
  @ApiOperation({
    summary: 'Place an order (prices from the catalogue; stock reserved atomically; payment follows asynchronously)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key and body return the first response',
  })
  @ApiEnvelope(OrderResponseDto, { status: HttpStatus.CREATED })
  @ApiErrors(
    ErrorCode.ValidationError,
    ErrorCode.ResourceNotFound,
    ErrorCode.InsufficientStock,
    ErrorCode.BusinessRuleViolation,
    ErrorCode.PermissionDenied,
  )
  async place(
    @CurrentUser() principal: Principal,
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OrderResponseDto> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw ValidationException.forField(
        ['header', 'Idempotency-Key'],
        'must be 1-255 visible ASCII characters',
        'invalid.idempotencyKey',
      );
    }
    const placed = await this.orders.place(principal, body, idempotencyKey);
    if (placed.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return placed.order;
  }

  @Get()
  @RequirePermissions(Permission.OrdersRead)
  @ApiOperation({
    summary: 'The caller’s orders (everyone’s with orders:read_all); filter by status; sort by createdAt or totalCents',
  })
  @ApiEnvelope(OrderResponseDto, { metaModel: [OffsetPageMetaDto, CursorPageMetaDto] })
  @ApiErrors(ErrorCode.ValidationError)
  async list(
    @CurrentUser() principal: Principal,
    @Query() query: OrderQueryDto,
  ): Promise<Paginated<OrderResponseDto, PageMeta>> {
    const page = await this.orders.list(query, principal);
    return new Paginated(page.items, page.meta);
  }

  @Get(':id')
  @RequirePermissions(Permission.OrdersRead)
  @ApiOperation({ summary: 'One order (its owner, or orders:read_all; anyone else gets 404)' })
  @ApiEnvelope(OrderResponseDto)
  @ApiErrors(ErrorCode.ValidationError, ErrorCode.ResourceNotFound)
  get(@CurrentUser() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<OrderResponseDto> {
    return this.orders.getForPrincipal(id, principal);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @RequirePermissions(Permission.OrdersRead)
  @ApiOperation({
    summary: 'Cancel a pending or payment-failed order (owner or orders:manage); gives its stock back once',
  })
  @ApiEnvelope(OrderResponseDto)
  @ApiErrors(ErrorCode.ValidationError, ErrorCode.ResourceNotFound, ErrorCode.InvalidState)
  cancel(@CurrentUser() principal: Principal, @Param('id', UuidParamPipe) id: string): Promise<OrderResponseDto> {
    return this.orders.cancel(id, principal);
  }
}
