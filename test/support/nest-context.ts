import { Test } from '@nestjs/testing';
import { inject } from 'vitest';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig } from '../../src/config/config.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { HttpModule } from '../../src/http/http.module.js';

/** The data layer (and whatever `providers` need) on the run's database, without HTTP. */
export async function dataLayerModule(providers: Parameters<typeof Test.createTestingModule>[0]['providers'] = []) {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: inject('appDatabaseUrl') });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ ...config, databaseUrl: config.databaseUrl! }),
      DatabaseModule,
      HttpModule,
    ],
    providers,
  }).compile();
  await moduleRef.init();
  return moduleRef;
}
