// The texts of the admin's views: sites, users, membership, tokens, GeoIP, merged into i18n.ts's dictionaries. The German table is typed to have every English key.
export const en = {
}

export const de: Record<keyof typeof en, string> = {
}
