/** Every scenario, in the order `pnpm bench` runs them. */
import type { Scenario } from '../scenario.js'
import { catchUp } from './catch-up.js'
import { floodLatency } from './flood-latency.js'
import { historySearch } from './history-search.js'
import { liveLatency } from './live-latency.js'
import { liveThroughput } from './live-throughput.js'
import { manyAuthors } from './many-authors.js'
import { memory } from './memory.js'
import { persistentDelivery } from './persistent-delivery.js'
import { verifyRates } from './verify-rates.js'
import { writePath } from './write-path.js'

export const SCENARIOS: Scenario[] = [liveThroughput, liveLatency, floodLatency, persistentDelivery, catchUp, manyAuthors, writePath, memory, verifyRates, historySearch]
