// The text-level marks of armor, with no codec or hash behind them: what the popup and side panel
// need to hide ciphertext in a list preview without loading the crypto packages (armor.ts, which
// decodes parts, pulls in @scure/base and @noble/hashes).

export const ARMOR_MARKER = 'UIE1';

/** Longest page text we scan; anything longer is cut (a message bubble is far shorter). */
export const MAX_SCAN_CHARS = 400_000;

// Characters that messengers insert or that copy/paste and wrapping introduce: always ignored.
const IGNORABLE = /[\s\u00A0\u00AD\u034F\u180E\u200B-\u200F\u2028\u2029\u202F\u205F\u2060\u3000\uFEFF]/gu;

/** NFKC-normalises and drops whitespace, NBSP, zero-width characters and soft hyphens. */
export function normalizeArmorText(text: string): string {
  return text.slice(0, MAX_SCAN_CHARS).normalize('NFKC').replace(IGNORABLE, '');
}

/** Whether a text may carry armor (a cheap test before the full parse). */
export function mayHoldArmor(text: string): boolean {
  return text.length >= ARMOR_MARKER.length && normalizeArmorText(text).includes(ARMOR_MARKER);
}
