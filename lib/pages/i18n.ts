// The pages' entry to the interface strings. The table itself lives in lib/shared/i18n.ts, a module any
// context may import, so the worker (notifications) reads it without importing page code.
export * from '../shared/i18n';
