import { LocalSnapshot } from './local-snapshot';

const TTL_MS = 1000;

/** A load whose completion the test controls. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe(LocalSnapshot.name, () => {
  let clock: number;
  let source: string;
  let load: jest.Mock<Promise<string>, []>;
  let onLoadFailure: jest.Mock<string, [unknown, string | undefined]>;
  let sut: LocalSnapshot<string>;

  beforeEach(() => {
    clock = 0;
    source = 'v1';
    load = jest.fn(() => Promise.resolve(source));
    onLoadFailure = jest.fn((_error: unknown, previous: string | undefined) => previous ?? 'fallback');
    sut = new LocalSnapshot({ ttlMs: TTL_MS, load, onLoadFailure, now: () => clock });
  });

  it('loads once and serves the value from memory until the TTL ends', async () => {
    await expect(sut.get()).resolves.toBe('v1');
    source = 'v2';
    clock = TTL_MS - 1;

    await expect(sut.get()).resolves.toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);

    clock = TTL_MS;
    await expect(sut.get()).resolves.toBe('v2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent readers', async () => {
    const values = await Promise.all(Array.from({ length: 20 }, () => sut.get()));

    expect(new Set(values)).toEqual(new Set(['v1']));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again at once after invalidate()', async () => {
    await sut.get();
    source = 'v2';

    sut.invalidate();

    await expect(sut.get()).resolves.toBe('v2');
  });

  it('never keeps the result of a load that started before invalidate()', async () => {
    const slow = deferred<string>();
    load.mockReturnValueOnce(slow.promise);
    const early = sut.get();

    sut.invalidate();
    source = 'v2';
    const late = sut.get();
    slow.resolve('v1');

    await expect(early).resolves.toBe('v1');
    await expect(late).resolves.toBe('v2');
    await expect(sut.get()).resolves.toBe('v2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('starts the next load only after a superseded one ended, so it cannot share its old result', async () => {
    const slow = deferred<string>();
    load.mockReturnValueOnce(slow.promise);
    const early = sut.get();
    sut.invalidate();

    const late = sut.get();
    await new Promise((resolve) => setImmediate(resolve));
    expect(load).toHaveBeenCalledTimes(1);

    source = 'v2';
    slow.resolve('v1');
    await expect(early).resolves.toBe('v1');
    await expect(late).resolves.toBe('v2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('serves the last good value when a load fails, and tries again one TTL later', async () => {
    await sut.get();
    clock = TTL_MS;
    load.mockRejectedValueOnce(new Error('database down'));

    await expect(sut.get()).resolves.toBe('v1');
    expect(onLoadFailure).toHaveBeenCalledWith(expect.objectContaining({ message: 'database down' }), 'v1');
    source = 'v2';
    clock = TTL_MS + 1;
    await expect(sut.get()).resolves.toBe('v1');
    expect(load).toHaveBeenCalledTimes(2);

    clock = 2 * TTL_MS;
    await expect(sut.get()).resolves.toBe('v2');
  });

  it('serves the fallback when the very first load fails', async () => {
    load.mockRejectedValueOnce(new Error('database down'));

    await expect(sut.get()).resolves.toBe('fallback');
    expect(onLoadFailure).toHaveBeenCalledWith(expect.any(Error), undefined);
  });

  it('recovers when the failure handler itself throws', async () => {
    load.mockRejectedValueOnce(new Error('database down'));
    onLoadFailure.mockImplementationOnce(() => {
      throw new Error('no fallback');
    });

    await expect(sut.get()).rejects.toThrow('no fallback');
    await expect(sut.get()).resolves.toBe('v1');
  });
});
