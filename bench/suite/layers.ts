import { ALL_LAYERS_OFF, LAYERS, startApp } from './apps';
import { READ_CONNECTIONS, type SuiteContext } from './context';
import { interleave, type Summary } from './load';
import type { Server } from './processes';

interface LayerVariant {
  readonly id: string;
  readonly label: string;
  readonly summary: Summary;
  /** Per-request CPU time this variant saves against the full stack, in µs (1/throughput difference). */
  readonly savedUsPerRequest: number;
}

export interface LayerCosts {
  readonly route: string;
  readonly variants: readonly LayerVariant[];
  /** Full stack throughput / throughput with every switchable layer off. */
  readonly fullVsOff: number;
  /** Readiness times of the variant apps (same configuration as production but for one switch). */
  readonly readyMs: readonly number[];
}

/**
 * B4: B1's route on the full stack, with each switchable layer removed in turn, and with all of
 * them off, measured interleaved. What a layer costs is the per-request time it adds:
 * 1/rps(full) - 1/rps(without it).
 */
export async function layerCosts(ctx: SuiteContext): Promise<LayerCosts> {
  const chosen = ctx.options.allLayerVariants ? LAYERS : [];
  const specs = [
    ...chosen.map((layer) => ({ id: `no-${layer.id}`, label: `without ${layer.label}`, removal: layer })),
    { id: 'off', label: 'every switchable layer off', removal: ALL_LAYERS_OFF },
  ];
  const started: Server[] = [];
  try {
    // One at a time: each start is also a readiness measurement on real services.
    for (const spec of specs) started.push(await startApp(`app-${spec.id}`, ctx.scratch, ctx.placement, spec.removal));
    const path = `/api/v1/products/${ctx.fixtures.readProductId}`;
    const servers = [ctx.app, ...started];
    const labels = ['full stack', ...specs.map((spec) => spec.label)];
    const summaries = await interleave(
      servers.map((server, i) => ({ label: labels[i], url: server.baseUrl + path, connections: READ_CONNECTIONS })),
      ctx.layers,
    );
    const fullUs = 1e6 / summaries[0].requestsPerSecond;
    const variants = summaries.map((summary, i) => ({
      id: i === 0 ? 'full' : specs[i - 1].id,
      label: summary.label,
      summary,
      savedUsPerRequest: i === 0 ? 0 : fullUs - 1e6 / summary.requestsPerSecond,
    }));
    return {
      route: 'GET /api/v1/products/:id (cached)',
      variants,
      fullVsOff: summaries[0].requestsPerSecond / summaries[summaries.length - 1].requestsPerSecond,
      readyMs: started.map((server) => server.readyMs),
    };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}
