import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, MaxLength } from 'class-validator';
import { Optional } from '../../http/optional.js';
import { eventTypes, type EventType } from '../../events/event-types.js';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/byline' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: eventTypes, isArray: true, example: ['post.published'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(eventTypes, { each: true })
  events: EventType[];

  @ApiPropertyOptional({ example: 'Rebuild the static site' })
  @Optional()
  @IsString()
  @MaxLength(200)
  description?: string;
}
