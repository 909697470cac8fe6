import { existsSync } from 'node:fs';

import { DataSource } from 'typeorm';

import { validateEnvironment } from '../../config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * The data source of the TypeORM CLI (`npm run migration:*`), compiled to dist/ first. It needs
 * a real server: set DATABASE_URL (e.g. `docker compose up -d postgres`).
 */
if (existsSync('.env')) process.loadEnvFile('.env');
const env = validateEnvironment(process.env);
if (!env.DATABASE_URL) {
  throw new Error('The migration CLI needs DATABASE_URL (the embedded database lives inside the app process)');
}

export default new DataSource({
  type: 'postgres',
  url: env.DATABASE_URL,
  namingStrategy: new SnakeNamingStrategy(),
  entities: ['dist/**/*.entity.js'],
  migrations: ['dist/migrations/*.js'],
  installExtensions: false,
});
