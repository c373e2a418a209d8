// The pages' entry to the interface strings. The tables live in lib/shared/i18n/ (one file per
// language), which any context may import, so the worker (notifications) reads them without
// importing page code.
export * from '../shared/i18n';
