import type { CreateProductInput } from '../products/products.service';

/** The catalogue a zero-setup start shows; created by the demo admin, identified by sku. */
export const DEMO_PRODUCTS: readonly CreateProductInput[] = [
  { sku: 'MUG-ENAMEL-350', name: 'Enamel camping mug', category: 'kitchen', priceCents: 1299, stock: 40 },
  { sku: 'KETTLE-STEEL-1L', name: 'Stainless steel kettle', category: 'kitchen', priceCents: 3499, stock: 15 },
  { sku: 'KNIFE-CHEF-20', name: "Chef's knife, 20 cm", category: 'kitchen', priceCents: 5900, stock: 12 },
  { sku: 'TEE-ORGANIC-M', name: 'Organic cotton T-shirt (M)', category: 'apparel', priceCents: 1990, stock: 60 },
  { sku: 'SOCKS-WOOL-3', name: 'Merino wool socks, 3 pairs', category: 'apparel', priceCents: 2400, stock: 35 },
  { sku: 'JACKET-RAIN-L', name: 'Packable rain jacket (L)', category: 'apparel', priceCents: 8900, stock: 8 },
  {
    sku: 'LAMP-DESK-LED',
    name: 'LED desk lamp',
    description: 'Dimmable, USB-C powered',
    category: 'home',
    priceCents: 4500,
    stock: 20,
  },
  { sku: 'PLANT-POT-CERAMIC', name: 'Ceramic plant pot', category: 'home', priceCents: 1599, stock: 25 },
  { sku: 'BOOK-NEST-GUIDE', name: 'A field guide to modular monoliths', category: 'books', priceCents: 3900, stock: 5 },
  { sku: 'GIFT-CARD-25', name: 'Gift card, 25.00', category: 'gifts', priceCents: 2500, stock: 1000 },
];
