// Prisma migrations, applied and diffed offline through the schema engine's WebAssembly
// build: the CLI's native engine is a download that these machines cannot make. What it
// writes (`_prisma_migrations`, `prisma/migrations/*/migration.sql`) is Prisma's own
// layout, so `prisma migrate deploy` agrees wherever the native engine is available.
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { prepareMigrationOwner } from './migration-owner.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const schemaPath = path.join(projectRoot, 'prisma/schema.prisma');
export const migrationsDir = path.join(projectRoot, 'prisma/migrations');

let engineClass: Promise<typeof SchemaEngine> | undefined;

/** Node 20 cannot `import` a .wasm file, so the module is instantiated by hand, once. */
function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmFile = path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm')),
      'schema_engine_bg.wasm',
    );
    // The engine reports a Rust panic's message here before it throws.
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message: string) => console.error(`schema engine panic: ${message}`),
    };
    const module = new WebAssembly.Module(await readFile(wasmFile));
    const instance = new WebAssembly.Instance(module, {
      './schema_engine_bg.js': engineGlue as unknown as WebAssembly.ModuleImports,
    });
    engineGlue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return (engineGlue as unknown as { SchemaEngine: typeof SchemaEngine }).SchemaEngine;
  })();
  return engineClass;
}

/** The same server as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function migrationNames(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function readMigrationList(): Promise<MigrationList> {
  const lockfile = path.join(migrationsDir, 'migration_lock.toml');
  const names = await migrationNames();
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: await readFile(lockfile, 'utf8').catch(() => null),
    },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: {
            tag: 'ok' as const,
            value: await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8'),
          },
        },
      })),
    ),
  };
}

/**
 * The pg adapter runs a script by splitting it on every `;`, which breaks dollar-quoted
 * function bodies. PostgreSQL runs a multi-statement simple query whole, in one implicit
 * transaction, as Prisma's native engine does.
 */
async function executeWholeScript(pool: pg.Pool, script: string): Promise<void> {
  try {
    await pool.query(script);
  } catch (error) {
    const e = error as pg.DatabaseError;
    throw new DriverAdapterError({
      kind: 'postgres',
      code: e.code ?? 'N/A',
      severity: e.severity ?? 'N/A',
      message: e.message,
      detail: e.detail,
      column: e.column,
      hint: e.hint,
    });
  }
}

/**
 * The engine's schema queries read PostgreSQL's one-byte `"char"` columns (constraint and
 * relation kinds), which the pg adapter refuses to map. The pg client below declares them
 * text so the adapter accepts the row set, remembers which columns they were, and the
 * adapter wrapper then reports them to the engine as the Character type it expects.
 */
const charColumns = new WeakMap<object, number[]>();

class CharMarkingClient extends pg.Client {
  override query(...args: unknown[]): any {
    const mark = (res: pg.QueryResult | undefined) => {
      const found: number[] = [];
      res?.fields?.forEach((field, index) => {
        if (field.dataTypeID === 18) {
          field.dataTypeID = 25;
          found.push(index);
        }
      });
      if (res && found.length) charColumns.set(res.rows, found);
      return res;
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: Error, res: pg.QueryResult) => callback(err, mark(res));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return result instanceof Promise ? result.then(mark) : result;
  }
}

/** The adapter, with the two repairs above. */
function repaired<T extends object>(queryable: T, pool: pg.Pool): T {
  return new Proxy(queryable, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'executeScript') {
        return (script: string) => executeWholeScript(pool, script);
      }
      if (property === 'queryRaw') {
        return async (query: unknown) => {
          const result = (await value.call(target, query)) as SqlResultSet;
          for (const index of charColumns.get(result.rows) ?? []) {
            result.columnTypes[index] = ColumnTypeEnum.Character;
          }
          return result;
        };
      }
      if (property === 'startTransaction') {
        return async (...args: unknown[]) => repaired(await value.apply(target, args), pool);
      }
      return value.bind(target);
    },
  });
}

/**
 * The engine's adapter. PrismaPg's own shadow database handling drops the database before
 * closing its pool (so the drop fails); here the caller creates and drops the shadow.
 */
class EnginePg extends PrismaPg {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly shadowUrl?: string,
    pool = new pg.Pool({ connectionString: url, Client: CharMarkingClient, max: 2 }),
  ) {
    super(pool, { disposeExternalPool: true });
    this.pool = pool;
  }

  override async connect() {
    return repaired(await super.connect(), this.pool);
  }

  override async connectToShadowDb() {
    if (!this.shadowUrl) throw new Error('This operation needs a shadow database');
    this.shadow = new EnginePg(this.shadowUrl);
    return this.shadow.connect();
  }

  /**
   * The engine does not dispose its adapters when freed; closing the pools here ends the
   * sessions, and with them the migration advisory lock (else the next run waits for it).
   */
  async close(): Promise<void> {
    await this.shadow?.close();
    await this.pool.end().catch(() => {});
  }

  private shadow?: EnginePg;
}

async function withEngine<T>(
  url: string,
  shadowUrl: string | undefined,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const Engine = await loadEngineClass();
  const schema = await readFile(schemaPath, 'utf8');
  const pg = new EnginePg(url, shadowUrl);
  const engine = await Engine.new(
    { datamodels: [[schemaPath, schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(pg),
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await pg.close();
  }
}

const noFilters = { externalTables: [], externalEnums: [] };

/** Applies every pending migration as `url`'s user (the owner); returns the names it applied. */
export async function applyMigrations(url: string): Promise<string[]> {
  await prepareMigrationOwner(url);
  const migrationsList = await readMigrationList();
  const result = await withEngine(url, undefined, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilters }),
  );
  return result.appliedMigrationNames;
}

/**
 * The SQL that takes a database built from the migrations to what schema.prisma
 * describes; empty when the two agree. Uses a throwaway shadow database on `url`'s server.
 */
export async function diffMigrationsToSchema(url: string): Promise<string> {
  const shadow = `byline_shadow_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${shadow}"`);
    const migrationsList = await readMigrationList();
    const schema = await readFile(schemaPath, 'utf8');
    const result = await withEngine(url, withDatabase(url, shadow), (engine) =>
      engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: null,
        filters: noFilters,
      }),
    );
    return (result.stdout ?? '').replace(/^-- This is an empty migration\.\s*$/m, '').trim();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${shadow}" WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}
