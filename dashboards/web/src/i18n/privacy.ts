// The texts of the privacy officer's views: data-subject requests, consent history, audit log, retention, merged into i18n.ts's dictionaries. The German table is typed to have every English key.
export const en = {
}

export const de: Record<keyof typeof en, string> = {
}
