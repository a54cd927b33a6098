/** The test stack's PostgreSQL, as each service's own role sees it (its schema, migrated). */
import type { DatabaseService } from '../../services/shared/connection.ts';
import { Database } from '../../services/shared/database.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { connection } from './clients.ts';

export function testDatabaseUrl(service: DatabaseService): string {
  const url = connection().databases?.[service];
  if (!url) throw new Error(`the test stack has no database for the ${service}`);
  return url;
}

export const openTestDatabase = (service: DatabaseService): Promise<Database> =>
  Database.open({ url: testDatabaseUrl(service), service, logger: createLogger(`${service}-test`, 'warn') });
