// The desktop renderer's entry: mounts @ferry/ui on the FerryApi the preload exposed. No demo fallback here: a
// missing bridge is a packaging bug and should show as one.

import '@ferry/ui/styles.css'
import { mountFerryUi } from '@ferry/ui'
import { fromPreload } from './from-preload.ts'

const root = document.getElementById('root')
if (root !== null) {
  if (window.ferry === undefined) root.textContent = 'Ferry could not reach its engine (the preload did not load).'
  else mountFerryUi(root, { api: fromPreload(window.ferry) })
}
