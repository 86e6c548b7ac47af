import { render } from 'preact'
import { App } from './app.js'
import { loadConfig } from './config.js'

const root = document.getElementById('app') as HTMLElement
render(<App config={await loadConfig()} />, root)
