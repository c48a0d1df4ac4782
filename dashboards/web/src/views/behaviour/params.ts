// Each behaviour view's own state in the URL, beside the shell's (site, range, filters: state.ts):
//   /journeys?site=demo&model=linear   /forms?site=demo&form=checkout   /retention?site=demo&cohort=first_purchase&period=month
// Pure functions over the query string; a value that is not one of a switch's choices is read as its default.

export const MODELS = ['first_touch', 'last_touch', 'linear'] as const
export type Model = (typeof MODELS)[number]
export const COHORTS = ['first_visit', 'first_purchase'] as const
export type CohortKind = (typeof COHORTS)[number]
export const PERIODS = ['week', 'month'] as const
export type Period = (typeof PERIODS)[number]

/** A parameter of the query that must be one of `choices`; else the first choice. */
export function choice<T extends string>(search: string, name: string, choices: readonly T[]): T {
  const v = new URLSearchParams(search).get(name)
  // The API also reads cohort=purchase (the word) as first_purchase.
  if (name === 'cohort' && v === 'purchase') return 'first_purchase' as T
  return (choices as readonly string[]).includes(v ?? '') ? (v as T) : choices[0]
}

/** A free-text parameter (a form's name), or undefined. */
export const param = (search: string, name: string) => new URLSearchParams(search).get(name) ?? undefined

/** The URL of a view (state.ts): the shell's state, then the view's own switches, defaults left out. */
export { viewUrl } from '../../state'
