export { graphqlProtocol } from './graphql-protocol.js';
