import { start } from './tracker.js'

try {
  start(window)
} catch (e) {}
