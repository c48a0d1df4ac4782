import type { ComponentChildren } from 'preact'

/** A wide table's box: it scrolls sideways on a phone, and takes the keyboard's focus so that it can be scrolled by keys. */
export const Scroll = ({ label, children }: { label: string; children: ComponentChildren }) => (
  <div class="scroll" tabIndex={0} role="region" aria-label={label}>
    {children}
  </div>
)
