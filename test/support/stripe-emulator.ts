import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

import Stripe from 'stripe';

import { eventually } from './eventually';

/** Any key of the test-mode shape: the emulator accepts every `sk_test_…` key. */
const SECRET_KEY = 'sk_test_emulatedcommerce';

export interface StripeEmulator {
  /** Settings that point the app's Stripe adapter at this emulator. */
  readonly env: Record<string, string>;
  /** The official SDK pointed at the emulator, to look at what the provider recorded. */
  readonly stripe: Stripe;
  /** Every charge the emulator holds (declined ones included), newest first. */
  charges(): Promise<Stripe.Charge[]>;
  /** Charges whose metadata names `orderId`. */
  chargesFor(orderId: string): Promise<Stripe.Charge[]>;
  close(): Promise<void>;
}

/**
 * Runs `stripe-stateful-mock` (an independent Stripe emulator: charges, refunds, idempotency keys,
 * test tokens) as a child process on a free loopback port, and waits until it answers.
 */
export async function startStripeEmulator(): Promise<StripeEmulator> {
  const port = await freePort();
  const child = spawn(process.execPath, [require.resolve('stripe-stateful-mock/dist/cli.js')], {
    env: { PORT: String(port), LOG_LEVEL: 'warn', PATH: process.env.PATH },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  try {
    await eventually(() => stripe.charges.list({ limit: 1 }).then(() => true), 15_000, 'Stripe emulator ready');
  } catch (error) {
    await stop(child);
    throw error;
  }
  const charges = async () => (await stripe.charges.list()).data;
  return {
    env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_API_URL: url },
    stripe,
    charges,
    chargesFor: async (orderId) => (await charges()).filter((charge) => charge.metadata.order_id === orderId),
    close: () => stop(child),
  };
}

/** A charge that took the money and still holds it. */
export function isKept(charge: Stripe.Charge): boolean {
  return charge.status === 'succeeded' && charge.amount_refunded === 0;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
