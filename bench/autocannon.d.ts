/** The part of autocannon's API the benchmarks use (the package ships no type declarations). */
declare module 'autocannon' {
  namespace autocannon {
    interface Client {
      setHeadersAndBody(headers: Record<string, string>, body: string): void;
    }

    interface Options {
      readonly url: string;
      readonly connections?: number;
      readonly duration?: number;
      /** Requests in flight per connection; 1 is no pipelining. */
      readonly pipelining?: number;
      /** Seconds before a request counts as timed out. */
      readonly timeout?: number;
      readonly method?: 'GET' | 'POST';
      readonly headers?: Record<string, string>;
      readonly body?: string;
      /** Called once per connection: gives each connection its own identity or body. */
      readonly setupClient?: (client: Client) => void;
    }

    interface Histogram {
      readonly average: number;
      readonly p50: number;
      readonly p99: number;
      readonly total: number;
    }

    interface Result {
      readonly requests: Histogram;
      readonly latency: Histogram;
      /** Seconds the run actually lasted. */
      readonly duration: number;
      readonly '2xx': number;
      readonly non2xx: number;
      readonly errors: number;
      readonly timeouts: number;
      readonly statusCodeStats: Record<string, { count: number }>;
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
