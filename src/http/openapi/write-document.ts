// Writes the OpenAPI document that /docs/openapi.json serves, without a server or a
// database: the app is built (never initialised or listening) on a placeholder address
// that nothing connects to. `npm run openapi` and `npm run client` start here.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createApp } from '../../bootstrap.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../request-logging.js';
import { buildOpenApiDocument } from './document.js';

const target = path.resolve(process.argv[2] ?? 'reports/openapi.json');
const config = loadConfig({
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  JOBS_ENABLED: 'false',
  DATABASE_URL: 'postgresql://openapi@127.0.0.1:1/openapi',
});
const app = await createApp({ ...config, databaseUrl: config.databaseUrl! }, createLogger('silent'));
const document = buildOpenApiDocument(app);
await mkdir(path.dirname(target), { recursive: true });
await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
console.log(`OpenAPI document: ${path.relative(process.cwd(), target)} (${Object.keys(document.paths).length} paths)`);
// The app was never started, so nothing holds the process but idle pools; end it.
process.exit(0);
