// Cheap recognition of armored text, shared by the background and the extension pages.
import { findArmored } from '../../crypto/armor';

/** Whether a text may carry armor; in its own module so the pages can use it without the codecs. */
export { mayHoldArmor } from '../../crypto/armor-text';

/** The armor message id of the first part in a text, if any. */
export function armorIdOf(text: string): string | null {
  return findArmored(text).parts[0]?.messageId ?? null;
}
