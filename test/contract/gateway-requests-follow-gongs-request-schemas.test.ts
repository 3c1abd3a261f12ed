/**
 * What the gateway sends Gong conforms to the request schemas of Gong's OpenAPI document: every
 * JSON body the sandbox logged while GraphQL operations ran (every section selected, context at
 * the time of the call, user and transcript links) is checked against the spec, not our schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../read/harness.js';
import { requestProblems } from './support/gong-spec.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sandbox: { users: 10, calls: 30 } });
});
afterAll(() => h.close());

const EVERYTHING = `
  id title
  primaryUser { id manager { id } }
  parties { name user { id } context(timing: [NOW, TIME_OF_CALL]) { system objects { objectType timing fields { name value } } } }
  context(timing: [NOW, TIME_OF_CALL]) { system objects { objectId timing fields { name value } } }
  content { structure { name } trackers { name occurrences { startTime } } topics { name } pointsOfInterest { actionItems { snippet } } brief outline { section } highlights { title } callOutcome { name } keyPoints { text } }
  interaction { speakers { partyId } interactionStats { name } video { name } questions { companyCount } }
  collaboration { publicComments { comment } }
  mediaUrls { audioUrl }
  transcript { callId }
`;

describe('request bodies the gateway sends', () => {
  it("conform to Gong's request schemas for extensive calls, users by id and transcripts", async () => {
    h.reset();
    const r = await h.gql(`{ gongCalls(first: 5) { nodes { ${EVERYTHING} } } }`);
    expect(r.errors).toBeUndefined();
    const posts = h.upstream().filter((e) => e.method === 'POST');
    expect(new Set(posts.map((e) => e.endpoint))).toEqual(
      new Set([
        'POST /v2/calls/extensive',
        'POST /v2/users/extensive',
        'POST /v2/calls/transcript',
      ]),
    );
    for (const e of posts) expect(requestProblems(e.endpoint, e.body), e.endpoint).toEqual([]);
    const extensive = posts.find((e) => e.endpoint === 'POST /v2/calls/extensive')!.body as {
      contentSelector: { contextTiming?: string[] };
    };
    expect(extensive.contentSelector.contextTiming).toEqual(['Now', 'TimeOfCall']);
  });
});
