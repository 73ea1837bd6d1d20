import { ValidateIf } from 'class-validator';

/**
 * "May be absent", not "may be null": class-validator's IsOptional skips null too, which let
 * `{"title": null}` through to NOT NULL columns. A null here is validated like any value (and
 * refused); keep IsOptional for the fields the contract makes nullable.
 */
export const Optional = () => ValidateIf((_object, value) => value !== undefined);
