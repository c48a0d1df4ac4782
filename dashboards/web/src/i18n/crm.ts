// The texts of customers, the 360-degree page, A/B/C, RFM, value, surveys, segments, merged into i18n.ts's dictionaries. The German table is typed to have every English key.
export const en = {
}

export const de: Record<keyof typeof en, string> = {
}
