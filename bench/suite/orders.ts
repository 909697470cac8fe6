import { setTimeout as sleep } from 'node:timers/promises';

import { startBaseline } from './apps';
import { ORDER_PATH, type PairResult, type SuiteContext } from './context';
import { BARE_SCHEMA, HOT_PRODUCTS, HOT_STOCK, setHotStock, stockLedger } from './fixtures';
import { interleave, run, type Target } from './load';
import { type Server, withPeakRss } from './processes';
import { pair } from './reads';

/** Stock per hot product in the sell-out check: far less than the clients ask for in its run. */
const SELL_OUT_STOCK = 20;
/** Time for the order saga (payment, completion) to settle before the ledgers are read. */
const SETTLE_MS = 3000;

/** Whether one side sold exactly what its stock gave up, in the measured rounds and when stock ran out. */
export interface OversellCheck {
  readonly side: 'app' | 'bare';
  readonly ordersPlaced: number;
  readonly unitsSold: number;
  readonly stockGivenUp: number;
  /** Units sold beyond the stock given up: must be 0. */
  readonly oversold: number;
  /** In the sell-out run: units sold out of the stock offered. */
  readonly sellOut: {
    readonly offered: number;
    readonly sold: number;
    readonly left: number;
    readonly oversold: number;
  };
}

/**
 * B3: 50 signed-in customers placing orders over 10 hot products, the application vs a bare
 * server running the same transaction in raw SQL; then, on both sides, a run with too little
 * stock, after which neither may have sold more than it had. Resolves with the app's peak RSS too.
 */
export async function orderPlacement(ctx: SuiteContext): Promise<[PairResult, OversellCheck[], number]> {
  const bare = await startBaseline('order-placement', ctx.scratch, ctx.placement, { BARE_SCHEMA });
  try {
    const appTarget = orderTarget(ctx, 'app (full stack, 50 customers)', ctx.app, (i) => ({
      authorization: `Bearer ${ctx.tokens[i % ctx.tokens.length]}`,
    }));
    const bareTarget = orderTarget(ctx, 'bare node:http + pg transaction', bare, (i) => ({
      'x-user-id': ctx.fixtures.customers[i % ctx.fixtures.customers.length].id,
    }));
    const ledgers = { app: await ledger(ctx, 'public'), bare: await ledger(ctx, BARE_SCHEMA) };
    const [[app, baseline], peak] = await withPeakRss(ctx.app, () => interleave([appTarget, bareTarget], ctx.pairs));
    await settle();
    const checks = [
      await verify(ctx, 'app', 'public', appTarget, ledgers.app),
      await verify(ctx, 'bare', BARE_SCHEMA, bareTarget, ledgers.bare),
    ];
    const notes = checks.map(
      (check) =>
        `${check.side}: ${check.ordersPlaced} orders, oversold ${check.oversold}; sell-out sold ${check.sellOut.sold} of ${check.sellOut.offered}, oversold ${check.sellOut.oversold}`,
    );
    const result = pair(
      'B3',
      'POST /api/v1/orders, 50 concurrent customers over 10 hot products',
      app,
      baseline,
      0.5,
      notes,
    );
    return [result, checks, peak];
  } finally {
    await bare.stop();
  }
}

/** Each connection is one customer ordering one unit each of two hot products (contention by design). */
export function orderTarget(
  ctx: SuiteContext,
  label: string,
  server: Server,
  identity: (i: number) => Record<string, string>,
): Target {
  const hot = ctx.fixtures.hotProductIds;
  return {
    label,
    url: server.baseUrl + ORDER_PATH,
    method: 'POST',
    connections: ctx.options.orderClients,
    perConnection: (i) => ({
      headers: { 'content-type': 'application/json', ...identity(i) },
      body: JSON.stringify({
        items: [
          { productId: hot[i % HOT_PRODUCTS], quantity: 1 },
          { productId: hot[(i + 3) % HOT_PRODUCTS], quantity: 1 },
        ],
        paymentMethod: 'tok_visa',
      }),
    }),
  };
}

interface Reading {
  readonly stockLeft: number;
  readonly unitsSold: number;
  readonly orders: number;
}

function ledger(ctx: SuiteContext, schema: string): Promise<Reading> {
  return stockLedger(ctx.scratch.databaseUrl, schema, ctx.fixtures.hotProductIds);
}

async function verify(
  ctx: SuiteContext,
  side: 'app' | 'bare',
  schema: string,
  target: Target,
  before: Reading,
): Promise<OversellCheck> {
  const after = await ledger(ctx, schema);
  const unitsSold = after.unitsSold - before.unitsSold;
  const stockGivenUp = before.stockLeft - after.stockLeft;
  await setHotStock(ctx.scratch.databaseUrl, schema, ctx.fixtures.hotProductIds, SELL_OUT_STOCK);
  const offered = SELL_OUT_STOCK * ctx.fixtures.hotProductIds.length;
  await run(target, Math.max(1, ctx.options.seconds / 2));
  await settle();
  const final = await ledger(ctx, schema);
  const sold = final.unitsSold - after.unitsSold;
  await setHotStock(ctx.scratch.databaseUrl, schema, ctx.fixtures.hotProductIds, HOT_STOCK);
  return {
    side,
    ordersPlaced: after.orders - before.orders,
    unitsSold,
    stockGivenUp,
    oversold: unitsSold - stockGivenUp,
    sellOut: { offered, sold, left: final.stockLeft, oversold: sold - (offered - final.stockLeft) },
  };
}

function settle(): Promise<void> {
  return sleep(SETTLE_MS);
}
