// Prisma's SQL template helpers, for features that write SQL the scoped layer runs
// (TenantDatabase.read) without reaching for the Prisma client itself.
import { Prisma } from '../generated/prisma/client.js';

export const sql = Prisma.sql;
export const join = Prisma.join;
export const empty = Prisma.empty;
export type Sql = Prisma.Sql;
