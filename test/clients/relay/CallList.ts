/**
 * Relay operations as an app writes them, compiled by the real relay-compiler in
 * `relay-paginates-with-its-default-configuration.test.ts` (relay.config.json beside this file).
 * Never imported at run time: Relay replaces each `graphql` tag with its generated artifact.
 */
import { graphql } from 'relay-runtime';

export const callListQuery = graphql`
  query CallListQuery($first: Int!, $filter: GongCallsFilter) {
    ...CallList_query @arguments(first: $first, filter: $filter)
  }
`;

export const callListFragment = graphql`
  fragment CallList_query on Query
  @argumentDefinitions(
    first: { type: "Int", defaultValue: 2 }
    after: { type: "String" }
    filter: { type: "GongCallsFilter" }
  )
  @refetchable(queryName: "CallListPaginationQuery") {
    gongCalls(first: $first, after: $after, filter: $filter)
      @connection(key: "CallList_gongCalls", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          title
          transcript {
            id
            callId
          }
        }
      }
    }
  }
`;

export const userListQuery = graphql`
  query CallListUsersQuery($first: Int!) {
    ...CallList_users @arguments(first: $first)
  }
`;

export const userListFragment = graphql`
  fragment CallList_users on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 2 }, after: { type: "String" })
  @refetchable(queryName: "CallListUsersPaginationQuery") {
    gongUsers(first: $first, after: $after) @connection(key: "CallList_gongUsers") {
      edges {
        node {
          id
          emailAddress
        }
      }
    }
  }
`;
