/** A keyset position: the sort field's value and the id that breaks ties. */
export interface Position {
  at: Date;
  id: string;
}

/**
 * The Prisma filter for rows that come after `after` in (field, id) order, descending
 * (newest first) or ascending; no filter on the first page.
 */
export function after<F extends string>(
  position: Position | undefined,
  field: F,
  order: 'desc' | 'asc' = 'desc',
): { OR?: Array<Record<string, unknown>> } {
  if (!position) return {};
  const beyond = order === 'desc' ? 'lt' : 'gt';
  return {
    OR: [{ [field]: { [beyond]: position.at } }, { [field]: position.at, id: { [beyond]: position.id } }],
  };
}
