// Rewrites Prisma query arguments so that every read, write, count and aggregate on a
// tenant model, nested ones included, is confined to one user. A tenant model is any model
// with a scalar `userId`. Pure: it sees only the data model, the operation and the args.

export interface RuntimeField {
  name: string;
  kind: string;
  type: string;
}
export type RuntimeModels = Record<string, { fields: readonly RuntimeField[] }>;

type Args = Record<string, any>;

export class TenantScopeViolation extends Error {}

const whereOperations = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
]);

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const mapOneOrMany = (value: any, fn: (item: any) => any) =>
  Array.isArray(value) ? value.map(fn) : fn(value);

export class TenantScoper {
  readonly tenantModels: string[];

  constructor(private readonly models: RuntimeModels) {
    this.tenantModels = Object.keys(models).filter((name) => this.isTenant(name));
  }

  isTenant(model: string): boolean {
    return !!this.models[model]?.fields.some((f) => f.name === 'userId' && f.kind === 'scalar');
  }

  private relation(model: string, field: string): RuntimeField | undefined {
    return this.models[model]?.fields.find((f) => f.name === field && f.kind === 'object');
  }

  /** To-one when the model holds the foreign key, which is named `<relation>Id` here. */
  private isList(model: string, field: string): boolean {
    return !this.models[model].fields.some((f) => f.name === `${field}Id` && f.kind === 'scalar');
  }

  scope(model: string, operation: string, args: Args | undefined, userId: string): Args {
    const scoped: Args = { ...args };
    if (whereOperations.has(operation)) {
      scoped.where = this.where(model, scoped.where, userId);
      if ('data' in scoped) scoped.data = this.data(model, scoped.data, userId, false);
    } else if (operation === 'create') {
      scoped.data = this.data(model, scoped.data, userId, true);
    } else if (operation === 'createMany' || operation === 'createManyAndReturn') {
      scoped.data = this.plainRows(model, scoped.data, userId);
    } else if (operation === 'upsert') {
      scoped.where = this.where(model, scoped.where, userId);
      scoped.create = this.data(model, scoped.create, userId, true);
      scoped.update = this.data(model, scoped.update, userId, false);
    } else {
      throw new TenantScopeViolation(`${model}.${operation} is not supported on tenant data`);
    }
    for (const key of ['include', 'select'] as const) {
      if (scoped[key]) scoped[key] = this.projection(model, scoped[key], userId);
    }
    return scoped;
  }

