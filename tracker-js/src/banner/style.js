// The banner's look: quiet, readable, equal weight for every choice, light and dark.
export const STYLE = `
:host { all: initial; }
.backdrop { position: fixed; inset: 0; background: rgba(20, 20, 30, .35); z-index: 2147483646; }
.dialog { position: fixed; z-index: 2147483647; left: 50%; bottom: 1.5rem; transform: translateX(-50%);
  box-sizing: border-box; width: min(36rem, calc(100vw - 2rem)); max-height: calc(100vh - 3rem); overflow: auto;
  padding: 1.25rem 1.5rem; border-radius: .75rem; background: #fff; color: #1d1d27;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; box-shadow: 0 10px 40px rgba(0,0,0,.25); }
.dialog:focus { outline: none; }
h2 { margin: 0 0 .5rem; font-size: 1.15rem; }
p { margin: 0 0 .75rem; }
a { color: inherit; }
fieldset { border: 0; margin: 0 0 1rem; padding: 0; }
legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.purpose { display: flex; gap: .6rem; align-items: flex-start; padding: .4rem 0; }
.purpose input { width: 1.1rem; height: 1.1rem; margin: .2rem 0 0; accent-color: #2b4acb; }
.purpose label { cursor: pointer; }
.purpose strong { display: block; }
.purpose span { color: #55566a; font-size: .9em; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; }
button { flex: 1 1 9rem; font: inherit; font-weight: 600; padding: .6rem 1rem; border-radius: .5rem; cursor: pointer;
  border: 2px solid #2b4acb; background: #fff; color: #2b4acb; }
button:hover { background: #eef1fc; }
:focus-visible { outline: 3px solid #f0a020; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .dialog { background: #1f2030; color: #ececf4; }
  .purpose span { color: #b4b5c8; }
  button { background: #1f2030; color: #aab8ff; border-color: #aab8ff; }
  button:hover { background: #2a2c44; }
}
@media (prefers-reduced-motion: no-preference) { .dialog { animation: rise .2s ease-out; }
  @keyframes rise { from { opacity: 0; transform: translate(-50%, 1rem); } } }
`
