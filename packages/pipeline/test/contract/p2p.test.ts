import { runDeliveryContract } from './delivery-contract.js'
import { makeP2pSwarm } from './secure-swarm.js'

runDeliveryContract('p2p', makeP2pSwarm)
