import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditModule } from '../audit/audit.module';
import type { AllConfig } from '../config';
import { ProductsModule } from '../products/products.module';
import { ChargePaymentHandler } from './handlers/charge-payment.handler';
import { SettleOrderHandler } from './handlers/settle-order.handler';
import { IdempotencyStore } from './idempotency.store';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyKeysCleanup } from './idempotency-keys.cleanup';
import { Order } from './order.entity';
import { OrderItem } from './order-item.entity';
import { OrdersController } from './orders.controller';
import { OrdersMetrics } from './orders.metrics';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PaymentMetrics } from './payment/payment.metrics';
import { PaymentService } from './payment/payment.service';
import { PaymentGateway } from './payment/payment-gateway';
import { StandInPaymentGateway } from './payment/stand-in-payment.gateway';
import { StripePaymentGateway } from './payment/stripe-payment.gateway';

/**
 * Orders and the order saga. The payment provider is a port; PAYMENT_PROVIDER picks its adapter:
 * Stripe, or the stand-in (development and tests; refused in production).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderItem, IdempotencyKey]), ProductsModule, AuditModule],
  controllers: [OrdersController],
  providers: [
    OrdersRepository,
    OrdersService,
    OrdersMetrics,
    IdempotencyStore,
    IdempotencyKeysCleanup,
    PaymentService,
    PaymentMetrics,
    {
      provide: PaymentGateway,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>): PaymentGateway =>
        config.getOrThrow('payment', { infer: true }).provider === 'stripe'
          ? new StripePaymentGateway(config)
          : new StandInPaymentGateway(),
    },
    ChargePaymentHandler,
    SettleOrderHandler,
  ],
  exports: [OrdersService],
})
export class OrdersModule {}
