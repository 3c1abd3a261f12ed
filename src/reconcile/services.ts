/**
 * What the GraphQL layer needs of the change machinery (the context's `services.calls`): the
 * newest knowledge of calls for the privacy rule, and the uses that keep a connection swept.
 */
import type { CallStandings } from '../privacy/call-privacy.js';
import type { Activity } from './activity.js';

export interface CallChangeServices {
  standings: CallStandings;
  activity: Pick<Activity, 'sync' | 'subscribe'>;
}
