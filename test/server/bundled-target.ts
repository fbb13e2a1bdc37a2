// The bundled server as a differential-corpus target: requests that reached the application
// are read from its stats (application requests, acceptor-answered ones and bad-parameter
// 400s), less the stats queries themselves.
import type { BundledServer } from '../helpers/bundled-server.js';
import type { CorpusTarget } from './differential-corpus.js';
import { getStats } from './http-util.js';

export function bundledTarget(server: BundledServer): CorpusTarget {
  let queries = 0;
  return {
    url: server.url,
    async requestsSeen() {
      const s = await getStats(server.url);
      queries++;
      return s.requests.accepted + s.requests.out_of_band + s.requests.bad_params - queries;
    },
  };
}
