// @vitest-environment happy-dom
// The layout report in the interface: where a platform shows "layout not recognised" (popup/side
// panel status lines) and in Settings, a "Layout report" button opens a "Layout report" dialog with
// the report as text and a Copy button; Escape closes it and the focus goes back; en and id.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { AdapterHealth } from '../../../lib/shared/model';
import { App } from '../../../lib/pages/App';
import { Options } from '../../../lib/pages/options/Options';

let db: InboxDb;
let n = 0;
const T0 = Date.UTC(2026, 10, 20, 9, 0);
/** A report as the content script writes it; the markup in it must stay text. */
const REPORT = [
  'Unified Inbox layout report (structure only: no text, names or labels)',
  'platform: messenger',
  'state: layout-unknown',
  'reason: chat rows found (12) but none readable',
  'anchors (selector name: matches in the page):',
  '  chatRow: 12',
  'outline:',
  'body',
  '  <img src=x onerror=alert(1)>',
].join('\n');

beforeEach(async () => {
  db = openDb(`layout-report-ui-${n++}`);
  await db.open();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function health(records: Partial<AdapterHealth>[]) {
  await db.health.bulkPut(records.map((r) => ({ platform: 'messenger', state: 'ok', checkedAt: T0, ...r }) as AdapterHealth));
}

async function openReport(where: HTMLElement = document.body) {
  const button = await within(where).findByRole('button', { name: 'Layout report' });
  button.focus();
  fireEvent.click(button);
  const dialog = await screen.findByRole('dialog', { name: 'Layout report' });
  return { button, dialog };
}

async function axeViolations(root: Element) {
  // Rules about colour and page layout need a real renderer (the browser tests run those).
  const result = await axe.run(root, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((x) => x.html).join(' | ')}`);
}

describe('layout report in the popup', () => {
  test('a platform whose layout is not recognised offers its report; the dialog shows it as text and copies it', async () => {
    await health([
      { platform: 'messenger', state: 'layout-unknown', reason: 'chat rows found (12) but none readable', layoutReport: REPORT },
    ]);
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    render(<App db={db} layout="popup" language="en" />);
    const status = await screen.findByRole('list', { name: 'Platform status' });
    await within(status).findByText(/page layout not recognised/);
    const { button, dialog } = await openReport(status);

    // Shown as text: the report's markup is characters, never an element.
    const text = within(dialog).getByRole('region', { name: 'Layout report' });
    expect(text.textContent).toBe(REPORT);
    expect(dialog.querySelector('img')).toBeNull();
    expect(within(dialog).getByText(/No messages, names or labels/)).toBeTruthy();

    // The first action has the focus; Copy puts the whole report on the clipboard and says so.
    const copy = within(dialog).getByRole('button', { name: 'Copy' });
    expect(document.activeElement).toBe(copy);
    fireEvent.click(copy);
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith(REPORT);

    expect(await axeViolations(document.body)).toEqual([]);

    // Escape closes it and the focus returns to the button that opened it.
    fireEvent.keyDown(copy, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Layout report' })).toBeNull());
    expect(document.activeElement).toBe(button);
  });

  test('a clipboard that refuses: the user is told to copy by hand', async () => {
    await health([{ platform: 'whatsapp', state: 'layout-unknown', layoutReport: REPORT }]);
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async () => Promise.reject(new Error('denied')) },
    });
    render(<App db={db} layout="popup" language="en" />);
    const { dialog } = await openReport();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy' }));
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/select the text/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  test('no report button where the layout is fine, or no report was sent', async () => {
    await health([
      { platform: 'whatsapp', state: 'not-logged-in' },
      { platform: 'instagram', state: 'layout-unknown' },
      { platform: 'messenger', state: 'ok', layoutReport: REPORT },
    ]);
    render(<App db={db} layout="popup" language="en" />);
    const status = await screen.findByRole('list', { name: 'Platform status' });
    await within(status).findByText(/not logged in/);
    expect(screen.queryByRole('button', { name: 'Layout report' })).toBeNull();
  });

  test('in Indonesian', async () => {
    await health([{ platform: 'instagram', state: 'layout-unknown', layoutReport: REPORT }]);
    render(<App db={db} layout="popup" language="id" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Laporan tata letak' }));
    const dialog = await screen.findByRole('dialog', { name: 'Laporan tata letak' });
    expect(within(dialog).getByRole('button', { name: 'Salin' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Tutup' })).toBeTruthy();
  });
});

describe('layout report in Settings', () => {
  test('each platform has its status line; a report is one button away, and keyboard-closable', async () => {
    await health([
      { platform: 'whatsapp', state: 'ok' },
      { platform: 'messenger', state: 'layout-unknown', layoutReport: REPORT },
    ]);
    render(<Options db={db} language="en" />);
    const section = await screen.findByRole('region', { name: 'Platform status' });
    await within(section).findByText(/page layout not recognised/);
    expect(within(section).getByText(/connected/)).toBeTruthy(); // WhatsApp
    expect(within(section).getByText(/not read yet/)).toBeTruthy(); // Instagram never reported
    const buttons = within(section).getAllByRole('button', { name: 'Layout report' });
    expect(buttons).toHaveLength(1);
    const { button, dialog } = await openReport(section);
    expect(within(dialog).getByRole('region', { name: 'Layout report' }).textContent).toBe(REPORT);
    expect(await axeViolations(document.body)).toEqual([]);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Layout report' })).toBeNull());
    expect(document.activeElement).toBe(button);
  });
});
