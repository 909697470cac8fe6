import type { Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';

/** The query parameters a handler declares: a whole DTO (`@Query()`) and/or single names (`@Query('x')`). */
export interface DeclaredQuery {
  readonly dto?: Type<unknown>;
  readonly names: readonly string[];
}

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
}

/** Read from the route metadata Nest keeps for `controller.handler` (also used for the OpenAPI document). */
export function declaredQueryOf(controller: Type<unknown>, handler: string): DeclaredQuery {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, RouteArgument>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, handler) ??
    []) as Type<unknown>[];
  let dto: Type<unknown> | undefined;
  const names: string[] = [];
  for (const [key, argument] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) continue;
    if (typeof argument.data === 'string') names.push(argument.data);
    else dto = types[argument.index];
  }
  return { dto, names };
}
