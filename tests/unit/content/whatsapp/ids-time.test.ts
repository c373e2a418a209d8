import { describe, expect, test } from 'vitest';
import { monthFirstFor } from '../../../../content/whatsapp/date-order';
import { parseDataId } from '../../../../content/whatsapp/ids';
import {
  dayMonthPair,
  forgetStamps,
  isListTimeLabel,
  parseListTime,
  parsePrePlainText,
  prePlainDatePair,
} from '../../../../content/whatsapp/time';

describe('WhatsApp data-id', () => {
  test('legacy 1:1, both directions', () => {
    expect(parseDataId('true_6281234567890@c.us_3EB0C431C26A1916E0F2')).toEqual({
      fromMe: true,
      chat: '6281234567890@c.us',
      msgId: '3EB0C431C26A1916E0F2',
    });
    expect(parseDataId('false_6281234567890@c.us_ABCDEF1234')).toMatchObject({ fromMe: false, msgId: 'ABCDEF1234' });
  });
  test('legacy group with participant', () => {
    expect(parseDataId('false_120363025246125486@g.us_3A9F00AA11_6281311112222@c.us')).toEqual({
      fromMe: false,
      chat: '120363025246125486@g.us',
      msgId: '3A9F00AA11',
      participant: '6281311112222@c.us',
    });
  });
  test('2026 bare opaque id and lid form', () => {
    expect(parseDataId('3A0123456789ABCDEF0')).toEqual({ msgId: '3A0123456789ABCDEF0' });
    expect(parseDataId('true_190234829384756@lid_3AF00D')).toEqual({ fromMe: true, chat: '190234829384756@lid', msgId: '3AF00D' });
  });
  test('garbage is rejected', () => {
    for (const bad of ['', '   ', null, 'true_', 'x y', '<img src=x>', 'a'.repeat(300), 'maybe_123@c.us_ABC'])
      expect(parseDataId(bad)).toBeNull();
  });
});

describe('WhatsApp data-pre-plain-text', () => {
  const local = (y: number, mo: number, d: number, h: number, m: number) => new Date(y, mo - 1, d, h, m).getTime();
  test('US: 12-hour, month first', () => {
    expect(parsePrePlainText('[10:54 PM, 12/9/2025] Budi Santoso: ', true)).toEqual({
      at: local(2025, 12, 9, 22, 54),
      sender: 'Budi Santoso',
    });
    expect(parsePrePlainText('[12:05 AM, 1/2/2026] Sarah: ', true)!.at).toBe(local(2026, 1, 2, 0, 5));
    expect(parsePrePlainText('[12:30 PM, 1/2/2026] Sarah: ', true)!.at).toBe(local(2026, 1, 2, 12, 30));
  });
  test('day first, 24-hour (and Indonesian dots)', () => {
    expect(parsePrePlainText('[10:30, 28/09/2026] Nama: ', false)).toEqual({ at: local(2026, 9, 28, 10, 30), sender: 'Nama' });
    expect(parsePrePlainText('[00:00, 01/02/2026] Mama: ', false)!.at).toBe(local(2026, 2, 1, 0, 0));
    expect(parsePrePlainText('[21.15, 5/3/26] Dewi: ', false)!.at).toBe(local(2026, 3, 5, 21, 15));
  });
  test("the clock style does not tell the order: the caller's order does (2026 en-US 24-hour, en-IN 12-hour)", () => {
    // live-2026.md: "[14:14, 3/30/2026]" is en-US (24-hour, month first); "[9:12 am, 10/12/2025]" en-IN (day first).
    expect(parsePrePlainText('[14:14, 3/4/2026] Budi: ', true)!.at).toBe(local(2026, 3, 4, 14, 14));
    expect(parsePrePlainText('[14:14, 3/4/2026] Budi: ', false)!.at).toBe(local(2026, 4, 3, 14, 14));
    expect(parsePrePlainText('[9:12 am, 10/12/2025] +91 98450 12345: ', false)).toEqual({
      at: local(2025, 12, 10, 9, 12),
      sender: '+91 98450 12345',
    });
    expect(parsePrePlainText('[9:12 am, 10/12/2025] +91 98450 12345: ', true)!.at).toBe(local(2025, 10, 12, 9, 12));
  });
  test('unambiguous values win over the page order', () => {
    // A value above 12 tells the order of that date whatever the page order says.
    expect(parsePrePlainText('[9:00 AM, 28/9/2026] X: ', true)!.at).toBe(local(2026, 9, 28, 9, 0));
    expect(parsePrePlainText('[09:00, 9/28/2026] X: ', false)!.at).toBe(local(2026, 9, 28, 9, 0));
    expect(parsePrePlainText('[14:14, 3/30/2026] X: ', false)!.at).toBe(local(2026, 3, 30, 14, 14));
  });
  test('sender names with colons and brackets survive', () => {
    expect(parsePrePlainText('[10:30, 28/09/2026] Dr. Sinta (Klinik): ', false)!.sender).toBe('Dr. Sinta (Klinik)');
  });
  test('bad input → null', () => {
    for (const bad of [
      '',
      'hello',
      '[25:00, 1/1/2026] X: ',
      '[10:61, 1/1/2026] X: ',
      '[10:00, 31/02/2026] X: ',
      '[13:00 PM, 1/1/2026] X: ',
      '[10:00] X: ',
      null,
    ]) {
      expect(parsePrePlainText(bad, false)).toBeNull();
      expect(parsePrePlainText(bad, true)).toBeNull();
    }
  });
  test('a string is parsed once but answered per date order, and a full cache still answers right', () => {
    const raw = '[14:14, 3/4/2026] Budi: ';
    expect(parsePrePlainText(raw, true)!.at).toBe(local(2026, 3, 4, 14, 14));
    expect(parsePrePlainText(raw, false)!.at).toBe(local(2026, 4, 3, 14, 14));
    expect(parsePrePlainText(raw, true)!.at).toBe(local(2026, 3, 4, 14, 14));
    expect(prePlainDatePair(raw)).toEqual([3, 4]);
    // More distinct strings than the cache keeps (a long thread over many days): each is still its own.
    for (let i = 0; i < 10_000; i++) {
      const day = 1 + (i % 28);
      const minute = i % 60;
      const hour = Math.floor(i / 60) % 24;
      const stamp = `[${hour}:${String(minute).padStart(2, '0')}, ${day}/10/2026] Sender ${i}: `;
      const parsed = parsePrePlainText(stamp, false)!;
      expect(parsed).toEqual({ at: local(2026, 10, day, hour, minute), sender: `Sender ${i}` });
      expect(prePlainDatePair(stamp)).toEqual([day, 10]);
    }
    expect(parsePrePlainText(raw, false)!.at).toBe(local(2026, 4, 3, 14, 14));
    // Kept: the same answer object; forgotten (a page just opened, as the bench's first reads start): worked out again.
    const kept = parsePrePlainText(raw, true);
    expect(parsePrePlainText(raw, true)).toBe(kept);
    forgetStamps();
    expect(parsePrePlainText(raw, true)).not.toBe(kept);
    expect(parsePrePlainText(raw, true)).toEqual(kept);
    expect(parsePrePlainText('[25:00, 1/1/2026] X: ', true)).toBeNull();
    expect(parsePrePlainText('[25:00, 1/1/2026] X: ', true)).toBeNull();
  });
  test('the date pair of a stamp, for date-order evidence (the clock is not mistaken for a date)', () => {
    expect(prePlainDatePair('[14:14, 3/30/2026] Budi: ')).toEqual([3, 30]);
    expect(prePlainDatePair('[21.15, 5/3/26] Dewi: ')).toEqual([5, 3]);
    expect(prePlainDatePair('[10:00, 2026-03-30] X: ')).toBeNull(); // year first: no order question
    expect(prePlainDatePair('nothing')).toBeNull();
    expect(dayMonthPair('23/3/2026')).toEqual([23, 3]);
  });
});

