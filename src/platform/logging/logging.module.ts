import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';

import { LEFT_OUT_LAYERS, type LeftOutLayers } from '../../common/http/request-layers';
import type { AllConfig } from '../../config';
import { buildLoggerParams } from './logger-options';

/** Tests override this token with a stream they can read, to assert on what gets logged. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * Structured logging with pino: JSON in production (asynchronous writes), pretty and coloured
 * in development. Request lines carry the request id; the authentication guard adds the user id.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useValue: undefined }],
      inject: [ConfigService, LEFT_OUT_LAYERS, LOG_DESTINATION],
      useFactory: (config: ConfigService<AllConfig, true>, leftOut: LeftOutLayers, destination?: DestinationStream) =>
        buildLoggerParams(config.getOrThrow('logging', { infer: true }), {
          requestLines: !leftOut.has('requestLogging'),
          destination,
        }),
    }),
  ],
})
export class LoggingModule {}
