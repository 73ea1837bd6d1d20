import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { normalizeEmail } from '../users/email.js';

const normalizedEmail = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? normalizeEmail(value) : value;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SignupDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(normalizedEmail)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  password: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName: string;

  @ApiProperty({ example: 'ada', description: 'Lower-case letters, digits and dashes; 3 to 32.' })
  @IsString()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{1,30})[a-z0-9]$/, {
    message: 'handle must be 3 to 32 lower-case letters, digits or dashes',
  })
  handle: string;
}
