import { existsSync } from 'node:fs';

import { ConfigValidationError, type Environment, validateEnvironment } from '../config';

/**
 * Reads `.env` (if present; real environment variables win) and validates everything. A bad
 * value ends the process with exit code 1 and one line naming the variable, before any module
 * is built.
 */
export function loadEnvironmentOrExit(envFile = '.env'): Environment {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  try {
    return validateEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
