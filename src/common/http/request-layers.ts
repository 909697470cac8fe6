import { type DynamicModule, Global, Module } from '@nestjs/common';

/**
 * Request-path layers the benchmark leaves out one at a time to price each (docs/decisions/0024,
 * 0032). Production always runs all of them, so this is not configuration: it is set only by the
 * benchmark's own entry point (bench/app-without-layers.ts), through `AppModule.forRoot`.
 */
export type OptionalLayer = 'requestLogging' | 'httpMetrics' | 'securityHeaders' | 'responseEnvelope';

export const OPTIONAL_LAYERS: readonly OptionalLayer[] = [
  'requestLogging',
  'httpMetrics',
  'securityHeaders',
  'responseEnvelope',
];

/** The layers this app runs without (empty outside the benchmark). */
export const LEFT_OUT_LAYERS = Symbol('LEFT_OUT_LAYERS');

export type LeftOutLayers = ReadonlySet<OptionalLayer>;

export const ALL_LAYERS_ON: LeftOutLayers = new Set();

@Global()
@Module({})
export class RequestLayersModule {
  static forRoot(leftOut: LeftOutLayers): DynamicModule {
    return {
      module: RequestLayersModule,
      providers: [{ provide: LEFT_OUT_LAYERS, useValue: leftOut }],
      exports: [LEFT_OUT_LAYERS],
    };
  }
}
