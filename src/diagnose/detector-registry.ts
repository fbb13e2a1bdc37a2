// The one list of detectors. diagnose() runs exactly these, in this order (the order affects only
// the order of the report's detector list, never a conclusion).
import type { Detector } from './detector-result.js';
import * as badRequest400s from './detectors/bad-request-400s.js';
import * as bodyTooLarge from './detectors/body-too-large.js';
import * as capacityFlatAcrossPool from './detectors/capacity-flat-across-pool.js';
import * as clientResets from './detectors/client-resets.js';
import * as closeWaitAccumulation from './detectors/close-wait-accumulation.js';
import * as closeWaitFromProxy from './detectors/close-wait-from-proxy.js';
import * as contextSwitchOverhead from './detectors/context-switch-overhead.js';
import * as cpuSaturated from './detectors/cpu-saturated.js';
import * as downstreamPoolWait from './detectors/downstream-pool-wait.js';
import * as fdDrift from './detectors/fd-drift.js';
import * as fdLimitNear from './detectors/fd-limit-near.js';
import * as gilBound from './detectors/gil-bound.js';
import * as gzipIncompressible from './detectors/gzip-incompressible.js';
import * as handlerExceedsProxyTimeout from './detectors/handler-exceeds-proxy-timeout.js';
import * as ioBoundHandlers from './detectors/io-bound-handlers.js';
import * as keepaliveMismatch from './detectors/keepalive-mismatch.js';
import * as largeRequestBodies from './detectors/large-request-bodies.js';
import * as largeResponses from './detectors/large-responses.js';
import * as listenQueueOverflow from './detectors/listen-queue-overflow.js';
import * as malformedRequestLines from './detectors/malformed-request-lines.js';
import * as perRequestWorkers from './detectors/per-request-workers.js';
import * as poolSaturated from './detectors/pool-saturated.js';
import * as processesAddCapacity from './detectors/processes-add-capacity.js';
import * as processesOverCores from './detectors/processes-over-cores.js';
import * as proxyGatewayErrors from './detectors/proxy-gateway-errors.js';
import * as proxyPrematureClose from './detectors/proxy-premature-close.js';
import * as proxyTimeoutBelowServer from './detectors/proxy-timeout-below-server.js';
import * as proxyBackendRefused from './detectors/proxy-backend-refused.js';
import * as proxyConcurrencyLimit from './detectors/proxy-concurrency-limit.js';
import * as backend5xx from './detectors/backend-5xx.js';
import * as proxyHidesClient from './detectors/proxy-hides-client.js';
import * as proxyUpstreamTimeouts from './detectors/proxy-upstream-timeouts.js';
import * as queueing from './detectors/queueing.js';
import * as rssDrift from './detectors/rss-drift.js';
import * as slowClientCutoffs from './detectors/slow-client-cutoffs.js';
import * as slowServiceTime from './detectors/slow-service-time.js';
import * as synchronousLogging from './detectors/synchronous-logging.js';
import * as tailLatency from './detectors/tail-latency.js';
import * as threadDrift from './detectors/thread-drift.js';
import * as threadsOverPool from './detectors/threads-over-pool.js';
import * as unevenProcessLoad from './detectors/uneven-process-load.js';
import * as workersBlockedOnPeer from './detectors/workers-blocked-on-peer.js';
import * as workersHeldByClients from './detectors/workers-held-by-clients.js';

export interface RegisteredDetector {
  id: string;
  detect: Detector;
}

export const DETECTORS: readonly RegisteredDetector[] = [
  backend5xx,
  badRequest400s,
  bodyTooLarge,
  capacityFlatAcrossPool,
  clientResets,
  closeWaitAccumulation,
  closeWaitFromProxy,
  contextSwitchOverhead,
  cpuSaturated,
  downstreamPoolWait,
  fdDrift,
  fdLimitNear,
  gilBound,
  gzipIncompressible,
  handlerExceedsProxyTimeout,
  ioBoundHandlers,
  keepaliveMismatch,
  largeRequestBodies,
  largeResponses,
  listenQueueOverflow,
  malformedRequestLines,
  perRequestWorkers,
  poolSaturated,
  processesAddCapacity,
  processesOverCores,
  proxyGatewayErrors,
  proxyPrematureClose,
  proxyTimeoutBelowServer,
  proxyBackendRefused,
  proxyConcurrencyLimit,
  proxyHidesClient,
  proxyUpstreamTimeouts,
  queueing,
  rssDrift,
  slowClientCutoffs,
  slowServiceTime,
  synchronousLogging,
  tailLatency,
  threadDrift,
  threadsOverPool,
  unevenProcessLoad,
  workersBlockedOnPeer,
  workersHeldByClients,
];
