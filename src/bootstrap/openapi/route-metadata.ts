import type { INestApplication, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';

import { IS_PUBLIC_KEY } from '../../common/decorators/public.decorator';
import { CONDITIONAL_GET_KEY } from '../../common/http/conditional-get.decorator';
import { declaredQueryOf } from '../../common/validation/declared-query';

/** A pipe that can say, as a JSON schema, which path values it accepts. */
interface DescribedPipe {
  readonly openApiSchema: Record<string, unknown>;
}

/** What the document needs to know about one handler that its decorators do not say. */
export interface RouteMetadata {
  readonly isPublic: boolean;
  readonly isConditional: boolean;
  /** The status set with @HttpCode, if any. */
  readonly httpCode?: number;
  /** The class of the `@Query()` DTO, when the handler takes one. */
  readonly queryDto?: Type<unknown>;
  /** The class of the `@Body()` DTO, when the handler takes one. */
  readonly bodyDto?: Type<unknown>;
  /** Path parameters checked by a pipe that describes itself. */
  readonly pathSchemas: ReadonlyMap<string, Record<string, unknown>>;
}

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
}

/**
 * The handlers' metadata, by the operationId @nestjs/swagger gives them (`Controller_method`),
 * read from the module graph (works in preview mode: no provider is instantiated).
 */
export function routesByOperationId(app: INestApplication): Map<string, RouteMetadata> {
  const routes = new Map<string, RouteMetadata>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        routes.set(`${controller.name}_${name}`, describeRoute(controller, name, handler));
      }
    }
  }
  return routes;
}

function describeRoute(controller: Type<unknown>, name: string, handler: object): RouteMetadata {
  const flag = (key: string): boolean =>
    Reflect.getMetadata(key, handler) !== undefined || Reflect.getMetadata(key, controller) !== undefined;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, RouteArgument>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, name) ??
    []) as Type<unknown>[];
  const query = declaredQueryOf(controller, name);
  let bodyDto: Type<unknown> | undefined;
  const pathSchemas = new Map<string, Record<string, unknown>>();
  for (const [key, argument] of Object.entries(args)) {
    const kind = Number(key.split(':')[0]);
    if (kind === RouteParamtypes.BODY && argument.data === undefined) bodyDto = types[argument.index];
    if (kind === RouteParamtypes.PARAM && typeof argument.data === 'string') {
      const described = (argument.pipes ?? []).find(isDescribedPipe);
      if (described) pathSchemas.set(argument.data, described.openApiSchema);
    }
  }
  return {
    isPublic: flag(IS_PUBLIC_KEY),
    isConditional: Reflect.getMetadata(CONDITIONAL_GET_KEY, handler) !== undefined,
    httpCode: Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined,
    queryDto: query.dto,
    bodyDto,
    pathSchemas,
  };
}

function isDescribedPipe(pipe: unknown): pipe is DescribedPipe {
  return typeof pipe === 'function' && 'openApiSchema' in pipe;
}
