import { RequestMethod, type INestApplication } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { TENANT_DATA_KEY } from '../../database/tenant/tenant-data.decorator.js';
import { ACCESS_KEY, type Access } from './access.decorators.js';

export interface RouteEntry {
  method: string;
  path: string;
  controller: string;
  handler: string;
  /** undefined: the route declares nothing, and AccessGuard refuses it. */
  access: Access | undefined;
  /** The tenant model the route reads or writes, as its controller declares. */
  tenantModel: string | undefined;
}

const joinPath = (...parts: string[]) =>
  `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/** Every route of the running application, with the access it declares. */
export function listRoutes(app: INestApplication): RouteEntry[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteEntry[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { metatype } = wrapper;
    if (!metatype || !wrapper.instance) continue;
    const prototype = Object.getPrototypeOf(wrapper.instance) as Record<string, unknown>;
    const base = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[]].flat();
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const access = reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [handler, metatype]);
      const tenantModel = reflector.getAllAndOverride<string | undefined>(TENANT_DATA_KEY, [handler, metatype]);
      for (const prefix of base) {
        for (const path of [paths].flat()) {
          routes.push({
            method,
            path: joinPath(prefix ?? '', path),
            controller: metatype.name,
            handler: name,
            access,
            tenantModel,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
