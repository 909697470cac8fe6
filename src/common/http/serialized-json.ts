import { strongEtagOfJson } from './etag';

/**
 * A value already serialised to JSON, with the strong ETag of those bytes. The cache stores and
 * returns it as it is, and the response interceptor sends it as it is, so a cached read neither
 * parses nor re-serialises its payload (docs/decisions/0035). `T` records what the JSON holds.
 */
export class SerializedJson<T = unknown> {
  /** Only for the type checker: the type of the value the JSON holds. */
  declare private readonly holds?: T;

  constructor(
    readonly json: string,
    readonly etag: string = strongEtagOfJson(json),
  ) {}

  static of<T>(value: T): SerializedJson<T> {
    return new SerializedJson<T>(JSON.stringify(value));
  }

  /** A fresh copy of the value: callers may change it without touching what is cached. */
  parse(): T {
    return JSON.parse(this.json) as T;
  }
}
