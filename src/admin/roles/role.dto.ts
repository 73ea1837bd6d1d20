import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../http/optional.js';
import { allPermissions, type Permission } from '../../auth/access/permissions.js';

export class CreateRoleDto {
  @ApiProperty({ example: 'editor' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,39}$/, { message: 'name must be 2 to 40 lower-case letters, digits or dashes' })
  name: string;

  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiProperty({ enum: allPermissions, isArray: true })
  @IsArray()
  @ArrayMaxSize(50)
  @IsIn(allPermissions, { each: true, message: 'each permission must be one Byline knows' })
  permissions: Permission[];
}

export class UpdateRoleDto {
  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({ enum: allPermissions, isArray: true })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsIn(allPermissions, { each: true, message: 'each permission must be one Byline knows' })
  permissions?: Permission[];
}
