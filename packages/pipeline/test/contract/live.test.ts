import { runDeliveryContract } from './delivery-contract.js'
import { makeSwarm } from './swarm.js'

runDeliveryContract('live', async (n, name) => await makeSwarm(n, name, false))
