import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new numbered migration into db/migrations from src/db/schema.ts.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './db/migrations',
});
