// Recommendations backend (gRPC shop.recommendations.v1.RecommendationService).
import { recommendationsFor } from '../data.js';
import type { DemoBackend } from '../index.js';
import { loadServiceClient, startGrpcServer, unary } from './grpc-server.js';

export const RECOMMENDATIONS_PROTO = new URL('../../schema/recommendations.proto', import.meta.url);
export const RECOMMENDATION_SERVICE = 'shop.recommendations.v1.RecommendationService';

interface RecommendForUserRequest {
  user_id: string;
  limit: number;
}

export function startRecommendations(opts: { host: string; port: number; latencyMs?: number }): Promise<DemoBackend> {
  const service = loadServiceClient(RECOMMENDATIONS_PROTO, RECOMMENDATION_SERVICE).service;
  return startGrpcServer({
    name: 'recommendations',
    service,
    methods: {
      // limit default 10, max 50; unknown user → no items.
      RecommendForUser: unary<RecommendForUserRequest>({
        handle: (req) => ({ items: recommendationsFor(req.user_id, req.limit) }),
      }),
    },
    ...opts,
  });
}
