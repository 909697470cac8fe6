import { combineStatements } from './transaction-runner';

describe(combineStatements.name, () => {
  it('leaves a single statement as it is', () => {
    const only = { sql: 'INSERT INTO "a"("x") VALUES ($1)', parameters: [1] };

    expect(combineStatements([only])).toBe(only);
  });

  it('makes the others data-modifying CTEs of the last one, each one’s placeholders after the ones before', () => {
    const combined = combineStatements([
      { sql: 'INSERT INTO "a"("x", "y") VALUES ($1, $2), ($3, $4)', parameters: ['x1', 'y1', 'x2', 'y2'] },
      { sql: 'INSERT INTO "b"("z") VALUES ($1)', parameters: ['z'] },
      { sql: 'INSERT INTO "c"("u", "v") VALUES ($2, $1) ON CONFLICT DO NOTHING', parameters: ['v', 'u'] },
    ]);

    expect(combined).toEqual({
      sql:
        'WITH written_0 AS (INSERT INTO "a"("x", "y") VALUES ($1, $2), ($3, $4)), ' +
        'written_1 AS (INSERT INTO "b"("z") VALUES ($5)) ' +
        'INSERT INTO "c"("u", "v") VALUES ($7, $6) ON CONFLICT DO NOTHING',
      parameters: ['x1', 'y1', 'x2', 'y2', 'z', 'v', 'u'],
    });
  });
});
