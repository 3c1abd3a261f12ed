/**
 * Interactive work (a GraphQL operation someone waits for) goes ahead of background work
 * (transcript polling, sync fan-out) in the connection's queue.
 */
export type Priority = 'interactive' | 'background';
