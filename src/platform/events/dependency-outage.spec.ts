import { QueryFailedError } from 'typeorm';

import { isDatabaseOutage } from './dependency-outage';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const queryFailed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe(isDatabaseOutage.name, () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('connect ECONNRESET 127.0.0.1:5432', 'ECONNRESET')],
    ['a connection lost mid-query', queryFailed(new Error('Connection terminated unexpectedly'))],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    ['a server shutting down', queryFailed(withCode('terminating connection due to administrator command', '57P01'))],
    ['a server out of connections', queryFailed(withCode('sorry, too many clients already', '53300'))],
    ['a connection exception (class 08)', queryFailed(withCode('connection failure', '08006'))],
  ])('counts %s as an outage', (_, error) => {
    expect(isDatabaseOutage(error)).toBe(true);
  });

  it.each([
    ['a statement timeout (may be the event itself)', queryFailed(withCode('canceling statement', '57014'))],
    ['a deadlock', queryFailed(withCode('deadlock detected', '40P01'))],
    ['a constraint violation', queryFailed(withCode('duplicate key', '23505'))],
    ['a bug in the handler', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something that is not an error', 'boom'],
  ])('does not count %s', (_, error) => {
    expect(isDatabaseOutage(error)).toBe(false);
  });
});
