import type { TransitionContext } from './context.js';
import { DomainError } from './errors.js';
import type { DomainEvent, Transition } from './events.js';
import type { ActionId, IncidentId } from './ids.js';
import { person } from './incident-transitions.js';
import { LONG_TEXT_MAX, optionalText } from './text.js';
import type { User } from './user.js';

/** A follow-up: something someone must do, during the incident or after it. */
export interface Action {
  readonly id: ActionId;
  readonly incidentId: IncidentId;
  readonly text: string;
  readonly owner: User | null;
  readonly done: boolean;
  readonly doneAt: Date | null;
  /** A follow-up agreed after the incident (at its RCA), rather than an action taken during it. */
  readonly followUp: boolean;
  /** When a follow-up is due: an ISO calendar date (yyyy-mm-dd), or null. */
  readonly dueOn: string | null;
  readonly createdBy: User;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function checkText(text: string): string {
  const value = optionalText(text, 'text', LONG_TEXT_MAX, 'action.invalid');
  if (value === null) throw new DomainError('action.invalid', 'An action needs a description.', { field: 'text' });
  return value;
}

/** Records a new, open action. */
export function addAction(
  incidentId: IncidentId,
  input: { readonly text: string; readonly owner?: User | null; readonly followUp?: boolean; readonly dueOn?: string | null },
  ctx: TransitionContext,
): Transition<Action> {
  const action: Action = {
    id: ctx.newId() as ActionId,
    incidentId,
    text: checkText(input.text),
    owner: input.owner ?? null,
    done: false,
    doneAt: null,
    followUp: input.followUp ?? false,
    dueOn: input.dueOn ?? null,
    createdBy: ctx.actor,
    createdAt: ctx.at,
    updatedAt: ctx.at,
  };
  return {
    state: action,
    events: [
      { type: 'action.added', actionId: action.id, text: action.text, owner: action.owner ? person(action.owner) : null },
    ],
  };
}

export interface ActionChanges {
  readonly text?: string;
  readonly owner?: User | null;
  readonly done?: boolean;
}

/** Edits an action, completes it or opens it again; unchanged values produce no event. */
export function updateAction(action: Action, changes: ActionChanges, ctx: TransitionContext): Transition<Action> {
  const events: DomainEvent[] = [];
  let next: Action = action;
  const edited: Record<string, string | null> = {};
  if (changes.text !== undefined) {
    const text = checkText(changes.text);
    if (text !== action.text) {
      next = { ...next, text };
      edited.text = text;
    }
  }
  if (changes.owner !== undefined && (changes.owner?.id ?? null) !== (action.owner?.id ?? null)) {
    next = { ...next, owner: changes.owner };
    edited.owner = changes.owner?.name ?? null;
  }
  if (Object.keys(edited).length > 0) events.push({ type: 'action.updated', actionId: action.id, changes: edited });
  if (changes.done !== undefined && changes.done !== action.done) {
    next = { ...next, done: changes.done, doneAt: changes.done ? ctx.at : null };
    events.push({ type: changes.done ? 'action.completed' : 'action.reopened', actionId: action.id });
  }
  if (events.length === 0) return { state: action, events };
  return { state: { ...next, updatedAt: ctx.at }, events };
}
