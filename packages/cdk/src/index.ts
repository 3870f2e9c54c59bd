export type { CatalogSelection } from './catalog-for';
export * from './tarmac-checks';
export * from './mandatory-tags';
export * from './permissions-boundary';
export * from './stacksets';
export * from './baselines';
export * from './finops';
