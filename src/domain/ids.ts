/** Branded identifiers: a string that the compiler will not confuse with another kind of id. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type IncidentId = Brand<string, 'IncidentId'>;
export type UserId = Brand<string, 'UserId'>;
export type TimelineEntryId = Brand<string, 'TimelineEntryId'>;
export type ActionId = Brand<string, 'ActionId'>;
export type RoleAssignmentId = Brand<string, 'RoleAssignmentId'>;
export type ApiTokenId = Brand<string, 'ApiTokenId'>;
export type SlackUserId = Brand<string, 'SlackUserId'>;
