import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import type { Principal } from '../common/access/principal';
import { OptionalUser, Public } from '../common/decorators';
import { FeatureFlagsService } from './feature-flags.service';

@ApiTags('features')
@Controller('features')
export class FeatureFlagsController {
  constructor(private readonly flags: FeatureFlagsService) {}

  /**
   * Public, so a client can adapt before sign-in: anonymous callers get only the flags rolled out
   * to everyone (all `true`); with credentials, every flag as evaluated for that user.
   */
  @Public()
  @Get()
  @ApiOperation({
    summary: 'Every feature flag as evaluated for the caller (anonymous: only the flags it gets, all true)',
  })
  @ApiOkResponse({
    description: 'Flag key → whether the caller gets the feature',
    schema: {
      type: 'object',
      required: ['success', 'data'],
      properties: {
        success: { type: 'boolean', example: true },
        data: {
          type: 'object',
          additionalProperties: { type: 'boolean' },
          example: { 'products.search-descriptions': true, 'checkout.new-flow': false },
        },
      },
    },
  })
  features(@OptionalUser() principal: Principal | undefined): Promise<Record<string, boolean>> {
    return this.flags.evaluateAll(principal?.userId);
  }
}
