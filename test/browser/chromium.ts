import { type Browser, chromium, type Page, type Request } from 'playwright-core';

import { requestBodyOf, responseBodyOf } from '../support/contract/contract-registry';
import type { Exchange } from '../support/contract/openapi-contract';

/** Debian's Chromium (.ci/run installs it); nothing downloads a browser of its own. */
const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Records the page's exchanges with `apiOrigin`, as the contract checker reads them. */
export function recordExchanges(page: Page, apiOrigin: string): () => Promise<Exchange[]> {
  const pending: Array<Promise<Exchange | undefined>> = [];
  page.on('requestfinished', (request) => {
    // A response whose body the browser no longer holds (the page navigated on) cannot be checked.
    if (request.url().startsWith(apiOrigin)) pending.push(exchangeOf(request, apiOrigin).catch(() => undefined));
  });
  return async () => (await Promise.all(pending)).filter((exchange) => exchange !== undefined);
}

async function exchangeOf(request: Request, apiOrigin: string): Promise<Exchange | undefined> {
  const response = await request.response();
  if (!response) return undefined;
  // The body first: the browser drops it once the page navigates away.
  const text = response.status() === 204 || response.status() === 304 ? '' : await response.text();
  const requestHeaders = await request.allHeaders();
  const responseHeaders = await response.allHeaders();
  return {
    method: request.method(),
    url: request.url().slice(apiOrigin.length),
    requestHeaders,
    requestBody: requestBodyOf(request.postData() ?? undefined, requestHeaders['content-type']),
    status: response.status(),
    responseHeaders,
    responseBody: responseBodyOf(text, responseHeaders['content-type']),
  };
}
