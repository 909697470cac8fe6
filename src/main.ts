import { runCommand } from './bootstrap/command-line';
import { loadEnvironmentOrExit } from './bootstrap/load-environment';
import { startTracing } from './platform/tracing/tracing';

async function bootstrap(): Promise<void> {
  const env = loadEnvironmentOrExit();
  // Before the app is loaded: instrumentation patches http, express, pg and Redis clients as they are required.
  await startTracing(env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_SERVICE_NAME);
  const { createApp } = await import('./bootstrap/create-app.js');
  const { Logger } = await import('@nestjs/common');
  const { shutDownGracefullyOnSignals } = await import('./bootstrap/graceful-shutdown.js');
  const { readyMessage } = await import('./bootstrap/ready-message.js');
  const { DemoDataSeeder } = await import('./seed/demo-data.seeder.js');
  const app = await createApp(env);
  shutDownGracefullyOnSignals(app);
  await app.listen(env.PORT, env.HOST);
  new Logger('Bootstrap').log(readyMessage(env, app.get(DemoDataSeeder).startupReport));
}

runCommand('Start', bootstrap);
