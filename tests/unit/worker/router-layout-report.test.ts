// The layout report's way from the page to the store: it rides on a non-ok health in an ingest,
// schema-checked and size-capped, and is kept on the platform's health record until the state changes.
import 'fake-indexeddb/auto';
import { beforeEach, expect, test } from 'vitest';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { LIMITS } from '../../../lib/shared/model';
import { backgroundContext, contentSender } from '../helpers/background';

const igTab = contentSender('https://www.instagram.com/direct/inbox/', 3);

let db: InboxDb;
let ctx: BackgroundContext;
let k = 0;
let batch = 0;
beforeEach(async () => {
  db = openDb(`layout-report-store-${k++}`);
  ctx = backgroundContext(db, { tabs: { findTabs: async () => [], sendToTab: async () => ({ accepted: true }) } });
});

const ingest = (health: Record<string, unknown>) =>
  handleMessage(ctx, { type: 'ingest', platform: 'instagram', batchId: `b${batch++}`, health, conversations: [], thread: null }, igTab);

test('a report sent with layout-unknown is stored on the health record, and dropped when the page is ok again', async () => {
  expect(await ingest({ state: 'layout-unknown', reason: 'chat rows found (4) but none readable', report: 'R1' })).toMatchObject({
    ok: true,
  });
  expect(await db.health.get('instagram')).toMatchObject({ state: 'layout-unknown', layoutReport: 'R1' });
  // Same state, newer report: replaced.
  await ingest({ state: 'layout-unknown', reason: 'chat rows found (4) but none readable', report: 'R2' });
  expect((await db.health.get('instagram'))!.layoutReport).toBe('R2');
  await ingest({ state: 'ok' });
  const h = await db.health.get('instagram');
  expect(h!.state).toBe('ok');
  expect(h!.layoutReport).toBeUndefined();
});

test('a report with an ok health is not stored; one over the size cap is refused with its batch', async () => {
  await ingest({ state: 'ok', report: 'R' });
  expect((await db.health.get('instagram'))!.layoutReport).toBeUndefined();
  const big = 'x'.repeat(LIMITS.layoutReportChars + 1);
  expect(await ingest({ state: 'layout-unknown', report: big })).toMatchObject({ ok: false });
  expect((await db.health.get('instagram'))!.state).toBe('ok');
  expect(await ingest({ state: 'layout-unknown', report: 42 })).toMatchObject({ ok: false });
});
