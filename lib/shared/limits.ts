// Hard caps on anything scraped from a page (untrusted input). Its own module so the schemas
// (lib/shared/schemas.ts) and the model (lib/shared/model.ts, which takes its snapshot types from
// the schemas) both read it without importing each other.
export const LIMITS = {
  /** A message's text; 100,000 characters must survive unchanged. */
  textChars: 200_000,
  titleChars: 1_000,
  previewChars: 2_000,
  nativeIdChars: 512,
  conversationsPerBatch: 2_000,
  messagesPerBatch: 2_000,
  attachmentsPerMessage: 32,
  /** What a user may send in one reply, before platform limits. */
  outgoingChars: 8_000,
  /** A layout report (content/layout-report.ts): the page's structure, sent when it is not recognised. */
  layoutReportChars: 20_000,
} as const;
