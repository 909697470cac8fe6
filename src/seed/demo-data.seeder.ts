import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PinoLogger } from 'nestjs-pino';

import { ResourceAlreadyExistsException } from '../common/errors';
import type { AllConfig } from '../config';
import { TransactionRunner } from '../platform/database';
import { withDetailAtDebug } from '../platform/logging';
import { ProductsService } from '../products/products.service';
import { UsersService } from '../users/users.service';
import { DEMO_ACCOUNTS, DEMO_ADMIN_EMAIL } from './demo-accounts';
import { DEMO_PRODUCTS } from './demo-products';

/** What one seeding run did: how many of each kind it created and how many were already there. */
export interface SeedReport {
  readonly accounts: { readonly created: number; readonly found: number };
  readonly products: { readonly created: number; readonly found: number };
}

/**
 * Idempotent demo data, created through the slices' own services (so every rule applies).
 * Runs on start-up when SEED_DEMO_DATA is on, and from `npm run seed`.
 */
@Injectable()
export class DemoDataSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoDataSeeder.name);
  /** What the start-up run did, for the ready block; undefined when the start seeds nothing. */
  startupReport?: SeedReport;

  constructor(
    private readonly users: UsersService,
    private readonly products: ProductsService,
    private readonly transactions: TransactionRunner,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly pino: PinoLogger,
  ) {}

  /** The ready block states the counts; the per-record lines of the services show at debug. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.getOrThrow('database', { infer: true }).seedDemoData) return;
    const report = await withDetailAtDebug(this.pino, () => this.seed());
    this.startupReport = report;
    this.logger.debug(report, describeSeedReport(report));
  }

  async seed(): Promise<SeedReport> {
    let created = 0;
    for (const account of DEMO_ACCOUNTS) {
      if (await this.createIfMissing(() => this.users.register(account))) created += 1;
    }
    return {
      accounts: { created, found: DEMO_ACCOUNTS.length - created },
      products: await this.seedProducts(),
    };
  }

  /**
   * The demo catalogue, created by the demo admin; a sku that exists is left as it is. One
   * transaction for all of them: one commit instead of ten keeps the zero-setup start quick.
   */
  private async seedProducts(): Promise<SeedReport['products']> {
    const admin = await this.users.findByEmail(DEMO_ADMIN_EMAIL);
    if (!admin) return { created: 0, found: 0 };
    const created = await this.transactions.run(async () => {
      let count = 0;
      for (const product of DEMO_PRODUCTS) {
        if (await this.createIfMissing(() => this.products.create(product, admin.id))) count += 1;
      }
      return count;
    });
    return { created, found: DEMO_PRODUCTS.length - created };
  }

  private async createIfMissing(create: () => Promise<unknown>): Promise<boolean> {
    try {
      await create();
      return true;
    } catch (error) {
      if (error instanceof ResourceAlreadyExistsException) return false;
      throw error;
    }
  }
}

/** "Demo data: 3 accounts, 10 products created" (or "found", or each kind with its own counts). */
export function describeSeedReport(report: SeedReport): string {
  return `Demo data: ${describeSeedCounts(report)}`;
}

/**
 * "3 accounts, 10 products created"; "3 accounts, 10 products found" on a database that had them;
 * "3 accounts found; 10 products (8 created, 2 found)" when the kinds differ.
 */
export function describeSeedCounts({ accounts, products }: SeedReport): string {
  const outcome = ({ created, found }: SeedReport['products']): string =>
    found === 0 ? 'created' : created === 0 ? 'found' : `(${created} created, ${found} found)`;
  const total = ({ created, found }: SeedReport['products']): number => created + found;
  const [ofAccounts, ofProducts] = [outcome(accounts), outcome(products)];
  return ofAccounts === ofProducts && !ofAccounts.startsWith('(')
    ? `${total(accounts)} accounts, ${total(products)} products ${ofAccounts}`
    : `${total(accounts)} accounts ${ofAccounts}; ${total(products)} products ${ofProducts}`;
}
