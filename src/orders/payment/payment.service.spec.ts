import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';

import type { PaymentConfig } from '../../config';
import { ReadinessContributors } from '../../platform/health/readiness-contributors';
import { MetricsRegistry } from '../../platform/metrics/metrics-registry';
import { PaymentMetrics } from './payment.metrics';
import { PaymentService } from './payment.service';
import { PaymentGateway } from './payment-gateway';
import { StandInPaymentGateway } from './stand-in-payment.gateway';

const PAYMENT: PaymentConfig = {
  provider: 'stand-in',
  currency: 'usd',
  timeoutMs: 50,
  retries: 2,
  retryBaseMs: 5,
  breakerThreshold: 3,
  breakerHalfOpenMs: 200,
};

let sequence = 0;
const charge = (paymentMethod: string) => ({
  orderId: `order-${++sequence}`,
  amountCents: 1999,
  paymentMethod,
  idempotencyKey: `order-${sequence}`,
});

describe(PaymentService.name, () => {
  let sut: PaymentService;
  let registry: MetricsRegistry;
  let readiness: ReadinessContributors;
  let gatewayCharge: jest.SpyInstance;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        PaymentService,
        PaymentMetrics,
        MetricsRegistry,
        ReadinessContributors,
        HealthIndicatorService,
        { provide: PaymentGateway, useClass: StandInPaymentGateway },
        { provide: ConfigService, useValue: { getOrThrow: () => PAYMENT } },
      ],
    }).compile();
    await moduleRef.init();
    sut = moduleRef.get(PaymentService);
    // A spy, not a stand-in: the real gateway still answers; the spy only counts the attempts.
    gatewayCharge = jest.spyOn(moduleRef.get(PaymentGateway), 'charge');
    registry = moduleRef.get(MetricsRegistry);
    readiness = moduleRef.get(ReadinessContributors);
  });

  const outcomes = async (outcome: string) => {
    const metric = registry.registry.getSingleMetric('payment_charges_total');
    const values = (await metric?.get())?.values ?? [];
    return values.find((sample) => sample.labels.outcome === outcome)?.value ?? 0;
  };

  it('settles a good card', async () => {
    await expect(sut.charge(charge('tok_ok'))).resolves.toEqual({
      status: 'succeeded',
      paymentId: expect.stringMatching(/^pay_/),
    });
  });

  it('reports a decline without retrying it', async () => {
    await expect(sut.charge(charge('tok_declined'))).resolves.toEqual({ status: 'declined', reason: 'card_declined' });
    expect(gatewayCharge).toHaveBeenCalledTimes(1);
    expect(sut.circuitState).toBe('Closed');
  });

  it('never opens the circuit for declines or unknown payment methods, however many in a row', async () => {
    for (let i = 0; i < PAYMENT.breakerThreshold * 3; i += 1) {
      await sut.charge(charge(i % 2 === 0 ? 'tok_declined' : 'tok_made_up'));
    }

    expect(sut.circuitState).toBe('Closed');
    await expect(sut.charge(charge('tok_ok'))).resolves.toEqual(expect.objectContaining({ status: 'succeeded' }));
  });

  it('retries transient failures until the flaky provider succeeds', async () => {
    await expect(sut.charge(charge('tok_flaky'))).resolves.toEqual({
      status: 'succeeded',
      paymentId: expect.any(String),
    });
  });

  it('gives up on a provider that never answers, after the timeout of each attempt', async () => {
    const started = Date.now();

    await expect(sut.charge(charge('tok_down'))).resolves.toEqual({ status: 'unavailable', reason: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(PAYMENT.timeoutMs * (PAYMENT.retries + 1));
  });

  it('opens the circuit after consecutive failures, fails fast while open, and closes after a good trial', async () => {
    await sut.charge(charge('tok_down'));
    expect(sut.circuitState).toBe('Open');

    gatewayCharge.mockClear();
    await expect(sut.charge(charge('tok_ok'))).resolves.toEqual({ status: 'unavailable', reason: 'circuit_open' });
    expect(gatewayCharge).not.toHaveBeenCalled();
    expect(await outcomes('circuit_open')).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, PAYMENT.breakerHalfOpenMs + 20));
    await expect(sut.charge(charge('tok_ok'))).resolves.toEqual(expect.objectContaining({ status: 'succeeded' }));
    expect(sut.circuitState).toBe('Closed');
  });

  it('reports the circuit in readiness, degraded while open', async () => {
    const [contributor] = readiness.all();
    await expect(contributor()).resolves.toEqual({ payment: { status: 'up', circuit: 'Closed' } });

    await sut.charge(charge('tok_down'));

    await expect(contributor()).resolves.toEqual({ payment: { status: 'degraded', circuit: 'Open' } });
  });

  it('exports the circuit state as a gauge', async () => {
    await sut.charge(charge('tok_down'));

    const gauge = await registry.registry.getSingleMetric('circuit_breaker_state')?.get();
    expect(gauge?.values).toEqual([expect.objectContaining({ labels: { circuit: 'payment' }, value: 2 })]);
  });
});
