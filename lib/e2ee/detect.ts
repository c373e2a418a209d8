// Cheap recognition of armored text, shared by the background and the extension pages.
import { ARMOR_MARKER, findArmored, normalizeArmorText } from '../crypto/armor';

/** Whether a text may carry armor (a cheap test before the full parse). */
export function mayHoldArmor(text: string): boolean {
  return text.length >= ARMOR_MARKER.length && normalizeArmorText(text).includes(ARMOR_MARKER);
}

/** The armor message id of the first part in a text, if any. */
export function armorIdOf(text: string): string | null {
  return findArmored(text).parts[0]?.messageId ?? null;
}
