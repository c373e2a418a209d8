// A run's outcome in words, from its reason code (the store keeps codes, never one language's text).
import { PLATFORM_LABEL, type Platform } from '../../shared/model';
import type { SweepReason, SweepRecord } from '../../shared/sweep';
import type { SweepStartReply } from '../../shared/requests';
import type { Unreachable } from '../call';
import { count } from '../format';
import type { Language, Strings } from '../i18n';

/** A final record without a reason (none should have one) still reads as its state. */
function reasonOf(r: SweepRecord): SweepReason {
  if (r.reason) return r.reason;
  return r.state === 'done' ? 'end' : r.state === 'cancelled' ? 'cancelled' : r.state === 'stopped' ? 'user-input' : 'tab-lost';
}

export function outcomeText(r: SweepRecord, s: Strings, lang: Language): string {
  return s.sweep.outcome[reasonOf(r)](PLATFORM_LABEL[r.platform], count(r.found, lang), r.kind);
}

/** Why a start was refused, or '' when it started. */
export function refusalText(reply: SweepStartReply | Unreachable, platform: Platform | null, s: Strings): string {
  if (reply.ok) return '';
  if ('unreachable' in reply) return s.sweep.unreachable;
  const reason = reply.error as SweepReason;
  const say = s.sweep.outcome[reason];
  if (!say) return s.sweep.unreachable;
  // "Read all chats": no one platform to name.
  if (!platform && reason === 'no-tab') return s.sweep.noTabs;
  if (!platform && reason !== 'busy') return s.sweep.noneReady;
  return say(platform ? PLATFORM_LABEL[platform] : '', '', 'chats');
}
