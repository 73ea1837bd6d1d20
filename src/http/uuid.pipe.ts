import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { NotFoundProblem } from './problems.js';

/** An id that is not a UUID names nothing: 404, exactly as for an id that does not exist. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly what = 'resource') {}

  transform(value: string): string {
    if (!isUUID(value)) throw new NotFoundProblem(this.what);
    return value;
  }
}