describe('WhatsApp chat-list time labels', () => {
  const now = new Date(2026, 10, 25, 15, 0).getTime(); // Wednesday 25 Nov 2026
  const day = (y: number, mo: number, d: number) => new Date(y, mo - 1, d).getTime();
  test('clock today, yesterday, weekdays, dates', () => {
    expect(parseListTime('10:54', now, false)).toBe(new Date(2026, 10, 25, 10, 54).getTime());
    expect(parseListTime('9:05 PM', now, true)).toBe(new Date(2026, 10, 25, 21, 5).getTime());
    expect(parseListTime('9:05 pm', now, false)).toBe(new Date(2026, 10, 25, 21, 5).getTime());
    expect(parseListTime('Yesterday', now, true)).toBe(day(2026, 11, 24));
    expect(parseListTime('Kemarin', now, false)).toBe(day(2026, 11, 24));
    expect(parseListTime('Monday', now, true)).toBe(day(2026, 11, 23));
    expect(parseListTime('Senin', now, false)).toBe(day(2026, 11, 23));
    expect(parseListTime('Wednesday', now, true)).toBe(day(2026, 11, 18));
    expect(parseListTime('05/11/2026', now, false)).toBe(day(2026, 11, 5));
    expect(parseListTime('11/5/2026', now, true)).toBe(day(2026, 11, 5));
    expect(parseListTime('3/4/2026', now, true)).toBe(day(2026, 3, 4));
    expect(parseListTime('3/4/2026', now, false)).toBe(day(2026, 4, 3));
  });
  test('unknown labels → null', () => {
    expect(parseListTime('', now, true)).toBeNull();
    expect(parseListTime('soon', now, true)).toBeNull();
  });
  test('what looks like a list time (read by structure: the time is whichever leaf looks like one)', () => {
    for (const ok of ['10:54', '9:05 PM', '9:12 am', 'Yesterday', 'Kemarin', 'Senin', 'Monday', '3/30/2026', '30/03/2026', '21.15'])
      expect(isListTimeLabel(ok), ok).toBe(true);
    for (const no of ['', 'Budi Santoso', 'Jam 10:54 ya', '3 unread messages', 'Archived', '10:54 besok'])
      expect(isListTimeLabel(no), no).toBe(false);
  });
});

describe('WhatsApp date order by locale', () => {
  test('regional tags give their order; the bare language its default region', () => {
    expect(monthFirstFor('en-US')).toBe(true);
    expect(monthFirstFor('en-IN')).toBe(false);
    expect(monthFirstFor('en-GB')).toBe(false);
    expect(monthFirstFor('id-ID')).toBe(false);
    expect(monthFirstFor('id')).toBe(false);
    expect(monthFirstFor('en')).toBe(true);
    expect(monthFirstFor('not a tag!')).toBeNull();
  });
});
