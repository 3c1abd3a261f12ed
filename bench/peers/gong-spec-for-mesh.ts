/**
 * The changes Gong's OpenAPI document needs before GraphQL Mesh serves real answers from it
 * (each one found by a real answer failing; bench/peers/README.md says why). The document itself
 * stays untouched in docs/reference/.
 */
type Json = Record<string, unknown>;

export function gongSpecForMesh(spec: Json): Json {
  const copy = structuredClone<Json>(spec);
  const schemas = ((copy.components as Json).schemas ?? {}) as Record<string, Json>;
  const props = (name: string) => ((schemas[name] ?? {}).properties ?? {}) as Record<string, Json>;

  // 1. calendarEventId's example is an e-mail address, so Mesh types the field EmailAddress and
  //    rejects real values (Google/Outlook event ids). Dropping the example makes it a String.
  const cal = props('CallBasicData').calendarEventId;
  if (cal) delete cal.example;

  // 2. The document's server is a generated placeholder (https://127.0.0.1:8443): the endpoint is
  //    given to the source handler instead, so the servers list goes.
  delete copy.servers;
  return copy;
}
