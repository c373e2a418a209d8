import { describe, expect, test } from 'vitest';
import { parseDataId } from '../../content/whatsapp/ids';
import { parseListTime, parsePrePlainText } from '../../content/whatsapp/time';

describe('WhatsApp data-id', () => {
  test('legacy 1:1, both directions', () => {
    expect(parseDataId('true_6281234567890@c.us_3EB0C431C26A1916E0F2')).toEqual({ fromMe: true, chat: '6281234567890@c.us', msgId: '3EB0C431C26A1916E0F2' });
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
    for (const bad of ['', '   ', null, 'true_', 'x y', '<img src=x>', 'a'.repeat(300), 'maybe_123@c.us_ABC']) expect(parseDataId(bad)).toBeNull();
  });
});

describe('WhatsApp data-pre-plain-text', () => {
  const local = (y: number, mo: number, d: number, h: number, m: number) => new Date(y, mo - 1, d, h, m).getTime();
  test('US: 12-hour, month first', () => {
    expect(parsePrePlainText('[10:54 PM, 12/9/2025] Budi Santoso: ')).toEqual({ at: local(2025, 12, 9, 22, 54), sender: 'Budi Santoso' });
    expect(parsePrePlainText('[12:05 AM, 1/2/2026] Sarah: ')!.at).toBe(local(2026, 1, 2, 0, 5));
    expect(parsePrePlainText('[12:30 PM, 1/2/2026] Sarah: ')!.at).toBe(local(2026, 1, 2, 12, 30));
  });
  test('day first, 24-hour (and Indonesian dots)', () => {
    expect(parsePrePlainText('[10:30, 28/09/2026] Nama: ')).toEqual({ at: local(2026, 9, 28, 10, 30), sender: 'Nama' });
    expect(parsePrePlainText('[00:00, 01/02/2026] Mama: ')!.at).toBe(local(2026, 2, 1, 0, 0));
    expect(parsePrePlainText('[21.15, 5/3/26] Dewi: ')!.at).toBe(local(2026, 3, 5, 21, 15));
  });
  test('unambiguous values win over the clock hint', () => {
    // A day above 12 tells the order even with a 12-hour clock.
    expect(parsePrePlainText('[9:00 AM, 28/9/2026] X: ')!.at).toBe(local(2026, 9, 28, 9, 0));
    expect(parsePrePlainText('[09:00, 9/28/2026] X: ')!.at).toBe(local(2026, 9, 28, 9, 0));
  });
  test('sender names with colons and brackets survive', () => {
    expect(parsePrePlainText('[10:30, 28/09/2026] Dr. Sinta (Klinik): ')!.sender).toBe('Dr. Sinta (Klinik)');
  });
  test('bad input → null', () => {
    for (const bad of ['', 'hello', '[25:00, 1/1/2026] X: ', '[10:61, 1/1/2026] X: ', '[10:00, 31/02/2026] X: ', '[13:00 PM, 1/1/2026] X: ', '[10:00] X: ', null]) {
      expect(parsePrePlainText(bad)).toBeNull();
    }
  });
});

describe('WhatsApp chat-list time labels', () => {
  const now = new Date(2026, 10, 25, 15, 0).getTime(); // Wednesday 25 Nov 2026
  const day = (y: number, mo: number, d: number) => new Date(y, mo - 1, d).getTime();
  test('clock today, yesterday, weekdays, dates', () => {
    expect(parseListTime('10:54', now)).toBe(new Date(2026, 10, 25, 10, 54).getTime());
    expect(parseListTime('9:05 PM', now)).toBe(new Date(2026, 10, 25, 21, 5).getTime());
    expect(parseListTime('Yesterday', now)).toBe(day(2026, 11, 24));
    expect(parseListTime('Kemarin', now)).toBe(day(2026, 11, 24));
    expect(parseListTime('Monday', now)).toBe(day(2026, 11, 23));
    expect(parseListTime('Senin', now)).toBe(day(2026, 11, 23));
    expect(parseListTime('Wednesday', now)).toBe(day(2026, 11, 18));
    expect(parseListTime('05/11/2026', now)).toBe(day(2026, 11, 5));
    expect(parseListTime('11/5/2026', now, true)).toBe(day(2026, 11, 5));
  });
  test('unknown labels → null', () => {
    expect(parseListTime('', now)).toBeNull();
    expect(parseListTime('soon', now)).toBeNull();
  });
});
