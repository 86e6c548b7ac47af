import { runDeliveryContract } from './delivery-contract.js'
import { makeEncryptedSwarm } from './secure-swarm.js'

runDeliveryContract('encrypted', makeEncryptedSwarm)
