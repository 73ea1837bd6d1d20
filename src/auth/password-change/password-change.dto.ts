import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class PasswordChangeDto {
  @ApiProperty({ maxLength: 1024, example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 12, maxLength: 256, example: 'a longer and better passphrase', description: 'Also refused when too easy to guess.' })
  @IsString()
  newPassword: string;
}
