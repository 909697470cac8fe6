import autocannon from 'autocannon';

type Client = autocannon.Client;
type Options = autocannon.Options;

/** One thing to load: a URL and how (connections, method, per-connection identity). */
export interface Target {
  readonly label: string;
  readonly url: string;
  readonly connections: number;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  /** Headers and body of connection `i` (B3: each connection is a different signed-in customer). */
  readonly perConnection?: (i: number) => { headers: Record<string, string>; body: string };
}

export interface Sample {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failed: number;
}

/** Medians over the interleaved rounds of one target, with every round kept for the record. */
export interface Summary {
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failed: number;
  readonly rounds: readonly Sample[];
}

export interface Schedule {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmUpSeconds: number;
}

/**
 * Measures the targets side by side: each gets a warm-up, then every round measures all of them
 * in turn (the order reversed every other round), so background load drifting during the run
 * falls on every side alike. Figures are the medians of the rounds.
 */
export async function interleave(targets: readonly Target[], schedule: Schedule): Promise<Summary[]> {
  for (const target of targets) await run(target, schedule.warmUpSeconds);
  const samples: Sample[][] = targets.map(() => []);
  for (let round = 0; round < schedule.rounds; round += 1) {
    const order = targets.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) samples[i].push(await run(targets[i], schedule.seconds));
  }
  return targets.map((target, i) => summarize(target.label, samples[i]));
}

/** One measurement; only 2xx answers count as throughput, everything else as failed. */
export async function run(target: Target, seconds: number): Promise<Sample> {
  let connection = 0;
  const perConnection = target.perConnection;
  const options: Options = {
    url: target.url,
    connections: target.connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    method: target.method ?? 'GET',
    headers: target.headers,
    setupClient: perConnection
      ? (client: Client) => {
          const { headers, body } = perConnection(connection++);
          client.setHeadersAndBody(headers, body);
        }
      : undefined,
  };
  const result = await autocannon(options);
  return {
    requestsPerSecond: result['2xx'] / Math.max(result.duration, 0.001),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(label: string, rounds: Sample[]): Summary {
  return {
    label,
    requestsPerSecond: median(rounds.map((s) => s.requestsPerSecond)),
    p50Ms: median(rounds.map((s) => s.p50Ms)),
    p99Ms: median(rounds.map((s) => s.p99Ms)),
    failed: rounds.reduce((sum, s) => sum + s.failed, 0),
    rounds,
  };
}
