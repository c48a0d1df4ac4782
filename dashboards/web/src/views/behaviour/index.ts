// The behaviour area's views (issue 20): journeys, forms, retention, goals and revenue, realtime.
export { Forms } from './Forms'
export { Goals } from './Goals'
export { Journeys } from './Journeys'
export { Realtime } from './Realtime'
export { Retention } from './Retention'
