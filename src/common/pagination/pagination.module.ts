import { Global, Module } from '@nestjs/common';

import { CursorCodec } from './cursor-codec';
import { Paginator } from './paginator.service';

@Global()
@Module({
  providers: [CursorCodec, Paginator],
  exports: [Paginator],
})
export class PaginationModule {}
