// What a route accepts, read from the validation metadata (class-validator decorators of
// the DTOs its handler binds with @Query and @Body), not from the OpenAPI document: a
// parameter the validator accepts is reachable whether or not the document lists it.
import type { INestApplication, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import type { RouteEntry } from '../auth/access/route-inventory.js';

export interface FieldSpec {
  name: string;
  /** class-validator constraint names on the field: isString, isUuid, isIn, isArray… */
  rules: string[];
  /** Values of an @IsIn, if any. */
  allowed?: string[];
  /** Validated element by element (`{ each: true }`), i.e. an array field. */
  each: boolean;
  optional: boolean;
}

export interface RouteInputs {
  query: FieldSpec[];
  body: FieldSpec[];
}

// @nestjs/swagger's @ApiBody metadata: a handler whose body a guard validates documents it so.
const SWAGGER_API_PARAMETERS = 'swagger/apiParameters';

function fieldsOf(dto: Type | undefined): FieldSpec[] {
  if (!dto || dto === Object || dto === String) return [];
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byName = new Map<string, FieldSpec>();
  for (const m of metadata) {
    const field = byName.get(m.propertyName) ?? { name: m.propertyName, rules: [], each: false, optional: false };
    byName.set(m.propertyName, field);
    if (m.type === 'conditionalValidation') field.optional = true;
    const rule = m.name ?? m.type;
    field.rules.push(rule);
    if (m.each) field.each = true;
    if (rule === 'isArray') field.each = true;
    if (rule === 'isIn') field.allowed = (m.constraints[0] as unknown[]).map(String);
  }
  return [...byName.values()];
}

/** Controller name + handler name → the DTO classes its @Query and @Body bind. */
export function routeInputs(app: INestApplication): (route: RouteEntry) => RouteInputs {
  const index = new Map<string, RouteInputs>();
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const { metatype, instance } = wrapper;
    if (!metatype || !instance) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const handler of Object.getOwnPropertyNames(prototype)) {
      const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, handler) as
        | Record<string, { index: number; data?: unknown }>
        | undefined;
      const types = (Reflect.getMetadata('design:paramtypes', prototype, handler) ?? []) as Type[];
      const inputs: RouteInputs = { query: [], body: [] };
      for (const [key, arg] of Object.entries(args ?? {})) {
        const kind = Number(key.split(':')[0]);
        // @Query('name') binds one parameter: a string field of that name.
        if (kind === RouteParamtypes.QUERY) {
          inputs.query.push(
            ...(arg.data ? [{ name: String(arg.data as string), rules: ['isString'], each: false, optional: true }] : fieldsOf(types[arg.index])),
          );
        }
        if (kind === RouteParamtypes.BODY && !arg.data) inputs.body.push(...fieldsOf(types[arg.index]));
      }
      const documented = (Reflect.getMetadata(SWAGGER_API_PARAMETERS, prototype[handler as keyof typeof prototype]) ??
        []) as Array<{ in?: string; type?: Type }>;
      if (!inputs.body.length) inputs.body.push(...fieldsOf(documented.find((p) => p.in === 'body')?.type));
      index.set(`${metatype.name}.${handler}`, inputs);
    }
  }
  return (route) => index.get(`${route.controller}.${route.handler}`) ?? { query: [], body: [] };
}
