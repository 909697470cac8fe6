import { SetMetadata } from '@nestjs/common';

export const REQUEST_TIMEOUT_KEY = 'http:requestTimeout';

/** Overrides REQUEST_TIMEOUT_MS for a route or controller (milliseconds; 0 = no timeout). */
export const RequestTimeout = (ms: number): MethodDecorator & ClassDecorator => SetMetadata(REQUEST_TIMEOUT_KEY, ms);
