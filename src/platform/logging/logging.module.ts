import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';

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
      inject: [ConfigService, LOG_DESTINATION],
      useFactory: (config: ConfigService<AllConfig, true>, destination?: DestinationStream) =>
        buildLoggerParams(config.getOrThrow('logging', { infer: true }), destination),
    }),
  ],
})
export class LoggingModule {}
