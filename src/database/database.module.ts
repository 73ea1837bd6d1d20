import { Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import { MigrationStatus } from './migration-status.js';

@Global()
@Module({
  providers: [DatabaseService, MigrationStatus],
  exports: [DatabaseService, MigrationStatus],
})
export class DatabaseModule {}
