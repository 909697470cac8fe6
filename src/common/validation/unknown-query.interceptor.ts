import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, type Type } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

import { ValidationException } from '../errors';
import { type DeclaredQuery, declaredQueryOf } from './declared-query';

/**
 * Unknown query parameters are refused on every route, as the ValidationPipe already refuses them
 * on routes with a query DTO (422, `unknown_field`): a misspelt `?limt=5` must not be silently
 * ignored on some routes and refused on others. Routes with a DTO are left to the pipe, whose
 * whitelist knows the DTO's properties.
 */
@Injectable()
export class UnknownQueryInterceptor implements NestInterceptor {
  private readonly declared = new WeakMap<object, DeclaredQuery>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const query = context.switchToHttp().getRequest<Request>().query;
      const declared = this.declaredFor(context);
      const unknown = declared.dto ? [] : Object.keys(query).filter((name) => !declared.names.includes(name));
      if (unknown.length > 0) {
        throw new ValidationException(
          unknown.map((name) => ({
            loc: ['query', name],
            msg: `property ${name} should not exist`,
            type: 'unknown_field',
          })),
        );
      }
    }
    return next.handle();
  }

  private declaredFor(context: ExecutionContext): DeclaredQuery {
    const handler = context.getHandler();
    let declared = this.declared.get(handler);
    if (!declared) {
      declared = declaredQueryOf(context.getClass<Type<unknown>>(), handler.name);
      this.declared.set(handler, declared);
    }
    return declared;
  }
}
