import { describeSeedCounts, describeSeedReport } from './demo-data.seeder';

describe(describeSeedCounts.name, () => {
  it.each([
    [{ created: 3, found: 0 }, { created: 10, found: 0 }, '3 accounts, 10 products created'],
    [{ created: 0, found: 3 }, { created: 0, found: 10 }, '3 accounts, 10 products found'],
    [{ created: 0, found: 3 }, { created: 8, found: 2 }, '3 accounts found; 10 products (8 created, 2 found)'],
    [
      { created: 1, found: 2 },
      { created: 1, found: 2 },
      '3 accounts (1 created, 2 found); 3 products (1 created, 2 found)',
    ],
  ])('says what a run did: %j accounts, %j products', (accounts, products, expected) => {
    expect(describeSeedCounts({ accounts, products })).toBe(expected);
  });

  it('heads the line `npm run seed` prints', () => {
    const report = { accounts: { created: 0, found: 3 }, products: { created: 0, found: 10 } };

    expect(describeSeedReport(report)).toBe('Demo data: 3 accounts, 10 products found');
  });
});
