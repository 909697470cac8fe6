import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { ErrorCode } from '../errors';

export class ErrorBodyDto {
  @ApiProperty({ enum: ErrorCode, example: ErrorCode.ValidationError })
  readonly code: ErrorCode;

  @ApiProperty({ example: 'Request validation failed' })
  readonly message: string;

  @ApiPropertyOptional({
    description: 'Machine-readable context; for VALIDATION_ERROR `errors: [{ loc, msg, type }]`',
    example: { errors: [{ loc: ['body', 'email'], msg: 'must be an email', type: 'invalid.isEmail' }] },
  })
  readonly details?: Record<string, unknown>;
}

export class ErrorEnvelopeDto {
  @ApiProperty({ example: false })
  readonly success: false;

  @ApiProperty({ type: ErrorBodyDto })
  readonly error: ErrorBodyDto;

  @ApiProperty({ example: '3b1f2c9e-8f0a-4d7e-9a51-2f4c1b7e6d10' })
  readonly requestId: string;
}
