import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { RestParameter } from './parameters.js';

export type Naming = 'snake_case' | 'camelCase';
export type MoneyStyle = 'cents' | 'object';

/** clients/<client>/rest/<version>/version.yaml */
export interface VersionShape {
  /** Property names of requests and responses. */
  naming: Naming;
  /** `<x>Cents` + sibling `currency`: kept as integer cents, or `<x>: { amount, currency }`. */
  money: MoneyStyle;
}

export interface RestEndpoint {
  version: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As written: `/orders/{id}`. */
  path: string;
  pattern: RegExp;
  pathParams: string[];
  /** Each variable as the caller gives it (location, name, schema): the OpenAPI document and the coercion read it. */
  parameters: RestParameter[];
  /** Operation text without @rest: what is executed (parsed and validated once, then cached). */
  query: string;
  /** `query` parsed: the document its requests execute (pinned to the text, planned at start-up). */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Where the answer sits in `data` (e.g. `order`, `user.orderHistory`). */
  result: string[];
  /** Pagination: data path of the next cursor and the variable that takes it. */
  nextCursor?: string[];
  cursorVariable?: string;
  /** POST: where the created resource lives, filled from the answer (`/orders/{id}`) → Location. */
  location?: string;
  summary?: string;
  file: string;
  line?: number;
}

export interface RestVersion {
  name: string;
  shape: VersionShape;
  deprecated: boolean;
  /** RFC 8594 Sunset date (ISO). */
  sunset?: string;
  successor?: string;
  endpoints: RestEndpoint[];
}

export interface RestFacade {
  client: string;
  defaultVersion: string;
  versions: Map<string, RestVersion>;
}
