import type { ClientBadgeNum } from './types.ts';

export type ParsedCounts = { ok: true; pc: ClientBadgeNum; mobile: ClientBadgeNum } | { ok: false; id: 'counts.format' };

/**
 * The palette's short form for counts, read the way the form reads its fields: `3` sets the
 * web-app badge to 3 on PC and mobile and leaves the mini-program (gadget) badge out of the body,
 * so it stays as it is; `1, 2, 3, 4` sets PC web app, PC mini program, mobile web app and mobile
 * mini program. Range checks are left to the schema, so the messages stay in one place.
 */
export function parseCounts(text: string): ParsedCounts {
  const parts = text.trim().split(/[\s,，]+/).filter((part) => part !== '');
  if ((parts.length !== 1 && parts.length !== 4) || !parts.every((part) => /^-?\d+$/.test(part))) {
    return { ok: false, id: 'counts.format' };
  }
  const [a = 0, b = 0, c = 0, d = 0] = parts.map(Number);
  return parts.length === 1 ? { ok: true, pc: { web_app: a }, mobile: { web_app: a } } : { ok: true, pc: { web_app: a, gadget: b }, mobile: { web_app: c, gadget: d } };
}
