import { ApiProperty } from '@nestjs/swagger';

/**
 * The one answer to a well-formed registration, whether or not it created an account: what
 * happened is told to the owner of the address, never to the caller (docs/decisions/0030).
 */
export class RegistrationAcceptedDto {
  @ApiProperty({ enum: ['accepted'], example: 'accepted' })
  readonly status: 'accepted';

  @ApiProperty({ example: 'ada@example.com', description: 'The address as it will be used (trimmed, lower-cased)' })
  readonly email: string;
}
