export * from './tarmac-checks';
export * from './mandatory-tags';
export * from './permissions-boundary';
export * from './stacksets';
