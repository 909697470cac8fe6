import { Writable } from 'node:stream';

import { PinoLogger } from 'nestjs-pino';

import { withDetailAtDebug } from './detail-at-debug';

describe(withDetailAtDebug.name, () => {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  // The root logger nestjs-pino keeps for the process, at the default level.
  const pino = new PinoLogger({ pinoHttp: [{ level: 'info' }, destination] });

  beforeEach(() => {
    lines.length = 0;
  });

  it('hides the info lines of the work at the default level, and keeps its warnings', async () => {
    const result = await withDetailAtDebug(pino, async () => {
      pino.info('User registered');
      pino.warn('Something to look at');
      return 42;
    });

    expect(result).toBe(42);
    expect(lines.map((line) => line.msg)).toEqual(['Something to look at']);
  });

  it('leaves the level outside the work as it was', async () => {
    await withDetailAtDebug(pino, async () => pino.info('hidden'));

    pino.info('Ready');

    expect(lines.map((line) => line.msg)).toEqual(['Ready']);
  });
});
