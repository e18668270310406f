/** The time, as a port: production reads the system clock, tests move a manual one. */
export interface Clock {
  now(): Date;
}

/** Fresh unique ids, as a port so nothing calls randomness inline. */
export interface IdGenerator {
  newId(): string;
}
