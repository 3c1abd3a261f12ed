/**
 * Interactive work (a GraphQL operation someone waits for) goes ahead of background work
 * (transcript polling, sync fan-out), and both ahead of the reconciler's sweeps (re-reads that
 * notice changes Gong does not announce), in the connection's queue.
 */
export type Priority = 'interactive' | 'background' | 'reconcile';

/** Highest first: the order the queue serves its classes in. */
export const PRIORITIES: readonly Priority[] = ['interactive', 'background', 'reconcile'];
