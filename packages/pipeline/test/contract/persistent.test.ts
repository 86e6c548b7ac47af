import { runDeliveryContract } from './delivery-contract.js'
import { makeSwarm } from './swarm.js'

runDeliveryContract('persistent', async (n, name) => await makeSwarm(n, name, true))
