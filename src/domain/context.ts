import type { SeverityScale } from './severity.js';
import type { User } from './user.js';

/** What every transition needs besides the state: the time, the person, fresh ids, the team's scale. */
export interface TransitionContext {
  readonly at: Date;
  readonly actor: User;
  readonly newId: () => string;
  readonly severities: SeverityScale;
}
