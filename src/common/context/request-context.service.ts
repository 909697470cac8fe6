import { Injectable } from '@nestjs/common';
import { ClsService, ClsStore } from 'nestjs-cls';

import type { Principal } from '../access/principal';

/** What one unit of work (an HTTP request, an event being handled) carries implicitly. */
export interface RequestContextStore extends ClsStore {
  requestId?: string;
  principal?: Principal;
  ip?: string;
  /** Aborted when the request ran out of time: work still running for it should stop. */
  signal?: AbortSignal;
}

/**
 * Typed access to the AsyncLocalStorage-backed request context. Outside a context (start-up,
 * timers) the getters return undefined instead of throwing.
 */
@Injectable()
export class RequestContextService {
  constructor(private readonly cls: ClsService<RequestContextStore>) {}

  get requestId(): string | undefined {
    return this.cls.isActive() ? this.cls.get('requestId') : undefined;
  }

  get principal(): Principal | undefined {
    return this.cls.isActive() ? this.cls.get('principal') : undefined;
  }

  get userId(): string | undefined {
    return this.principal?.userId;
  }

  get ip(): string | undefined {
    return this.cls.isActive() ? this.cls.get('ip') : undefined;
  }

  get signal(): AbortSignal | undefined {
    return this.cls.isActive() ? this.cls.get('signal') : undefined;
  }

  setSignal(signal: AbortSignal): void {
    if (this.cls.isActive()) this.cls.set('signal', signal);
  }

  setPrincipal(principal: Principal): void {
    if (this.cls.isActive()) this.cls.set('principal', principal);
  }

  /** Runs `fn` in a fresh context, e.g. while handling an event raised by another request. */
  run<T>(values: Pick<RequestContextStore, 'requestId' | 'principal'>, fn: () => Promise<T>): Promise<T> {
    return this.cls.run(async () => {
      this.cls.set('requestId', values.requestId);
      if (values.principal) this.cls.set('principal', values.principal);
      return fn();
    });
  }
}
