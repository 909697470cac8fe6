import { AppException, type ErrorDetails, withArticle } from './app.exception';
import { ErrorCode } from './error-code';

export class BusinessRuleException extends AppException {
  readonly code = ErrorCode.BusinessRuleViolation;

  constructor(message: string, details?: ErrorDetails) {
    super(message, details);
  }
}

export class InvalidStateException extends AppException {
  readonly code = ErrorCode.InvalidState;

  constructor(resourceType: string, currentState: string, attempted: string) {
    super(`Cannot ${attempted} ${withArticle(resourceType.toLowerCase())} that is ${currentState}`, {
      resourceType,
      currentState,
      attempted,
    });
  }
}

export class InsufficientStockException extends AppException {
  readonly code = ErrorCode.InsufficientStock;

  constructor(productId: string, requested: number, available: number) {
    super('Not enough stock for the requested quantity', { productId, requested, available });
  }
}
