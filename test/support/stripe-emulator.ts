import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

import Stripe from 'stripe';

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
 * test tokens) as a child process on a free loopback port, once it listens.
 */
export async function startStripeEmulator(): Promise<StripeEmulator> {
  // The package's own CLI listens on every interface; this binds the same app to loopback only.
  const script = `const app = require(${JSON.stringify(require.resolve('stripe-stateful-mock'))}).createExpressApp();
    const server = app.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await portOf(child).catch(async (error: unknown) => {
    await stop(child);
    throw error;
  });
  const url = `http://127.0.0.1:${port}`;
  const stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  // Every page, as against the real API (which returns 10 a page by default).
  const charges = async () => stripe.charges.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
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

/** The port the child prints once it listens. */
async function portOf(child: ChildProcess): Promise<number> {
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`Stripe emulator exited with ${String(code)} before listening`);
  });
  const stdout = child.stdout;
  if (!stdout) throw new Error('no stdout from the Stripe emulator');
  const [line] = (await Promise.race([once(stdout, 'data'), exited])) as [Buffer];
  return Number(line.toString().trim());
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
