import { defineConfig } from 'drizzle-kit';

/*
 * One schema source (server/db/schema), two dialects: the schema's vocabulary builds the tables for the dialect
 * that TONGKE_DATABASE_URL names, so `npm run db:generate` runs drizzle-kit once per dialect (generate needs
 * no server, only the URL's scheme) and each dialect keeps its own committed migrations.
 */
const postgres = /^postgres(ql)?:\/\//i.test(process.env.TONGKE_DATABASE_URL ?? '');

export default defineConfig({
  dialect: postgres ? 'postgresql' : 'sqlite',
  schema: './server/db/schema/index.ts',
  out: postgres ? './server/db/migrations/postgresql' : './server/db/migrations/sqlite',
});
