import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { Optional } from '../../http/optional.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreatePostDto {
  @ApiPropertyOptional({ example: 'Notes from the harbour' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @ApiPropertyOptional({ maxLength: 200_000 })
  @Optional()
  @IsString()
  @MaxLength(200_000)
  body?: string;

  @ApiPropertyOptional({ example: 'notes-from-the-harbour', description: 'Derived from the title when absent.' })
  @Optional()
  @IsString()
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'slug must be lower-case words joined by dashes' })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'A calendar date; defaults to the day of creation.' })
  @Optional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'editorialDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'editorialDate must be a real calendar date' })
  editorialDate?: string;

  @ApiPropertyOptional({ example: '2026-12-01T12:00:00Z', nullable: true, description: 'When it goes live; null is a draft.' })
  @IsOptional() // nullable: null makes it a draft
  @ValidateIf((_object, value) => value !== null)
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d\d:\d\d)$/, { message: 'publishAt must include a time zone' })
  publishAt?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  tagIds?: string[];
}

// Every field may be absent; none but publishAt may be null.
export class UpdatePostDto extends PartialType(CreatePostDto, { skipNullProperties: false }) {}

export class PublishPostDto {
  @ApiPropertyOptional({ example: '2026-12-01T12:00:00Z', description: 'Defaults to now.' })
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d\d:\d\d)$/, { message: 'publishAt must include a time zone' })
  publishAt?: string;
}
