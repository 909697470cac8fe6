import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1764000300000 implements MigrationInterface {
  name = 'CreateOrders1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "orders" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "status" varchar(20) NOT NULL DEFAULT 'pending',
        "total_cents" integer NOT NULL,
        "payment_method" varchar(64) NOT NULL,
        "notes" varchar(500),
        "payment_id" varchar(64),
        "failure_reason" varchar(100),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        "settled_at" timestamptz(3),
        CONSTRAINT "ck_orders_status" CHECK ("status" IN ('pending', 'completed', 'payment_failed', 'cancelled')),
        CONSTRAINT "ck_orders_total_cents_non_negative" CHECK ("total_cents" >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_orders_user_id_created_at_id" ON "orders" ("user_id", "created_at", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_orders_created_at_id" ON "orders" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_orders_status_created_at_id" ON "orders" ("status", "created_at", "id")`);
    await queryRunner.query(`
      CREATE TABLE "order_items" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "order_id" uuid NOT NULL,
        "product_id" uuid NOT NULL,
        "sku" varchar(64) NOT NULL,
        "name" varchar(200) NOT NULL,
        "unit_price_cents" integer NOT NULL,
        "quantity" integer NOT NULL,
        "line_total_cents" integer NOT NULL,
        CONSTRAINT "fk_order_items_order_id" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_order_items_quantity" CHECK ("quantity" BETWEEN 1 AND 1000),
        CONSTRAINT "ck_order_items_unit_price_cents_non_negative" CHECK ("unit_price_cents" >= 0)
      )`);
    await queryRunner.query(`CREATE INDEX "ix_order_items_order_id" ON "order_items" ("order_id")`);
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "user_id" uuid NOT NULL,
        "key" varchar(255) NOT NULL,
        "request_hash" varchar(64) NOT NULL,
        "response_status" integer,
        "response_body" jsonb,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("user_id", "key")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_idempotency_keys_created_at" ON "idempotency_keys" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
    await queryRunner.query(`DROP TABLE "order_items"`);
    await queryRunner.query(`DROP TABLE "orders"`);
  }
}
