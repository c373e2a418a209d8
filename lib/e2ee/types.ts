// The e2ee layer's stored shapes live in the store tier (lib/e2ee-records.ts) so that the schema
// does not import feature code; this keeps the layer's own imports short.
export type * from '../e2ee-records';
