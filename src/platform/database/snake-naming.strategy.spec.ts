import { SnakeNamingStrategy } from './snake-naming.strategy';

describe(SnakeNamingStrategy.name, () => {
  const sut = new SnakeNamingStrategy();

  describe('columnName', () => {
    it.each([
      ['id', 'id'],
      ['email', 'email'],
      ['createdAt', 'created_at'],
      ['passwordChangedAt', 'password_changed_at'],
      ['createdById', 'created_by_id'],
      ['line2', 'line2'],
      ['addressLine2', 'address_line2'],
      ['sha256Digest', 'sha256_digest'],
      ['HTTPStatus', 'http_status'],
      ['externalURLPath', 'external_url_path'],
      ['userID', 'user_id'],
      ['isActive', 'is_active'],
    ])('maps the property %s to %s', (property, column) => {
      expect(sut.columnName(property, undefined, [])).toBe(column);
    });

    it('keeps a custom name as it is', () => {
      expect(sut.columnName('createdAt', 'CreatedOn', [])).toBe('CreatedOn');
    });

    it('prefixes the columns of an embedded entity', () => {
      expect(sut.columnName('postalCode', undefined, ['shippingAddress'])).toBe('shipping_address_postal_code');
    });

    it('joins the prefixes of nested embedded entities', () => {
      expect(sut.columnName('amount', undefined, ['totals', 'grandTotal'])).toBe('totals_grand_total_amount');
    });

    it('prefixes a custom name of an embedded column too', () => {
      expect(sut.columnName('postalCode', 'zip', ['billingAddress'])).toBe('billing_address_zip');
    });
  });

  describe('tableName', () => {
    it('derives a snake_case table from the class name', () => {
      expect(sut.tableName('OrderItem', undefined)).toBe('order_item');
    });

    it('keeps a custom table name', () => {
      expect(sut.tableName('OrderItem', 'order_lines')).toBe('order_lines');
    });
  });

  describe('relations and join columns', () => {
    it('snake-cases a relation name', () => {
      expect(sut.relationName('billingAddress')).toBe('billing_address');
    });

    it('names a join column after the relation and the referenced column', () => {
      expect(sut.joinColumnName('createdBy', 'id')).toBe('created_by_id');
      expect(sut.joinColumnName('parentCategory', 'externalId')).toBe('parent_category_external_id');
    });

    it('names a join table column after the table and the column, preferring the column name', () => {
      expect(sut.joinTableColumnName('products', 'id')).toBe('products_id');
      expect(sut.joinTableColumnName('productTags', 'tagId', 'id')).toBe('product_tags_id');
    });
  });
});
