export * from './cursor-codec';
export * from './page-meta.dto';
export * from './page-query.dto';
export * from './pagination.module';
export * from './paginator.service';
export * from './sort-spec';
