import { MemoryRevocationStore } from './memory-revocation.store';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe(MemoryRevocationStore.name, () => {
  let sut: MemoryRevocationStore;

  beforeEach(async () => {
    sut = new MemoryRevocationStore();
    await sut.seed([]);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('refuses to answer "not revoked" until it was seeded, and holds what the seed brings', async () => {
    const fresh = new MemoryRevocationStore();
    await fresh.revoke(['access:y'], nowSeconds() + 60);

    await expect(fresh.isAnyRevoked(['access:y'])).resolves.toBe(true);
    await expect(fresh.isAnyRevoked(['session:a'])).rejects.toMatchObject({ gap: 'unseeded' });
    await fresh.seed([{ id: 'session:a', expiresAt: nowSeconds() + 60 }]);
    await expect(fresh.isAnyRevoked(['session:a'])).resolves.toBe(true);
    await expect(fresh.isAnyRevoked(['session:b'])).resolves.toBe(false);
  });

  it('reports revoked ids until they expire, then forgets them', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') });
    await sut.revoke(['session:a'], nowSeconds() + 60);

    await expect(sut.isAnyRevoked(['access:x', 'session:a'])).resolves.toBe(true);
    jest.setSystemTime(new Date('2026-11-22T10:01:01Z'));
    await expect(sut.isAnyRevoked(['session:a'])).resolves.toBe(false);
  });

  it('answers false for ids never revoked and for an empty list', async () => {
    await sut.revoke(['session:a'], nowSeconds() + 60);

    await expect(sut.isAnyRevoked(['session:b'])).resolves.toBe(false);
    await expect(sut.isAnyRevoked([])).resolves.toBe(false);
  });

  it('keeps the later expiry when an id is revoked twice', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') });
    await sut.revoke(['session:a'], nowSeconds() + 600);
    await sut.revoke(['session:a'], nowSeconds() + 10);

    jest.setSystemTime(new Date('2026-11-22T10:05:00Z'));

    await expect(sut.isAnyRevoked(['session:a'])).resolves.toBe(true);
  });

  it('sweeps expired entries once it grows, so it stays bounded', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') });
    await sut.revoke(
      Array.from({ length: 1_000 }, (_, i) => `old:${i}`),
      nowSeconds() + 1,
    );
    jest.setSystemTime(new Date('2026-11-22T10:00:05Z'));

    await sut.revoke(['new'], nowSeconds() + 60);

    expect((sut as unknown as { revokedUntil: Map<string, number> }).revokedUntil.size).toBe(1);
  });
});
