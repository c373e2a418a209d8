// Reading the sweep records (lib/shared/sweep.ts) the worker keeps in `meta`: the latest run per
// platform, when each platform's chat list was last read to its end, and which conversations were
// read back to their start. Used by the worker and (read-only) by the pages.
import type { InboxDb } from './db';
import { PLATFORMS, type Platform } from '../shared/model';
import { chatsReadKey, SWEEP_KINDS, SWEEP_REASONS, SWEEP_SILENCE_MS, SWEEP_STATES, sweepKey, type SweepRecord } from '../shared/sweep';

/**
 * Meta key: this conversation's history was read back to its first message (a 'older' run ended
 * with 'start-of-conversation'); the value is when (epoch ms). Kept apart from the conversation
 * record so the merge, which rewrites conversations, never has to carry it.
 */
export const threadStartKey = (conversationId: string) => `thread-start:${conversationId}`;

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A stored value that has the record's shape (the store is ours, but a damaged record must not break a page). */
export function isSweepRecord(v: unknown): v is SweepRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    (PLATFORMS as readonly unknown[]).includes(r.platform) &&
    typeof r.runId === 'string' &&
    (SWEEP_KINDS as readonly unknown[]).includes(r.kind) &&
    (SWEEP_STATES as readonly unknown[]).includes(r.state) &&
    (r.reason === undefined || (SWEEP_REASONS as readonly unknown[]).includes(r.reason)) &&
    (r.conversationId === undefined || typeof r.conversationId === 'string') &&
    isTime(r.steps) &&
    isTime(r.found) &&
    isTime(r.startedAt) &&
    isTime(r.updatedAt)
  );
}

export async function sweepRecord(db: InboxDb, platform: Platform): Promise<SweepRecord | null> {
  const value = (await db.meta.get(sweepKey(platform)))?.value;
  return isSweepRecord(value) ? value : null;
}

/** A running record that has been silent too long: its tab or the worker went away without a word. */
export function isSilent(record: SweepRecord, now: number): boolean {
  return record.state === 'running' && now - record.updatedAt >= SWEEP_SILENCE_MS;
}

/** The record as the pages show it: a silent 'running' one reads as interrupted (tab lost). */
export function asShown(record: SweepRecord, now: number): SweepRecord {
  return isSilent(record, now) ? { ...record, state: 'interrupted', reason: 'tab-lost' } : record;
}

export interface SweepOverview {
  /** The latest run per platform (as stored; see asShown). */
  records: Partial<Record<Platform, SweepRecord>>;
  /** When each platform's whole chat list was last read to its end. */
  chatsReadAt: Partial<Record<Platform, number>>;
}

/** Every platform's latest run and last full read, in one read. */
export async function sweepOverview(db: InboxDb): Promise<SweepOverview> {
  const keys = PLATFORMS.flatMap((p) => [sweepKey(p), chatsReadKey(p)]);
  const rows = await db.meta.bulkGet(keys);
  const overview: SweepOverview = { records: {}, chatsReadAt: {} };
  PLATFORMS.forEach((p, i) => {
    const record = rows[2 * i]?.value;
    const readAt = rows[2 * i + 1]?.value;
    if (isSweepRecord(record)) overview.records[p] = record;
    if (isTime(readAt)) overview.chatsReadAt[p] = readAt;
  });
  return overview;
}

/** Whether this conversation was read back to its start. */
export async function threadStartReached(db: InboxDb, conversationId: string): Promise<boolean> {
  return isTime((await db.meta.get(threadStartKey(conversationId)))?.value);
}
