export * from './errors';
export * from './yaml-source';
export * from './schema-validation';
export * from './resource-types';
export * from './catalog/model';
export * from './catalog/load-catalog';
export * from './catalog/tag-rules';
