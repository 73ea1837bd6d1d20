// Read by the Prisma CLI (`prisma generate`, and `prisma migrate deploy` where the native
// engine can be downloaded). Byline itself migrates through src/database/migrations.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/byline' },
});
