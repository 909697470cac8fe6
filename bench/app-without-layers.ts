/**
 * The application as main.ts starts it, but without the request-path layers named in
 * BENCH_LEAVE_OUT (comma-separated: requestLogging, httpMetrics, securityHeaders,
 * responseEnvelope). B4 uses it to price each layer; production never runs it, so the switches
 * are not part of the application's configuration (docs/decisions/0032).
 */
import { OPTIONAL_LAYERS, type OptionalLayer } from '../src/common/http/request-layers';

function leftOutLayers(value: string): Set<OptionalLayer> {
  const names = value.split(',').filter((name) => name !== '');
  const unknown = names.filter((name) => !(OPTIONAL_LAYERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_LEAVE_OUT: unknown layers ${unknown.join(', ')}`);
  return new Set(names as OptionalLayer[]);
}

async function main(): Promise<void> {
  const leftOut = leftOutLayers(process.env.BENCH_LEAVE_OUT ?? '');
  const { loadEnvironmentOrExit } = await import('../src/bootstrap/load-environment.js');
  const { createApp } = await import('../src/bootstrap/create-app.js');
  const { shutDownGracefullyOnSignals } = await import('../src/bootstrap/graceful-shutdown.js');
  const env = loadEnvironmentOrExit();
  const app = await createApp(env, leftOut);
  shutDownGracefullyOnSignals(app);
  await app.listen(env.PORT, env.HOST);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
