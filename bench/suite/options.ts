/**
 * Command-line options of `npm run bench`. The full run is the default; `--smoke` shrinks every
 * phase to check, in seconds, that the suite still works (the test suite runs it).
 */
export interface SuiteOptions {
  readonly mode: 'full' | 'smoke';
  /** Interleaved A/B rounds; figures are medians over them. */
  readonly rounds: number;
  /** Length of one measurement of one side of a pair (B1-B3). */
  readonly seconds: number;
  /** Length of one measurement of one B4 variant. */
  readonly layerSeconds: number;
  /** Load sent to each target once, before its first measured round (JIT, pools, caches). */
  readonly warmUpSeconds: number;
  readonly soakSeconds: number;
  readonly productCount: number;
  /** Concurrent authenticated clients of B3, each with an account of its own. */
  readonly orderClients: number;
  /** B4 variants to run: all of them, or only the full and the bare stack. */
  readonly allLayerVariants: boolean;
  readonly resultsFile: string;
  /** Starts the full-stack app with `--cpu-prof` (profiles written next to the results file). */
  readonly profile: boolean;
}

const FULL: Omit<SuiteOptions, 'resultsFile' | 'profile'> = {
  mode: 'full',
  rounds: 3,
  seconds: 5,
  layerSeconds: 3,
  warmUpSeconds: 2,
  soakSeconds: 300,
  productCount: 10_000,
  orderClients: 50,
  allLayerVariants: true,
};

const SMOKE: Omit<SuiteOptions, 'resultsFile' | 'profile'> = {
  mode: 'smoke',
  rounds: 1,
  seconds: 1,
  layerSeconds: 1,
  warmUpSeconds: 1,
  soakSeconds: 2,
  productCount: 200,
  orderClients: 5,
  allLayerVariants: false,
};

const NUMERIC_FLAGS = { rounds: 'rounds', seconds: 'seconds', 'soak-seconds': 'soakSeconds' } as const;

/** `--smoke`, `--rounds=N`, `--seconds=N`, `--soak-seconds=N`, `--results=FILE`, `--profile`. */
export function parseOptions(argv: readonly string[]): SuiteOptions {
  const base = argv.includes('--smoke') ? SMOKE : FULL;
  const options: Record<string, unknown> = { ...base, resultsFile: 'bench/results/latest.json', profile: false };
  for (const arg of argv) {
    const [flag, value] = arg.replace(/^--/, '').split('=');
    if (flag === 'smoke') continue;
    if (flag === 'profile') options.profile = true;
    else if (flag === 'results' && value) options.resultsFile = value;
    else if (flag in NUMERIC_FLAGS && value !== undefined && /^\d+$/.test(value) && Number(value) > 0) {
      options[NUMERIC_FLAGS[flag as keyof typeof NUMERIC_FLAGS]] = Number(value);
    } else {
      throw new Error(`unknown or invalid option "${arg}" (see bench/run.ts)`);
    }
  }
  return options as unknown as SuiteOptions;
}
