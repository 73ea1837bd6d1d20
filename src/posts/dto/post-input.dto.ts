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

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreatePostDto {
  @ApiPropertyOptional({ example: 'Notes from the harbour' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @ApiPropertyOptional({ maxLength: 200_000 })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  body?: string;

  @ApiPropertyOptional({ example: 'notes-from-the-harbour', description: 'Derived from the title when absent.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'slug must be lower-case words joined by dashes' })
  @MaxLength(120)
  slug?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'A calendar date; defaults to the day of creation.' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'editorialDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'editorialDate must be a real calendar date' })
  editorialDate?: string;

  @ApiPropertyOptional({ example: '2026-12-01T12:00:00Z', nullable: true, description: 'When it goes live; null is a draft.' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d\d:\d\d)$/, { message: 'publishAt must include a time zone' })
  publishAt?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  tagIds?: string[];
}

export class UpdatePostDto extends PartialType(CreatePostDto) {}

export class PublishPostDto {
  @ApiPropertyOptional({ example: '2026-12-01T12:00:00Z', description: 'Defaults to now.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d\d:\d\d)$/, { message: 'publishAt must include a time zone' })
  publishAt?: string;
}
