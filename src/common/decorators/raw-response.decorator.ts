import { SetMetadata } from '@nestjs/common';

export const RAW_RESPONSE_KEY = 'http:rawResponse';

/** Sends the handler's result as it is, without the `{ success, data }` envelope (probes, metrics). */
export const RawResponse = (): MethodDecorator & ClassDecorator => SetMetadata(RAW_RESPONSE_KEY, true);
