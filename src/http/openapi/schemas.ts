import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/**
 * Named response schemas. Features declare theirs beside their controllers with
 * `component()`; the document builder adds every registered one to `components.schemas`.
 * Response objects list every property they have and refuse any other
 * (`additionalProperties: false`), so a field the document lacks fails validation.
 */
export interface Component {
  name: string;
  ref: ReferenceObject;
}

const registry = new Map<string, SchemaObject>();

export function component(name: string, schema: SchemaObject): Component {
  registry.set(name, schema);
  return { name, ref: { $ref: `#/components/schemas/${name}` } };
}

export function registeredSchemas(): Record<string, SchemaObject> {
  return Object.fromEntries([...registry].sort(([a], [b]) => a.localeCompare(b)));
}

type Property = SchemaObject | ReferenceObject;

/** A closed object whose properties are all required unless named in `optional`. */
export function object(properties: Record<string, Property>, optional: string[] = []): SchemaObject {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  // OpenAPI 3.0 wants a non-empty `required` or none at all.
  return { type: 'object', additionalProperties: false, ...(required.length ? { required } : {}), properties };
}

/** The keyset page envelope of one item type: `{items, nextCursor}`. */
export function page(item: Component): Component {
  return component(
    `${item.name}Page`,
    object({
      items: { type: 'array', items: item.ref },
      nextCursor: {
        type: 'string',
        nullable: true,
        description: 'Pass as `cursor` for the next page; null on the last page.',
        example: null,
      },
    }),
  );
}

export const uuid = (example = '0b9f8c1e-3f0a-4b7e-9d55-2c1e6a9f4b21'): SchemaObject => ({
  type: 'string',
  format: 'uuid',
  example,
});

export const dateTime = (description?: string): SchemaObject => ({
  type: 'string',
  format: 'date-time',
  example: '2026-11-20T09:30:00.000Z',
  ...(description ? { description } : {}),
});

export const nullableDateTime = (description?: string): SchemaObject => ({
  ...dateTime(description),
  nullable: true,
});

export const text = (example: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  example,
  ...extra,
});
