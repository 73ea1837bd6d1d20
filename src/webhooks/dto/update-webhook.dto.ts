import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class UpdateWebhookDto {
  @ApiProperty({
    description: 'false enables a disabled endpoint again (its waiting deliveries are then sent); true disables it',
    example: false,
  })
  @IsBoolean()
  disabled: boolean;
}
