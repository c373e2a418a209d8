// WhatsApp's `data-id` in its three shapes (field guide):
//   legacy 1:1     true_<chat>@c.us_<msgid>
//   legacy group   false_<group>@g.us_<msgid>_<participant>@c.us
//   2026           a bare opaque id (3A0123…), or <bool>_<lid>@lid_<msgid>
// The msgid is unique per chat and is what we dedupe on.

export interface ParsedDataId {
  /** true: sent by me; false: received; undefined: the bare shape does not say. */
  fromMe?: boolean;
  chat?: string;
  msgId: string;
  participant?: string;
}

const PREFIXED =
  /^(true|false)_([^_\s]+@(?:c\.us|g\.us|lid|s\.whatsapp\.net|broadcast|newsletter))_([^_\s]+)(?:_([^_\s]+@(?:c\.us|lid|s\.whatsapp\.net)))?$/;
const BARE = /^[A-Za-z0-9]{8,64}$/;

export function parseDataId(raw: string | null | undefined): ParsedDataId | null {
  const id = (raw ?? '').trim();
  if (!id || id.length > 256) return null;
  const m = PREFIXED.exec(id);
  if (m) {
    const out: ParsedDataId = { fromMe: m[1] === 'true', chat: m[2]!, msgId: m[3]! };
    if (m[4]) out.participant = m[4];
    return out;
  }
  if (BARE.test(id)) return { msgId: id };
  return null;
}
