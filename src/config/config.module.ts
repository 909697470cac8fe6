import { type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { configNamespaces } from './config.namespaces';
import type { Environment } from './validate-environment';

/**
 * The global ConfigModule for one validated environment. It never reads process.env itself:
 * main.ts (or a test) validates the environment first and hands the result in.
 */
export function configModule(env: Environment): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    validatePredefined: false,
    skipProcessEnv: true,
    cache: true,
    load: configNamespaces(env),
  });
}
