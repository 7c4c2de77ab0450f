// What the form keeps with `vscode.setState`, and how it reads it back. The state may come from an
// older or broken build, so it is read with the same schemas as the host's messages, field by field.
import * as v from 'valibot';
import type { FieldsOf } from '../shared/fromHost.ts';
import { diagnosisErrorSchema, diagnosisSchema, formResultSchema, hostStateSchema, lookupAnswerSchema, maybe, rememberedSchema } from '../shared/fromHost.ts';
import type { Diagnosis, DiagnosisError, Draft, FormResult, HostState, LookupAnswer, RememberedInfo, Target } from '../shared/protocol.ts';
import { EMPTY_DRAFT, parseDraft, targetSchema } from '../shared/protocol.ts';

/** What the form keeps, so hiding or reloading the view loses nothing. */
export interface SavedState {
  draft: Draft;
  /** The last host state, so a reload renders in the right language at once. */
  host?: HostState;
  /** The host's estimate of the next automatic version, for the target it was asked about. */
  version?: { target: Target; version: string };
  /** What the host said the extension last set for a target (`badge` absent: never set). */
  remembered?: { target: Target; badge?: RememberedInfo };
  result?: FormResult;
  resultAction?: 'send' | 'clear';
  /** The last lookup of an email or phone number (shown while the field holds it, or an ID it found). */
  lookup?: LookupAnswer;
  /** The last diagnosis, for the target it was run for (shown while the field holds that target). */
  diagnosis?: SavedDiagnosis;
}

/** A diagnosis as the form keeps it: for the target it was run for, and why it could not run, if so. */
export interface SavedDiagnosis {
  target: Target;
  result: Diagnosis;
  error?: DiagnosisError;
}

const savedSchema = v.object({
  host: maybe(hostStateSchema),
  version: maybe(v.object({ target: targetSchema, version: v.string() })),
  // A malformed badge is unknown, not "never set": then nothing is remembered.
  remembered: maybe(v.object({ target: targetSchema, badge: v.optional(rememberedSchema) })),
  result: maybe(formResultSchema),
  resultAction: maybe(v.picklist(['send', 'clear'])),
  lookup: maybe(lookupAnswerSchema),
  diagnosis: maybe(v.object({ target: targetSchema, result: diagnosisSchema, error: maybe(diagnosisErrorSchema) } satisfies FieldsOf<SavedDiagnosis>)),
} satisfies FieldsOf<Omit<SavedState, 'draft'>>);

/** Each field of the draft as saved when it is valid, else the empty draft's. */
function readDraft(stored: unknown): Draft {
  let draft: Draft = { ...EMPTY_DRAFT };
  if (typeof stored !== 'object' || stored === null) return draft;
  for (const [key, value] of Object.entries(stored)) {
    if (key in EMPTY_DRAFT) draft = parseDraft({ ...draft, [key]: value }) ?? draft;
  }
  return draft;
}

/** Saved state degrades field by field instead of failing whole. */
export function readSavedState(value: unknown): SavedState {
  const parsed = v.safeParse(savedSchema, value);
  const draft = readDraft(typeof value === 'object' && value !== null && 'draft' in value ? value.draft : undefined);
  return parsed.success ? { ...parsed.output, draft } : { draft };
}
