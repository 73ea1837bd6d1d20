import { Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import { TenantDatabase } from './tenant/tenant-database.service.js';
import { MigrationStatus } from './migration-status.js';

@Global()
@Module({
  providers: [DatabaseService, MigrationStatus, TenantDatabase],
  exports: [DatabaseService, MigrationStatus, TenantDatabase],
})
export class DatabaseModule {}
