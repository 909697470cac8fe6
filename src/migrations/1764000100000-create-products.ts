import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The product catalogue. Every sort order a client may ask for has a keyset index ending in the
 * id (the tiebreaker), partial on live rows, so cursor pages cost the same at any depth.
 */
export class CreateProducts1764000100000 implements MigrationInterface {
  name = 'CreateProducts1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "products" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "sku" varchar(64) NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" text,
        "category" varchar(64),
        "price_cents" integer NOT NULL,
        "stock" integer NOT NULL DEFAULT 0,
        "created_by_id" uuid NOT NULL,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        "deleted_at" timestamptz(3),
        CONSTRAINT "ck_products_price_cents_non_negative" CHECK ("price_cents" >= 0),
        CONSTRAINT "ck_products_stock_non_negative" CHECK ("stock" >= 0),
        CONSTRAINT "fk_products_created_by_id" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id")
      )`);
    // Over every row, deleted or not: a sku stays taken by the product (and the orders) that used it.
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_products_sku" ON "products" ("sku")`);
    await queryRunner.query(
      `CREATE INDEX "ix_products_created_at_id" ON "products" ("created_at", "id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_products_price_cents_id" ON "products" ("price_cents", "id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_products_name_id" ON "products" ("name", "id") WHERE "deleted_at" IS NULL`,
    );
    // The category filter with the default sort (newest first) reads one index range in order.
    await queryRunner.query(
      `CREATE INDEX "ix_products_category_created_at_id" ON "products" ("category", "created_at", "id") WHERE "deleted_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "products"`);
  }
}
