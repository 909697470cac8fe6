import { ResourceAlreadyExistsException } from './client-errors';
import { InvalidStateException } from './domain-errors';

describe('error messages', () => {
  it('name a resource with the article it takes', () => {
    expect(new InvalidStateException('Order', 'completed', 'cancel').message).toBe(
      'Cannot cancel an order that is completed',
    );
    expect(new InvalidStateException('Product', 'deleted', 'update').message).toBe(
      'Cannot update a product that is deleted',
    );
    expect(new ResourceAlreadyExistsException('Order', 'id').message).toBe('An order with this id already exists');
    expect(new ResourceAlreadyExistsException('User', 'email').message).toBe('A user with this email already exists');
  });
});
