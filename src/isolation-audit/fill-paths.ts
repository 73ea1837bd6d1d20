// Turns a route's path template into concrete paths. Every UUID parameter is filled with
// each of A's ids of every model (not only the model the route "is about": a delivery
// route given A's post id must answer 404 too), and a route with several UUID parameters
// gets every mix of {A's, B's, random} ids, so B's own parent with A's child is probed.
// Non-UUID parameters have named fillers; any other parameter is an audit error, never sent
// literally.
import { randomUUID } from 'node:crypto';

export interface IdPools {
  /** A's ids of every model (user, posts, tag, webhook, delivery, event, sessions). */
  a: string[];
  /** B's ids of every model. */
  b: string[];
  /** Non-UUID parameters, by name: A's handle, A's slugs, a role name. */
  named: Record<string, string[]>;
}

export interface FilledPath {
  path: string;
  /** The same path with each of A's ids replaced by a random one: what "missing" answers. */
  control: string;
  /** How many of A's ids the path carries. */
  aIds: number;
}

const isUuidParam = (name: string) => name === 'id' || name.endsWith('Id');

export function pathParams(template: string): string[] {
  return [...template.matchAll(/:(\w+)/g)].map((m) => m[1]);
}

/** Parameters no filler knows: the audit reports them instead of probing a literal `:x`. */
export function unfillable(template: string, pools: IdPools): string[] {
  return pathParams(template).filter((p) => !isUuidParam(p) && !pools.named[p]?.length);
}

export function fillPaths(template: string, pools: IdPools): FilledPath[] {
  const params = pathParams(template);
  if (unfillable(template, pools).length) return [];
  const uuidCount = params.filter(isUuidParam).length;
  type Choice = { value: string; fromA: boolean };
  const choices = (param: string): Choice[] => {
    if (!isUuidParam(param)) return pools.named[param].map((value) => ({ value, fromA: false }));
    const fromA = pools.a.map((value) => ({ value, fromA: true }));
    if (uuidCount < 2) return fromA;
    return [...fromA, ...pools.b.map((value) => ({ value, fromA: false })), { value: randomUUID(), fromA: false }];
  };
  let combos: Choice[][] = [[]];
  for (const param of params) combos = combos.flatMap((combo) => choices(param).map((c) => [...combo, c]));
  const withA = uuidCount ? combos.filter((combo) => combo.some((c) => c.fromA)) : combos;
  return withA.map((combo) => {
    let path = template;
    let control = template;
    params.forEach((param, i) => {
      path = path.replace(`:${param}`, encodeURIComponent(combo[i].value));
      control = control.replace(`:${param}`, combo[i].fromA ? randomUUID() : encodeURIComponent(combo[i].value));
    });
    return { path, control, aIds: combo.filter((c) => c.fromA).length };
  });
}
