// A minimal cookie-mode web client of the API, built on the generated typed client
// (clients/typescript). The API's origin comes from `?api=`.
import { createApiClient } from '/client/index.js';

const api = new URL(location.href).searchParams.get('api');
const client = createApiClient({ baseUrl: api, credentials: 'include' });
let csrfToken;
let product;
let productEtag;

const show = (id, text) => {
  document.getElementById(id).textContent = text;
};

function fail(step, error, response) {
  show('status', `${step} failed: ${response?.status ?? ''} ${JSON.stringify(error ?? null)}`);
  throw new Error(step);
}

document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const { data, error, response } = await client.POST('/api/v1/auth/login', {
    params: { query: { mode: 'cookie' } },
    body: { email: form.get('email'), password: form.get('password') },
  });
  if (error) fail('sign in', error, response);
  csrfToken = data.data.csrfToken;
  show('status', 'signed in');
  await listProducts();
});

async function listProducts() {
  const { data, error, response } = await client.GET('/api/v1/products', { params: { query: { limit: 10 } } });
  if (error) fail('list', error, response);
  const list = document.getElementById('products');
  list.replaceChildren(
    ...data.data.map((item) => {
      const entry = document.createElement('li');
      const link = document.createElement('button');
      link.type = 'button';
      link.textContent = item.name;
      link.dataset.id = item.id;
      link.addEventListener('click', () => openProduct(item.id));
      entry.append(link);
      return entry;
    }),
  );
}

async function openProduct(id) {
  const first = await client.GET('/api/v1/products/{id}', { params: { path: { id } }, cache: 'no-store' });
  if (first.error) fail('open', first.error, first.response);
  product = first.data.data;
  productEtag = first.response.headers.get('ETag');
  show('product-name', product.name);
  document.getElementById('product').hidden = false;
  // Asking again with the ETag: the server answers 304 while the product is unchanged.
  const again = await client.GET('/api/v1/products/{id}', {
    params: { path: { id }, header: { 'If-None-Match': productEtag } },
    cache: 'no-store',
  });
  show('product-revalidation', `revalidated: ${again.response.status}`);
}

document.getElementById('order').addEventListener('click', async () => {
  const { data, error, response } = await client.POST('/api/v1/orders', {
    params: { header: { 'X-CSRF-Token': csrfToken } },
    body: { items: [{ productId: product.id, quantity: 1 }], paymentMethod: 'tok_ok' },
  });
  if (error) fail('order', error, response);
  const id = data.data.id;
  show('order-status', data.data.status);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const current = await client.GET('/api/v1/orders/{id}', { params: { path: { id } } });
    if (current.error) fail('order status', current.error, current.response);
    show('order-status', current.data.data.status);
    if (current.data.data.status !== 'pending') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

document.getElementById('refresh').addEventListener('click', async () => {
  // No body: the refresh cookie carries the token.
  const { data, error, response } = await client.POST('/api/v1/auth/refresh', {
    params: { header: { 'X-CSRF-Token': csrfToken } },
  });
  if (error) fail('refresh', error, response);
  csrfToken = data.data.csrfToken;
  show('status', 'session refreshed');
});

document.getElementById('sign-out').addEventListener('click', async () => {
  const { error, response } = await client.POST('/api/v1/auth/logout', {
    params: { header: { 'X-CSRF-Token': csrfToken } },
  });
  if (error) fail('sign out', error, response);
  const after = await client.GET('/api/v1/users/me');
  show('status', `signed out (then ${after.response.status})`);
});
