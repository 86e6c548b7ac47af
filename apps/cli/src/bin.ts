#!/usr/bin/env node
/** The `pipes` executable: runs the CLI and exits with its code (nothing is left running). */
import { main } from './cli/main.js'

const code = await main(process.argv.slice(2))
process.exit(code)
