import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RolesController } from './roles/roles.controller.js';
import { RolesRepository } from './roles/roles.repository.js';
import { RoleEscalation } from './roles/role-escalation.js';
import { RolesService } from './roles/roles.service.js';
import { AdminUsersController } from './users/admin-users.controller.js';
import { AdminUsersRepository } from './users/admin-users.repository.js';

@Module({
  imports: [AuthModule],
  controllers: [RolesController, AdminUsersController],
  providers: [RolesService, RoleEscalation, RolesRepository, AdminUsersRepository],
  exports: [RolesService],
})
export class AdminModule {}
