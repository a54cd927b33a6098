/**
 * Each service's migrations on the real PostgreSQL: from an empty schema to the newest version,
 * from every earlier version to the newest, down and up again, and nothing applied twice.
 * Fresh schemas of the test's own, created by the stack's database admin.
 */
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_NAME, databaseUrl, type DatabaseService } from '../../../services/shared/connection.ts';
import { migrate, migrationsDir } from '../../../services/shared/database.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { connection } from '../../support/clients.ts';
import { testDatabaseUrl } from '../../support/database.ts';

const logger = createLogger('migrations-test', 'warn');
const adminUrl = () => {
  const server = new URL(testDatabaseUrl('contact-point'));
  return databaseUrl({ host: server.hostname, port: Number(server.port), database: DATABASE_NAME, ...connection().credentials.database!.admin });
};
const schemas: string[] = [];
const freshSchema = () => {
  const name = `migration_test_${Math.random().toString(36).slice(2, 10)}`;
  schemas.push(name);
  return name;
};

async function tables(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const r = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'migrations' ORDER BY table_name", [schema]);
    return r.rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

const services: DatabaseService[] = ['contact-point', 'adapter', 'gateway'];

describe.each(services)('the migrations of the %s', (service) => {
  const files = readdirSync(migrationsDir(service)).filter((f) => f.endsWith('.sql')).sort();

  it('has versioned SQL files, numbered in order', () => {
    expect(files.length).toBeGreaterThan(0);
    files.forEach((f, i) => expect(f, f).toMatch(new RegExp(`^${String(i + 1).padStart(3, '0')}_[a-z0-9-]+\\.sql$`)));
  });

  it('migrate an empty schema to the newest version, once', async () => {
    const schema = freshSchema();
    expect(await migrate(adminUrl(), service, logger, { schema })).toEqual(files.map((f) => f.replace(/\.sql$/, '')));
    expect((await tables(schema)).length).toBeGreaterThan(1);
    expect(await migrate(adminUrl(), service, logger, { schema })).toEqual([]);
  });

  it('migrate every earlier version to the newest', async () => {
    const reference = freshSchema();
    await migrate(adminUrl(), service, logger, { schema: reference });
    const newest = await tables(reference);
    for (let version = 0; version < files.length; version += 1) {
      const schema = freshSchema();
      await migrate(adminUrl(), service, logger, { schema, count: version });
      expect(await migrate(adminUrl(), service, logger, { schema })).toEqual(files.slice(version).map((f) => f.replace(/\.sql$/, '')));
      expect(await tables(schema)).toEqual(newest);
    }
  });

  it('go down to empty and up again', async () => {
    const schema = freshSchema();
    await migrate(adminUrl(), service, logger, { schema });
    const full = await tables(schema);
    expect(await migrate(adminUrl(), service, logger, { schema, direction: 'down', count: files.length })).toHaveLength(files.length);
    expect(await tables(schema)).toEqual([]);
    await migrate(adminUrl(), service, logger, { schema });
    expect(await tables(schema)).toEqual(full);
  });
});
