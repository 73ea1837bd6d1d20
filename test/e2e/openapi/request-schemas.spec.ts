import { getMetadataStorage, type ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import type { OpenAPIObject, OperationObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { inject } from 'vitest';
// The application module imports every controller, and so registers every DTO's rules.
import '../../../src/app.module.js';
import { AuditLogQuery } from '../../../src/audit/audit-log.controller.js';
import { UpdatePostDto } from '../../../src/posts/dto/post-input.dto.js';
import { PostListQuery } from '../../../src/posts/dto/post-list.query.js';
import { PageQuery } from '../../../src/http/pagination.dto.js';
import { maxPasswordLength, minPasswordLength } from '../../../src/auth/passwords/password-policy.js';

const document = inject('openapiDocument') as OpenAPIObject;
type Rule = ValidationMetadata & { type: (typeof ValidationTypes)[keyof typeof ValidationTypes] };

// New passwords are measured by the password policy (a 400 too), not by a decorator.
const policy = { minLength: minPasswordLength, maxLength: maxPasswordLength };
const enforcedElsewhere: Record<string, { minLength: number; maxLength: number }> = {
  'SignupDto.password': policy,
  'PasswordChangeDto.newPassword': policy,
};

/** Every class class-validator knows, by name (its storage keeps them in a private map). */
function validatedClasses(): Map<string, Function> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, unknown> };
  const classes = new Map([...storage.validationMetadatas.keys()].map((target) => [target.name, target]));
  // Mapped types (PartialType) keep their rules on a generated parent class.
  for (const derived of [UpdatePostDto]) classes.set(derived.name, derived);
  return classes;
}

/**
 * What the document must say about each property for it to agree with the class's
 * validation rules: the same properties, the same required set, and the same bounds,
 * patterns, formats and enums.
 */
function disagreements(target: Function, schema: { properties: Record<string, SchemaObject>; required: string[] }): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false) as Rule[];
  const byProperty = new Map<string, Rule[]>();
  for (const rule of rules) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  const out: string[] = [];
  const say = (property: string, what: string, documented: unknown, enforced: unknown) => {
    if (JSON.stringify(documented) !== JSON.stringify(enforced)) {
      out.push(`${target.name}.${property} ${what}: documented ${JSON.stringify(documented)}, enforced ${JSON.stringify(enforced)}`);
    }
  };
  say('*', 'properties', Object.keys(schema.properties).sort(), [...byProperty.keys()].sort());
  for (const [property, own] of byProperty) {
    const documented = schema.properties[property] ?? {};
    const named = (name: string) => own.find((rule) => rule.name === name);
    const bound = (name: string) =>
      (name === 'minLength' || name === 'maxLength') && enforcedElsewhere[`${target.name}.${property}`]
        ? enforcedElsewhere[`${target.name}.${property}`][name]
        : (named(name)?.constraints?.[0] as unknown);
    // Unnamed conditions are @ValidateIf: Optional() (src/http/optional.ts) skips an absent
    // value, @ValidateIf(value !== null) lets null through. Asked rather than guessed.
    const skips = (value: unknown) =>
      own.some(
        (r) =>
          r.type === 'conditionalValidation' &&
          !r.name &&
          !(r.constraints[0] as (object: object, value: unknown) => boolean)({ [property]: value }, value),
      );
    const optional = Boolean(named('isOptional')) || skips(undefined);
    say(property, 'required', schema.required.includes(property), !optional);
    say(property, 'nullable', documented.nullable ?? false, skips(null));
    say(property, 'minLength', documented.minLength, bound('minLength'));
    say(property, 'maxLength', documented.maxLength, bound('maxLength'));
    say(property, 'pattern', documented.pattern, (bound('matches') as RegExp | undefined)?.source);
    say(property, 'minItems', documented.minItems, bound('arrayMinSize'));
    say(property, 'maxItems', documented.maxItems, bound('arrayMaxSize'));
    say(property, 'uniqueItems', documented.uniqueItems, named('arrayUnique') ? true : undefined);
    say(property, 'minimum', documented.minimum, bound('min'));
    say(property, 'maximum', documented.maximum, bound('max'));
    const isIn = named('isIn');
    const items = documented.items as SchemaObject | undefined;
    if (isIn) say(property, 'enum', (isIn.each ? items?.enum : documented.enum)?.toSorted(), [...(isIn.constraints[0] as string[])].sort());
    if (named('isUuid')) say(property, 'format', (named('isUuid')!.each ? items : documented)?.format, 'uuid');
    if (named('isEmail')) say(property, 'format', documented.format, 'email');
    if (named('isIso8601')) say(property, 'format', documented.format, named('matches') && !optional ? 'date' : documented.format);
    if (named('isInt')) say(property, 'type', documented.type, 'integer');
    if (named('isBoolean')) say(property, 'type', documented.type, 'boolean');
    if (named('isString')) say(property, 'type', documented.type, 'string');
    if (named('isArray')) say(property, 'type', documented.type, 'array');
  }
  return out;
}

function operation(operationId: string): OperationObject {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as OperationObject[]) if (op?.operationId === operationId) return op;
  }
  throw new Error(`no operation ${operationId}`);
}

describe('request schemas say what validation enforces', () => {
  it('every request body', () => {
    const classes = validatedClasses();
    const bodies = new Set<string>();
    for (const item of Object.values(document.paths)) {
      for (const op of Object.values(item) as OperationObject[]) {
        const schema = (op?.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)
          ?.content?.['application/json']?.schema;
        if (schema?.$ref) bodies.add(schema.$ref.split('/').pop()!);
      }
    }
    expect(bodies.size).toBeGreaterThanOrEqual(10);
    const problems = [...bodies].flatMap((name) => {
      const target = classes.get(name);
      if (!target) return [`${name}: no class-validator class of that name`];
      const schema = document.components!.schemas![name] as SchemaObject;
      return disagreements(target, {
        properties: (schema.properties ?? {}) as Record<string, SchemaObject>,
        required: schema.required ?? [],
      });
    });
    expect(problems).toEqual([]);
  });

  it('every paginated query', () => {
    const queries: Array<[string, Function]> = [
      ['listMyPosts', PostListQuery],
      ['listAuditEvents', AuditLogQuery],
      ['listMyTags', PageQuery],
      ['listPublicPosts', PageQuery],
      ['listUsers', PageQuery],
      ['listMyWebhooks', PageQuery],
    ];
    const problems = queries.flatMap(([id, target]) => {
      const parameters = (operation(id).parameters ?? []).filter((p): p is ParameterObject => 'in' in p && p.in === 'query');
      return disagreements(target, {
        properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema as SchemaObject])),
        required: parameters.filter((p) => p.required).map((p) => p.name),
      });
    });
    expect(problems).toEqual([]);
  });

  it('notices a disagreement (a check that cannot fail proves nothing)', () => {
    const schema = document.components!.schemas!.CreateTagDto as SchemaObject;
    const loosened = { ...(schema.properties!.name as SchemaObject), maxLength: 61 };
    expect(
      disagreements(validatedClasses().get('CreateTagDto')!, { properties: { name: loosened }, required: [] }),
    ).toEqual([
      'CreateTagDto.name required: documented false, enforced true',
      'CreateTagDto.name maxLength: documented 61, enforced 60',
    ]);
    expect(schema.properties!.name).toMatchObject({ minLength: 1, maxLength: 60 });
  });
});
