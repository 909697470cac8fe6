import { type Exchange, OpenApiContract, UNPARSEABLE } from './openapi-contract';

/**
 * One compiled contract per distinct document in this test file (compiling takes a moment and
 * the suites' apps all serve the same document).
 */
const contracts = new Map<string, Promise<OpenApiContract>>();

export function contractFor(document: object): Promise<OpenApiContract> {
  const key = JSON.stringify(document);
  let contract = contracts.get(key);
  if (!contract) {
    contract = OpenApiContract.load(document);
    contracts.set(key, contract);
  }
  return contract;
}

/** Thrown into the test that received an exchange the document does not describe. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

export function assertExchange(contract: OpenApiContract, exchange: Exchange): void {
  const violations = contract.violations(exchange);
  if (violations.length > 0) throw new ContractViolation(`OpenAPI contract broken:\n  ${violations.join('\n  ')}`);
}

/** A request body as the document sees it: parsed JSON, nothing, or not JSON at all. */
export function requestBodyOf(data: unknown, contentType: string | undefined): unknown {
  if (data === undefined || data === null) return undefined;
  const json = contentType === undefined || /^application\/(.+\+)?json/i.test(contentType);
  if (!json) return UNPARSEABLE;
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return UNPARSEABLE;
  }
}

/** A response body the document can describe: parsed JSON, or `undefined` for none. */
export function responseBodyOf(text: string, contentType: string | undefined): unknown {
  if (text === '' || !contentType?.includes('json')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