  /** Adds the user to a filter, recursing into relation filters on tenant models. */
  private where(model: string, where: Args | undefined, userId: string): Args {
    const scoped: Args = { ...where };
    if (scoped.userId !== undefined && scoped.userId !== userId) {
      throw new TenantScopeViolation(`A ${model} filter names another user`);
    }
    scoped.userId = userId;
    for (const [key, value] of Object.entries(scoped)) {
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        scoped[key] = mapOneOrMany(value, (inner) => this.filterOnly(model, inner, userId));
        continue;
      }
      const relation = this.relation(model, key);
      if (!relation || !this.isTenant(relation.type) || !value || typeof value !== 'object') continue;
      const filter: Args = { ...value };
      for (const op of ['some', 'every', 'none', 'is', 'isNot']) {
        if (filter[op]) filter[op] = this.where(relation.type, filter[op], userId);
      }
      scoped[key] = filter;
    }
    return scoped;
  }

  private filterOnly(model: string, inner: Args, userId: string): Args {
    const { userId: _own, ...rest } = this.where(model, inner, userId);
    return rest;
  }

  /** Nested include/select: list relations to tenant models get the user's filter. */
  private projection(model: string, projection: Args, userId: string): Args {
    const scoped: Args = { ...projection };
    for (const [key, value] of Object.entries(projection)) {
      if (key === '_count') continue;
      const relation = this.relation(model, key);
      if (!relation || !value) continue;
      if (!this.isTenant(relation.type)) {
        if (relation.type === 'User' && typeof value === 'object') {
          throw new TenantScopeViolation('Nested reads of users go through the unscoped path');
        }
        continue;
      }
      const nested: Args = value === true ? {} : { ...value };
      if (this.isList(model, key)) nested.where = this.where(relation.type, nested.where, userId);
      for (const inner of ['include', 'select'] as const) {
        if (nested[inner]) nested[inner] = this.projection(relation.type, nested[inner], userId);
      }
      scoped[key] = nested;
    }
    return scoped;
  }

  /** Stamps the owner onto a created row, in the checked or the unchecked input form. */
  private owned(model: string, row: Args, userId: string): Args {
    if (row.userId !== undefined && row.userId !== userId) {
      throw new TenantScopeViolation(`A ${model} cannot be created for another user`);
    }
    if (row.user !== undefined && row.user?.connect?.id !== userId) {
      throw new TenantScopeViolation(`A ${model} cannot be created for another user`);
    }
    const { userId: _id, user: _user, ...rest } = this.connectReferences(model, row, userId);
    const checked = Object.keys(rest).some((key) => this.relation(model, key));
    return checked ? { ...rest, user: { connect: { id: userId } } } : { ...rest, userId };
  }

  /**
   * A `<relation>Id` that points at a tenant row becomes a connect confined to the user, so
   * a foreign id finds nothing and the write fails instead of linking another user's row.
   */
  private connectReferences(model: string, row: Args, userId: string): Args {
    const out: Args = { ...row };
    for (const field of this.models[model].fields) {
      if (field.kind !== 'object' || !this.isTenant(field.type)) continue;
      const foreignKey = `${field.name}Id`;
      if (out[foreignKey] === undefined) continue;
      out[field.name] = { connect: { id: out[foreignKey], userId } };
      delete out[foreignKey];
    }
    return out;
  }

  /** createMany takes plain rows only, so rows that reference tenant rows are refused. */
  private plainRows(model: string, rows: Args | Args[], userId: string): Args[] {
    return asArray(rows).map((row) => {
      const owned = this.owned(model, row, userId);
      if ('user' in owned) {
        throw new TenantScopeViolation(`createMany on ${model} cannot reference tenant rows`);
      }
      return owned;
    });
  }

  /** Create or update data, with every nested write to a tenant model confined. */
  private data(model: string, data: Args | undefined, userId: string, creating: boolean): Args {
    if (!data) return data as unknown as Args;
    const scoped: Args = creating ? { ...data } : this.connectReferences(model, data, userId);
    for (const [key, value] of Object.entries(data)) {
      const relation = this.relation(model, key);
      if (!relation) continue;
      if (relation.type === 'User') {
        if (value?.connect?.id !== userId) {
          throw new TenantScopeViolation(`A ${model} cannot be given to another user`);
        }
        continue;
      }
      if (this.isTenant(relation.type)) scoped[key] = this.nestedWrites(relation.type, value, userId);
    }
    return creating ? this.owned(model, scoped, userId) : scoped;
  }

  private nestedWrites(model: string, writes: Args, userId: string): Args {
    const where = (w: Args) => this.where(model, w, userId);
    const scoped: Args = {};
    for (const [op, value] of Object.entries(writes)) {
      switch (op) {
        case 'create':
          scoped.create = mapOneOrMany(value, (row) => this.data(model, row, userId, true));
          break;
        case 'createMany':
          scoped.createMany = {
            ...value,
            data: this.plainRows(model, value.data, userId),
          };
          break;
        case 'connect':
        case 'set':
          scoped[op] = mapOneOrMany(value, where);
          break;
        case 'disconnect':
        case 'delete':
          scoped[op] = typeof value === 'boolean' ? value : mapOneOrMany(value, where);
          break;
        case 'deleteMany':
          scoped.deleteMany = mapOneOrMany(value, where);
          break;
        case 'connectOrCreate':
          scoped.connectOrCreate = mapOneOrMany(value, (item: Args) => ({
            where: where(item.where),
            create: this.data(model, item.create, userId, true),
          }));
          break;
        case 'update':
        case 'updateMany':
          scoped[op] = mapOneOrMany(value, (item: Args) =>
            'where' in item || 'data' in item
              ? { where: item.where && where(item.where), data: this.data(model, item.data, userId, false) }
              : this.data(model, item, userId, false),
          );
          break;
        case 'upsert':
          scoped.upsert = mapOneOrMany(value, (item: Args) => ({
            ...(item.where ? { where: where(item.where) } : {}),
            create: this.data(model, item.create, userId, true),
            update: this.data(model, item.update, userId, false),
          }));
          break;
        default:
          throw new TenantScopeViolation(`Nested ${op} on ${model} is not supported`);
      }
    }
    return scoped;
  }
}
